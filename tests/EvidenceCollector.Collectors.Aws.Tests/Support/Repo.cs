namespace EvidenceCollector.Collectors.Aws.Tests.Support;

public static class Repo
{
    /// <summary>The repository root (the folder holding <c>mappings/</c> and <c>deploy/</c>).</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "mappings")) && Directory.Exists(Path.Combine(dir.FullName, "deploy")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (with mappings/ and deploy/) not found above " + AppContext.BaseDirectory);
    }
}
