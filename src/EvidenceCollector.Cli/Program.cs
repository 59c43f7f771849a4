// Before any other work: the arenas glibc creates from here on are capped (see NativeHeap).
EvidenceCollector.Cli.Hosting.NativeHeap.LimitArenas();
return await EvidenceCollector.Cli.EvidenceCli.RunAsync(args).ConfigureAwait(false);
