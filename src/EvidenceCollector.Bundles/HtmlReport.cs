using System.Globalization;
using System.Net;
using System.Text;
using EvidenceCollector.Model;
using EvidenceCollector.Store;

namespace EvidenceCollector.Bundles;

/// <summary>
/// <c>report.html</c>: one self-contained file (inline CSS and SVG, no script, no external asset) an auditor opens
/// in any browser, prints, or reads on a phone: summary, the Annex A grid by theme, coverage, per-control
/// drill-down, the status trend over the window, scope completeness, and how to verify the bundle.
/// </summary>
public static class HtmlReport
{
    private static readonly (ControlStatus Status, string Colour, string Label)[] Palette =
    [
        (ControlStatus.Compliant, "#2e7d32", "compliant"),
        (ControlStatus.NonCompliant, "#c62828", "non-compliant"),
        (ControlStatus.Incomplete, "#ef6c00", "incomplete"),
        (ControlStatus.NotApplicable, "#78909c", "not applicable"),
        (ControlStatus.NoAutomatedEvidence, "#cfd8dc", "no automated evidence"),
    ];

    public static string Render(ControlViews views, IReadOnlyDictionary<string, (int Items, DateTimeOffset? Latest)> evidence, IReadOnlyList<RunInfo> runs, IReadOnlyList<ChainKey> keys, string toolVersion, ExportRequest request)
    {
        var html = new StringBuilder();
        string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
        string I(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
        var latest = views.Runs[^1];
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Evidence bundle report</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#1b1b1b;line-height:1.4}
            h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
            .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(5.2rem,1fr));gap:.25rem}
            .cell{border-radius:.25rem;padding:.3rem;font-size:.75rem;color:#fff;text-decoration:none;display:block}
            .cell.light{color:#1b1b1b}.legend span{display:inline-block;margin-right:1rem}.sw{display:inline-block;width:.9rem;height:.9rem;border-radius:.2rem;vertical-align:middle;margin-right:.3rem}
            code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}pre{background:#f5f5f5;padding:.6rem;overflow-x:auto;white-space:pre-wrap}
            details{margin:.2rem 0}summary{cursor:pointer}.muted{color:#555}
            @media (max-width:600px){body{padding:.5rem}table{font-size:.8rem}.grid{grid-template-columns:repeat(auto-fill,minmax(4.2rem,1fr))}}
            @media print{body{max-width:none}details{display:block}details>*{display:block}a{color:inherit;text-decoration:none}h2{break-after:avoid}table,.grid{break-inside:auto}tr{break-inside:avoid}}
            </style></head><body>
            """);
        html.Append("<h1>Evidence bundle: ISO/IEC 27001:2022 Annex A</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{runs.Count} sealed run(s), sealed from {E(runs[0].EndedAt?.ToWire())} to {E(runs[^1].EndedAt?.ToWire())}; tool {E(toolVersion)}; root key <code>{E(keys.FirstOrDefault()?.KeyId)}</code>.");
        if (request.Providers.Count + request.Accounts.Count + request.Controls.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $" Subset shown: providers {E(string.Join(", ", request.Providers.DefaultIfEmpty("all")))}; accounts {E(string.Join(", ", request.Accounts.DefaultIfEmpty("all")))}; controls {E(string.Join(", ", request.Controls.DefaultIfEmpty("all")))} (the integrity data covers every run whole).");
        }

        html.Append("</p>");

        // Summary.
        html.Append("<h2 id=\"summary\">Summary (latest run)</h2><table><tr><th>controls</th>");
        foreach (var (status, _, label) in Palette)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{label}</th>");
        }

        html.Append("</tr><tr><td>").Append(latest.Controls.Count).Append("</td>");
        foreach (var (status, _, _) in Palette)
        {
            html.Append("<td>").Append(I(latest.Controls.Count(c => c.Status == status))).Append("</td>");
        }

        html.Append("</tr></table><p>Findings in the latest run: ");
        html.AppendJoin(", ", Enum.GetValues<FindingStatus>().Select(s => $"{I(latest.Findings.GetValueOrDefault(s))} {s.ToWire()}"));
        html.Append(".</p>");

        // Grid.
        html.Append("<h2 id=\"grid\">Annex A controls by theme</h2><p class=\"legend\">");
        foreach (var (_, colour, label) in Palette)
        {
            html.Append(CultureInfo.InvariantCulture, $"<span><i class=\"sw\" style=\"background:{colour}\"></i>{label}</span>");
        }

        html.Append("</p>");
        foreach (var theme in views.Mapping.Controls.GroupBy(c => c.Theme))
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{E(theme.Key)} ({theme.Count()})</h3><div class=\"grid\">");
            foreach (var control in theme)
            {
                var status = views.Latest(control.Id)?.Status ?? ControlStatus.NoAutomatedEvidence;
                var (_, colour, label) = Palette.First(p => p.Status == status);
                html.Append(CultureInfo.InvariantCulture, $"<a class=\"cell{(status == ControlStatus.NoAutomatedEvidence ? " light" : string.Empty)}\" style=\"background:{colour}\" href=\"#c-{E(control.Id)}\" title=\"{E(control.Name)}: {label}\">{E(control.Id)}</a>");
            }

            html.Append("</div>");
        }

        // Coverage.
        var automated = views.Mapping.Controls.Count(c => views.Latest(c.Id)?.Checks.Count > 0);
        var withEvidence = views.Mapping.Controls.Count(c => evidence.GetValueOrDefault(c.Id).Items > 0);
        html.Append("<h2 id=\"coverage\">Coverage</h2><table><tr><th>automated (checks map to it)</th><th>with evidence in this window</th><th>manual only (no check maps to it)</th><th>excluded from the SoA</th></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>{automated}</td><td>{withEvidence}</td><td>{views.Mapping.Controls.Count - automated}</td><td>{request.Exclusions.Count}</td></tr></table>");

        // Trend.
        html.Append("<h2 id=\"trend\">Status trend over the window</h2>");
        html.Append(Trend(views.Runs));

        // Scope completeness.
        html.Append("<h2 id=\"scope\">Scope completeness</h2><table><tr><th>run</th><th>provider</th><th>account / subscription</th><th>region</th><th>outcome</th><th>why</th></tr>");
        foreach (var run in views.Runs)
        {
            foreach (var t in run.Targets.OrderBy(t => t.Target.Provider).ThenBy(t => t.Target.Account, StringComparer.Ordinal).ThenBy(t => t.Target.Region, StringComparer.Ordinal))
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>#{run.Run.Sequence}</td><td>{E(t.Target.Provider.ToWire())}</td><td>{E(t.Target.Account)}</td><td>{E(t.Target.Region)}</td><td>{E(t.Outcome.ToWire())}</td><td>{E(t.Detail)}</td></tr>");
            }
        }

        html.Append("</table>");

        // Drill-down.
        html.Append("<h2 id=\"controls\">Controls</h2>");
        foreach (var control in views.Mapping.Controls.Where(c => views.Shown(c.Id)))
        {
            var result = views.Latest(control.Id);
            var status = result?.Status ?? ControlStatus.NoAutomatedEvidence;
            var exclusion = views.ExclusionOf(control.Id);
            html.Append(CultureInfo.InvariantCulture, $"<details id=\"c-{E(control.Id)}\"><summary><b>{E(control.Id)}</b> {E(control.Name)}: {E(status.ToWire())}");
            if (result is not null && result.Checks.Count > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $" ({result.Pass} pass, {result.Fail} fail, {result.Error} error, {result.NotApplicable} n/a)");
            }

            html.Append("</summary>");
            if (exclusion is not null)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>Excluded from the Statement of Applicability: {E(exclusion.Justification)}</p>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<p>Checks: {E(string.Join(", ", result?.Checks ?? []))}{(result?.Checks.Count > 0 ? string.Empty : "none (manual evidence needed)")}. {evidence.GetValueOrDefault(control.Id).Items} evidence item(s){(evidence.GetValueOrDefault(control.Id).Latest is { } latestAt ? $", the latest answered {latestAt.ToWire()}" : string.Empty)}; every finding and its evidence files: <code>{E(BundleFormat.ControlFile(control.Id))}</code>.</p>");
            var samples = views.Samples(control.Id);
            if (samples.Count > 0)
            {
                html.Append("<table><tr><th>check</th><th>resource</th><th>status</th><th>message</th></tr>");
                foreach (var f in samples)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(f.CheckId)}</td><td>{E(f.ResourceId)}</td><td>{E(f.Status.ToWire())}</td><td>{E(f.Message)}</td></tr>");
                }

                html.Append("</table>");
            }

            html.Append("</details>");
        }

        // How to verify.
        var key = keys.FirstOrDefault()?.KeyId ?? "KEY-ID";
        html.Append("<h2 id=\"verify\">How to verify this bundle</h2><p>With the tool: <code>evidence verify BUNDLE.zip --trusted-key ").Append(E(key)).Append("</code>. Without it, in the unzipped folder (docs/bundle-format.md gives the whole procedure):</p><pre>");
        html.Append(E($"""
            openssl pkey -pubin -in keys/{key}.pem -outform DER | sha256sum     # prints the key id
            openssl dgst -sha256 -verify keys/{key}.pem -signature SHA256SUMS.sig SHA256SUMS
            sha256sum -c --quiet SHA256SUMS
            openssl dgst -sha256 -verify keys/{key}.pem -signature manifest.sig manifest.json
            """));
        html.Append("</pre></body></html>\n");
        return html.ToString();
    }

    /// <summary>Stacked bars of control statuses per run (inline SVG).</summary>
    private static string Trend(IReadOnlyList<RunView> runs)
    {
        const int width = 760, height = 200, left = 40, bottom = 30;
        var total = Math.Max(1, runs.Max(r => r.Controls.Count));
        var bar = Math.Max(4, Math.Min(60, (width - left - 10) / Math.Max(1, runs.Count) - 6));
        var svg = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"control status per run\" viewBox=\"0 0 {width} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"));
        for (var i = 0; i < runs.Count; i++)
        {
            var x = left + (i * (bar + 6));
            double y = height - bottom;
            foreach (var (status, colour, label) in Palette)
            {
                var n = runs[i].Controls.Count(c => c.Status == status);
                var h = (height - bottom - 10) * n / (double)total;
                y -= h;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y:F1}\" width=\"{bar}\" height=\"{h:F1}\" fill=\"{colour}\"><title>run #{runs[i].Run.Sequence}: {n} {label}</title></rect>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (bar / 2)}\" y=\"{height - 12}\" font-size=\"10\" text-anchor=\"middle\">#{runs[i].Run.Sequence}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"12\" font-size=\"10\">{total} controls</text></svg>");
        return svg.ToString();
    }
}
