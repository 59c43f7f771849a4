namespace EvidenceCollector.Cli.Tests;

/// <summary>The repository root, found from the test's output directory (the folder holding the solution).</summary>
internal static class Repo
{
    public static string Root()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EvidenceCollector.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return root.FullName;
    }
}
