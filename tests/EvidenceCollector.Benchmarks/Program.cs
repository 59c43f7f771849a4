// Benchmarks (figures for the issues' closing notes; not timed tests).
//   dotnet run -c Release --project tests/EvidenceCollector.Benchmarks -- store [payloads] [findingsPerPayload]
//   dotnet run -c Release --project tests/EvidenceCollector.Benchmarks -- aws ...
//   dotnet run -c Release --project tests/EvidenceCollector.Benchmarks -- azure [subscriptions] [resources] [concurrency] [throttle rate]
//   dotnet run -c Release --project tests/EvidenceCollector.Benchmarks -- azure-rss
using EvidenceCollector.Benchmarks;


var scenario = args.Length > 0 ? args[0] : "store";
switch (scenario)
{
    case "store":
        StoreBenchmark.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
        return 0;
    case "aws":
        await AwsBenchmark.RunAsync(Arg(1, 5), Arg(2, 4), Arg(3, 1000), Arg(4, 32));
        await AwsBenchmark.ThrottleAsync(Arg(5, 50), 800, Arg(4, 32));
        return 0;
    case "aws-fanout":
        await AwsBenchmark.RunAsync(Arg(1, 5), Arg(2, 4), Arg(3, 1000), Arg(4, 32), sequential: false);
        return 0;
    case "aws-throttle":
        await AwsBenchmark.ThrottleAsync(Arg(1, 50), Arg(2, 300), Arg(3, 32));
        return 0;
    case "aws-rss":
        await AwsBenchmark.RssAsync([1_000, 10_000, 100_000], Arg(1, 32));
        return 0;
    case "aws-wire":
        await AwsBenchmark.WireAsync(Arg(1, 32), Arg(2, 5_000));
        return 0;
    case "aws-collect":
        // The collector process measured for RSS starts as `evidence` does.
        EvidenceCollector.Cli.Hosting.NativeHeap.LimitArenas();
        await AwsBenchmark.CollectOnlyAsync(args[1], Arg(2, 32));
        return 0;
    case "aws-separate":
        await AwsBenchmark.RunSeparateAsync(Arg(1, 5), Arg(2, 4), Arg(3, 1000), Arg(4, 32));
        return 0;
    case "azure":
        await AzureBenchmark.RunAsync(Arg(1, 10), Arg(2, 500), Arg(3, 32));
        await AzureBenchmark.ThrottleAsync(Arg(4, 50), 1000, Arg(3, 32));
        return 0;
    case "azure-throttle":
        await AzureBenchmark.ThrottleAsync(Arg(1, 50), Arg(2, 1000), Arg(3, 32));
        return 0;
    case "azure-rss":
        await AzureBenchmark.RssAsync([1_000, 10_000, 50_000], Arg(1, 32));
        return 0;
    case "azure-estate":
        await AzureBenchmark.ServeEstateAsync(args[1]);
        return 0;
    case "azure-collect":
        EvidenceCollector.Cli.Hosting.NativeHeap.LimitArenas();
        await AzureBenchmark.CollectOnlyAsync(args[1], args[2], args[3], Arg(4, 32));
        return 0;
    case "bundle":
        await BundleBenchmark.RunAsync(args.Length > 1 ? args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [100, 1024]);
        return 0;
    case "bundle-export":
        BundleBenchmark.Export(args[1], args[2]);
        return 0;
    case "bundle-open":
        BundleBenchmark.Open(args[1]);
        return 0;
    case "bundle-verify":
        BundleBenchmark.Verify(args[1]);
        return 0;
    case "estate":
        await AwsBenchmark.ServeEstateAsync(args[1], Arg(2, 0));
        return 0;
    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}' (store, aws, azure)");
        return 2;
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
