# EvidenceCollector worker image: `docker run -v evidence:/data evidence-collector` runs the scheduler;
# any other verb works too (`docker run ... evidence-collector collect --provider aws`).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/EvidenceCollector.Cli/EvidenceCollector.Cli.csproj -c Release -o /app

# The ASP.NET Core runtime: the emulated estate (`evidence demo`, `evidence estate serve`) uses Kestrel.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
RUN groupadd --system --gid 10001 evidence \
 && useradd --system --uid 10001 --gid evidence --home-dir /data --shell /usr/sbin/nologin evidence \
 && mkdir -p /data && chown evidence:evidence /data
COPY --from=build /app /app
# DOTNET_JitHostMaxSlabCache: the JIT keeps up to 16 MiB of its working memory for 2-4 s after each compile
# (the SDK's S3 endpoint resolver is one large one); 1 MiB is enough between compiles and lowers the peak
# by 4-7 MiB (aws-rss). It can only be set from the environment.
ENV PATH="/app:${PATH}" \
    EVIDENCE__Store__Path=/data \
    DOTNET_NOLOGO=1 \
    DOTNET_JitHostMaxSlabCache=0x100000
WORKDIR /data
VOLUME ["/data"]
USER evidence
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["evidence", "health"]
ENTRYPOINT ["evidence"]
CMD ["run"]
