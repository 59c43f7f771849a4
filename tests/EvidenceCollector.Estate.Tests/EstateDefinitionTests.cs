using System.Text.Json;

using EvidenceCollector.Estate.Aws;

namespace EvidenceCollector.Estate.Tests;

public sealed class EstateDefinitionTests
{
    [Fact]
    public void Demo_Loads_ThreeAccountsWithDisabledRegionsAndSecretTags()
    {
        var demo = EstateDefinition.Demo();
        Assert.Equal(Demo.Management, demo.ManagementAccountId);
        Assert.Equal(3, demo.Accounts.Count);
        Assert.All(demo.Accounts, a => Assert.NotEmpty(a.DisabledRegions));
        Assert.Contains(demo.Accounts, a => a.Iam.Root.Mfa is null);
        Assert.Contains(demo.Accounts, a => a.Iam.PasswordPolicy is null);
        Assert.Contains(demo.Accounts.SelectMany(a => a.Regions.Values).SelectMany(r => r.Volumes), v => v.Tags.Values.Any(t => t.Contains("AccountKey=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Generate_SameArguments_SameEstate()
    {
        var a = EstateDefinition.Generate(3, 2, 20, seed: 7).ToJson();
        var b = EstateDefinition.Generate(3, 2, 20, seed: 7).ToJson();
        Assert.Equal(a, b);
        Assert.NotEqual(a, EstateDefinition.Generate(3, 2, 20, seed: 8).ToJson());
    }

    [Fact]
    public void LoadFile_RoundTripOfGenerated_Validates()
    {
        var path = Path.Combine(Path.GetTempPath(), $"estate-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, EstateDefinition.Generate(2, 3, 10).ToJson());
            var loaded = EstateDefinition.LoadFile(path);
            Assert.Equal(2, loaded.Accounts.Count);
            Assert.Equal(3, loaded.Accounts[0].EnabledRegions.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_ResourcesInDisabledRegion_FailsNamingThePath()
    {
        var json = """{"managementAccountId":"111111111111","accounts":[{"id":"111111111111","enabledRegions":["us-east-1"],"regions":{"eu-west-1":{}}}]}""";
        var e = Assert.Throws<InvalidDataException>(() => EstateDefinition.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), "x.json"));
        Assert.Contains("x.json: accounts[0].regions.eu-west-1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_ServedEstate_AnswersEc2AcrossPages()
    {
        await using var server = await EstateServer.StartAsync(EstateDefinition.Generate(2, 2, 30));
        server.Switches.PageSize = 5;
        var signer = new TestSigner(server.BaseUrl);
        var count = 0;
        string? token = null;
        do
        {
            (string, string)[] p = token is null ? [] : [("NextToken", token)];
            using var response = await signer.QueryAsync("ec2", "us-east-1", "DescribeVolumes", "2016-11-15", p);
            var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
            count += xml.Descendants().Count(e => e.Name.LocalName == "volumeId");
            token = xml.Descendants().SingleOrDefault(e => e.Name.LocalName == "nextToken")?.Value;
        }
        while (token is not null);
        Assert.Equal(6, count);
        _ = JsonSerializer.Serialize(server.Stats.Calls);
    }
}
