// Benchmarks (figures for the issues' closing notes; not timed tests).
//   dotnet run -c Release --project tests/EvidenceCollector.Benchmarks -- store [payloads] [findingsPerPayload]
//   dotnet run -c Release --project tests/EvidenceCollector.Benchmarks -- aws ...
using EvidenceCollector.Benchmarks;

var scenario = args.Length > 0 ? args[0] : "store";
switch (scenario)
{
    case "store":
        StoreBenchmark.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
        return 0;
    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}' (store, aws)");
        return 2;
}
