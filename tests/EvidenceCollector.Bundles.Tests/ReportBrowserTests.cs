using Microsoft.Playwright;

namespace EvidenceCollector.Bundles.Tests;

/// <summary>
/// <c>report.html</c> in headless Chromium (Debian's package at /usr/bin/chromium, driven by Playwright; no browser is
/// downloaded): it renders the Annex A grid with no console error and no request leaving the file, on a desktop and a
/// phone viewport. The screenshots are kept under the test output's <c>artifacts/</c>.
/// </summary>
public sealed class ReportBrowserTests(BundleFixture fixture) : IClassFixture<BundleFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Report_RendersTheGridInChromium_WithoutConsoleErrorsOrExternalRequests()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (.ci/run does)");
        var bundle = fixture.Export(new ExportRequest { Last = 3 });
        var report = Path.Combine(fixture.Root, $"report-{Guid.NewGuid():N}.html");
        await File.WriteAllBytesAsync(report, BundleFixture.Entries(bundle)[BundleFormat.Report]);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        foreach (var (name, width, height) in new[] { ("desktop", 1280, 900), ("phone", 390, 844) })
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
            var errors = new List<string>();
            var requests = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    errors.Add(message.Text);
                }
            };
            page.PageError += (_, error) => errors.Add(error);
            page.Request += (_, request) => requests.Add(request.Url);

            await page.GotoAsync(new Uri(report).AbsoluteUri);

            Assert.Equal(93, await page.Locator(".grid .cell").CountAsync());
            Assert.Equal(4, await page.Locator(".grid").CountAsync());
            Assert.True(await page.Locator("#c-A\\.8\\.24").IsVisibleAsync());
            Assert.True(await page.Locator("svg rect").CountAsync() > 0, "the trend chart has bars");
            Assert.Empty(errors);
            Assert.All(requests, r => Assert.StartsWith("file://", r, StringComparison.Ordinal));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, $"report-{name}.png"), FullPage = true });
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
            Assert.Equal(93, await page.Locator(".grid .cell").CountAsync());
            await page.CloseAsync();
        }
    }
}
