using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>Organizations (JSON 1.1, AWSOrganizationsV20161128, global): ListAccounts from the management account.</summary>
internal sealed class OrganizationsService(EstateState state) : EstateService
{
    public override string Name => "organizations";
    public override WireProtocol Protocol => WireProtocol.Json;
    public override string TargetPrefix => "AWSOrganizationsV20161128";
    public override bool Global => true;

    public override AwsError Throttling() => new("TooManyRequestsException", "AWS Organizations can't complete your request because another request is already in progress. Try again later.");

    protected override AwsError InvalidToken(string token) => new("InvalidInputException", "You provided an invalid value for the NextToken parameter.");

    public override AwsResponse Handle(AwsRequest r)
    {
        if (r.Operation != "ListAccounts")
        {
            throw UnknownOperation(r.Operation);
        }
        var estate = state.Estate;
        if (r.Account.Id != estate.ManagementAccountId)
        {
            throw new AwsError("AccessDeniedException", "You don't have permissions to access this resource.");
        }
        var (page, next) = Page(r, estate.Accounts, r.JsonString("NextToken"), r.JsonInt("MaxResults"));
        return Json(r, Obj(
            ("Accounts", Arr(page.Select(a => Obj(
                ("Id", a.Id),
                ("Arn", $"arn:aws:organizations::{estate.ManagementAccountId}:account/{estate.OrganizationId}/{a.Id}"),
                ("Email", a.Email ?? $"{a.Name}@example.com"),
                ("Name", a.Name),
                ("Status", "ACTIVE"),
                ("State", "ACTIVE"),
                ("JoinedMethod", a.Id == estate.ManagementAccountId ? "CREATED" : "INVITED"),
                ("JoinedTimestamp", Epoch(a.JoinedTimestamp ?? a.CreatedDate)))))),
            ("NextToken", next)));
    }
}
