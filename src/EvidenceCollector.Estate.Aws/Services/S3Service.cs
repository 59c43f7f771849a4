using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using EvidenceCollector.Estate.Aws.Protocol;
using static EvidenceCollector.Estate.Aws.Protocol.Wire;

namespace EvidenceCollector.Estate.Aws.Services;

/// <summary>S3 (REST-XML, path-style): the bucket configuration reads.</summary>
internal sealed class S3Service(EstateState state) : EstateService, IRestOperations
{
    private static readonly (string Query, string Operation)[] Subresources =
    [
        ("encryption", "GetBucketEncryption"), ("publicAccessBlock", "GetPublicAccessBlock"), ("acl", "GetBucketAcl"),
        ("versioning", "GetBucketVersioning"), ("logging", "GetBucketLogging"), ("policy", "GetBucketPolicy"),
        ("object-lock", "GetObjectLockConfiguration"), ("location", "GetBucketLocation"),
    ];

    public override string Name => "s3";
    public override WireProtocol Protocol => WireProtocol.RestXml;
    public override bool Global => true;

    protected override AwsError InvalidToken(string token) => new("InvalidArgument", "The continuation token provided is incorrect");

    public string Resolve(string method, string path, IReadOnlyDictionary<string, string> query)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return method == "GET" ? "ListBuckets" : $"{method} /";
        }
        if (segments.Length == 1)
        {
            if (method == "HEAD")
            {
                return "HeadBucket";
            }
            if (method == "GET")
            {
                foreach (var (q, op) in Subresources)
                {
                    if (query.ContainsKey(q))
                    {
                        return op;
                    }
                }
                return query.ContainsKey("list-type") ? "ListObjectsV2" : "ListObjects";
            }
        }
        return $"{method} {path}";
    }

    public static string CanonicalUserId(string accountId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("canonical:" + accountId)));

    private static XElement Owner(EstateAccount a) => E(S3Ns, "Owner", E(S3Ns, "ID", CanonicalUserId(a.Id)), E(S3Ns, "DisplayName", a.Name));

    public override AwsResponse Handle(AwsRequest r)
    {
        if (r.Operation == "ListBuckets")
        {
            return ListBuckets(r);
        }
        if (!Subresources.Any(s => s.Operation == r.Operation) && r.Operation != "HeadBucket")
        {
            throw UnknownOperation(r.Operation);
        }
        var bucket = FindBucket(r);
        return r.Operation switch
        {
            "HeadBucket" => HeadBucket(r, bucket),
            "GetBucketLocation" => Xml(new XElement(S3Ns + "LocationConstraint", bucket.Region == "us-east-1" ? null : bucket.Region), 200, r.RequestId),
            "GetBucketEncryption" => GetBucketEncryption(r, bucket),
            "GetPublicAccessBlock" => bucket.PublicAccessBlock is { } pab ? Xml(PublicAccessBlock(S3Ns, pab), 200, r.RequestId)
                : throw NotFound(bucket, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"),
            "GetBucketAcl" => GetBucketAcl(r, bucket),
            "GetBucketVersioning" => Xml(E(S3Ns, "VersioningConfiguration", Opt(S3Ns, "Status", bucket.Versioning), Opt(S3Ns, "MfaDelete", bucket.Versioning is null ? null : bucket.MfaDelete ?? "Disabled")), 200, r.RequestId),
            "GetBucketLogging" => Xml(E(S3Ns, "BucketLoggingStatus", bucket.Logging is { } l
                ? E(S3Ns, "LoggingEnabled", E(S3Ns, "TargetBucket", l.TargetBucket), E(S3Ns, "TargetPrefix", l.TargetPrefix)) : null), 200, r.RequestId),
            "GetBucketPolicy" => GetBucketPolicy(r, bucket),
            "GetObjectLockConfiguration" => GetObjectLock(r, bucket),
            _ => throw UnknownOperation(r.Operation),
        };
    }

    /// <summary>
    /// ListBuckets as AWS answers it: a request with none of its parameters (max-buckets, continuation-token,
    /// prefix, bucket-region) is the legacy unpaginated form, answered whole and without BucketRegion; a request
    /// with at least one is paginated (at the estate's page size, or max-buckets when smaller) and each bucket
    /// carries its BucketRegion. BucketArn is only for directory buckets, which the estate does not have.
    /// </summary>
    private AwsResponse ListBuckets(AwsRequest r)
    {
        var prefix = r.Param("prefix");
        var region = r.Param("bucket-region");
        var token = r.Param("continuation-token");
        var max = r.IntParam("max-buckets");
        var paginated = prefix is not null || region is not null || token is not null || max is not null;
        var all = r.Account.S3.Buckets
            .Where(b => prefix is null || b.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Where(b => region is null || b.Region == region)
            .OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        var (page, next) = paginated ? Page(r, all, token, max) : (all, null);
        return Xml(E(S3Ns, "ListAllMyBucketsResult",
            Owner(r.Account),
            E(S3Ns, "Buckets", page.Select(b => E(S3Ns, "Bucket",
                E(S3Ns, "Name", b.Name), E(S3Ns, "CreationDate", Iso(b.CreationDate)), paginated ? E(S3Ns, "BucketRegion", b.Region) : null))),
            Opt(S3Ns, "ContinuationToken", next),
            Opt(S3Ns, "Prefix", prefix)), 200, r.RequestId);
    }

    private EstateBucket FindBucket(AwsRequest r)
    {
        var name = r.Path.Trim('/');
        foreach (var account in state.Estate.Accounts)
        {
            if (account.S3.Buckets.Find(b => b.Name == name) is { } bucket)
            {
                return account.Id == r.Account.Id ? bucket : throw new AwsError("AccessDenied", "Access Denied", 403);
            }
        }
        throw new AwsError("NoSuchBucket", "The specified bucket does not exist", 404) { Extra = new Dictionary<string, string> { ["BucketName"] = name } };
    }

    private static AwsError NotFound(EstateBucket b, string code, string message) =>
        new(code, message, 404) { Extra = new Dictionary<string, string> { ["BucketName"] = b.Name } };

    private static AwsResponse HeadBucket(AwsRequest r, EstateBucket b)
    {
        var response = new AwsResponse(200, "application/xml", []);
        response.Headers["x-amz-bucket-region"] = b.Region;
        response.Headers["x-amz-request-id"] = r.RequestId;
        return response;
    }

    internal static XElement PublicAccessBlock(XNamespace ns, EstatePublicAccessBlock p) => E(ns, "PublicAccessBlockConfiguration",
        E(ns, "BlockPublicAcls", Bool(p.BlockPublicAcls)),
        E(ns, "IgnorePublicAcls", Bool(p.IgnorePublicAcls)),
        E(ns, "BlockPublicPolicy", Bool(p.BlockPublicPolicy)),
        E(ns, "RestrictPublicBuckets", Bool(p.RestrictPublicBuckets)));

    private static AwsResponse GetBucketEncryption(AwsRequest r, EstateBucket b)
    {
        var enc = b.Encryption ?? throw NotFound(b, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found");
        return Xml(E(S3Ns, "ServerSideEncryptionConfiguration",
            E(S3Ns, "Rule",
                E(S3Ns, "ApplyServerSideEncryptionByDefault", E(S3Ns, "SSEAlgorithm", enc.Algorithm), Opt(S3Ns, "KMSMasterKeyID", enc.KmsKeyId)),
                E(S3Ns, "BucketKeyEnabled", Bool(enc.BucketKeyEnabled)))), 200, r.RequestId);
    }

    private static AwsResponse GetBucketAcl(AwsRequest r, EstateBucket b)
    {
        var owner = CanonicalUserId(r.Account.Id);
        XElement Grant(XElement grantee, string permission) => E(S3Ns, "Grant", grantee, E(S3Ns, "Permission", permission));
        XElement Group(string uri) => E(S3Ns, "Grantee", new XAttribute(XNamespace.Xmlns + "xsi", Xsi), new XAttribute(Xsi + "type", "Group"), E(S3Ns, "URI", uri));
        var grants = new List<XElement>
        {
            Grant(E(S3Ns, "Grantee", new XAttribute(XNamespace.Xmlns + "xsi", Xsi), new XAttribute(Xsi + "type", "CanonicalUser"),
                E(S3Ns, "ID", owner), E(S3Ns, "DisplayName", r.Account.Name)), "FULL_CONTROL"),
        };
        foreach (var g in b.AclGrants)
        {
            var uri = g.Grantee switch
            {
                "AllUsers" => "http://acs.amazonaws.com/groups/global/AllUsers",
                "AuthenticatedUsers" => "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
                "LogDelivery" => "http://acs.amazonaws.com/groups/s3/LogDelivery",
                var other => other,
            };
            grants.Add(Grant(Group(uri), g.Permission));
        }
        return Xml(E(S3Ns, "AccessControlPolicy", Owner(r.Account), E(S3Ns, "AccessControlList", grants)), 200, r.RequestId);
    }

    private static AwsResponse GetBucketPolicy(AwsRequest r, EstateBucket b)
    {
        var policy = b.Policy ?? throw NotFound(b, "NoSuchBucketPolicy", "The bucket policy does not exist");
        var response = new AwsResponse(200, "application/json", Encoding.UTF8.GetBytes(policy.GetRawText()));
        response.Headers["x-amz-request-id"] = r.RequestId;
        return response;
    }

    private static AwsResponse GetObjectLock(AwsRequest r, EstateBucket b)
    {
        var ol = b.ObjectLock ?? throw NotFound(b, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket");
        return Xml(E(S3Ns, "ObjectLockConfiguration",
            E(S3Ns, "ObjectLockEnabled", "Enabled"),
            ol.Mode is null ? null : E(S3Ns, "Rule", E(S3Ns, "DefaultRetention",
                E(S3Ns, "Mode", ol.Mode),
                ol.Days is { } d ? E(S3Ns, "Days", Int(d)) : null,
                ol.Years is { } y ? E(S3Ns, "Years", Int(y)) : null))), 200, r.RequestId);
    }
}

/// <summary>S3 Control (REST-XML, signing name s3, path /v20180820/…): the account's public access block.</summary>
internal sealed class S3ControlService : EstateService, IRestOperations
{
    public override string Name => "s3control";
    public override WireProtocol Protocol => WireProtocol.RestXml;
    public override bool Global => true;
    protected override string ActionPrefix => "s3";

    public string Resolve(string method, string path, IReadOnlyDictionary<string, string> query) =>
        method == "GET" && path == "/v20180820/configuration/publicAccessBlock" ? "GetPublicAccessBlock" : $"{method} {path}";

    public override AwsResponse Handle(AwsRequest r)
    {
        if (r.Operation != "GetPublicAccessBlock")
        {
            throw UnknownOperation(r.Operation);
        }
        var accountId = r.Http.Request.Headers["x-amz-account-id"].ToString();
        if (string.IsNullOrEmpty(accountId))
        {
            throw new AwsError("InvalidRequest", "Missing required header for this request: x-amz-account-id");
        }
        if (accountId != r.Account.Id)
        {
            throw new AwsError("AccessDenied", "Access Denied", 403);
        }
        var pab = r.Account.S3.AccountPublicAccessBlock
            ?? throw new AwsError("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", 404)
            {
                Extra = new Dictionary<string, string> { ["AccountId"] = accountId },
            };
        return Xml(S3Service.PublicAccessBlock(S3ControlNs, pab), 200, r.RequestId);
    }
}
