return await EvidenceCollector.Cli.EvidenceCli.RunAsync(args).ConfigureAwait(false);
