namespace EvidenceCollector.Collectors.Common;

/// <summary>
/// The one send path of a provider's clients (SDK clients and the signed client alike): each attempt first takes
/// its turn in its <see cref="AdaptiveRateGovernor"/> lane (holding no call slot), then holds a
/// <see cref="CallLimiter"/> slot from its first byte out to its last byte in, within the attempt timeout, and
/// has its answer copied off the wire into <see cref="SegmentedContent"/>; the answer is then reported to the
/// governor as throttled or admitted. Marshalling, signing, parsing, error handling and retry back-off run
/// outside the slot. What a lane is and what "throttled" means are the provider's (<paramref name="laneOf"/>,
/// <paramref name="isThrottled"/>).
/// </summary>
public sealed class LimitedSendHandler(
    CallLimiter limiter,
    AdaptiveRateGovernor governor,
    TimeSpan attemptTimeout,
    Func<HttpRequestMessage, RateLane?> laneOf,
    Func<HttpResponseMessage, CancellationToken, ValueTask<bool>> isThrottled) : DelegatingHandler
{
    /// <summary>An HTTP client over this handler and one pooled connection set (connections recycled so DNS changes are seen).</summary>
    public static HttpClient CreateClient(
        CallLimiter limiter,
        AdaptiveRateGovernor governor,
        TimeSpan attemptTimeout,
        Func<HttpRequestMessage, RateLane?> laneOf,
        Func<HttpResponseMessage, CancellationToken, ValueTask<bool>> isThrottled)
    {
        // Redirects followed and proxies from the environment, as the SDKs' own clients. The attempt timeout is the
        // handler's, from the moment the request holds a call slot: HttpClient's own Timeout would also run while
        // the request waits for its turn in a paced lane or for a slot.
        var sockets = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        return CreateClient(sockets, limiter, governor, attemptTimeout, laneOf, isThrottled);
    }

    /// <summary>An HTTP client over this handler and <paramref name="inner"/> (tests give a scripted handler).</summary>
    public static HttpClient CreateClient(
        HttpMessageHandler inner,
        CallLimiter limiter,
        AdaptiveRateGovernor governor,
        TimeSpan attemptTimeout,
        Func<HttpRequestMessage, RateLane?> laneOf,
        Func<HttpResponseMessage, CancellationToken, ValueTask<bool>> isThrottled) =>
        new(new LimitedSendHandler(limiter, governor, attemptTimeout, laneOf, isThrottled) { InnerHandler = inner }) { Timeout = Timeout.InfiniteTimeSpan };

    public TimeSpan AttemptTimeout => attemptTimeout;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var turn = governor.Enabled && laneOf(request) is { } lane
            ? await governor.WaitTurnAsync(lane, cancellationToken).ConfigureAwait(false)
            : (RateTicket?)null;
        HttpResponseMessage response;
        using (await limiter.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(attemptTimeout);
            try
            {
                response = await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                // The same shape as HttpClient's own timeout, which the SDKs treat as a timed-out attempt.
                throw new TaskCanceledException($"The request was canceled: no answer within the attempt timeout of {attemptTimeout}.", new TimeoutException(e.Message, e));
            }

            try
            {
                // To the last byte: the slot is the request's time on the wire, body included.
                response.Content = await SegmentedContent.ReadAsync(response.Content, attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                response.Dispose();
                throw new TaskCanceledException($"The request was canceled: the answer was not read within the attempt timeout of {attemptTimeout}.", new TimeoutException(e.Message, e));
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        if (turn is { } ticket)
        {
            governor.Answered(ticket, !response.IsSuccessStatusCode && await isThrottled(response, cancellationToken).ConfigureAwait(false));
        }

        return response;
    }
}
