// A bounded mutation fuzzer for CorsKit's request-facing code. Not part of `dotnet test`:
//   dotnet run -c Release --project tests/CorsKit.Fuzz -- --iterations 1000000 --seed 1
// Inputs are mutations of a corpus of real and hostile origins, header lists and methods
// (tests/Shared/HostileInputs.cs). Each is checked against the reference model
// (tests/Shared/ReferenceModel.cs) and, for a share of them, sent through the real middleware.
// Exits 1 on the first findings (printed escaped), 0 when every input was judged correctly.
using System.Diagnostics;
using CorsKit.Fuzz;

var iterations = Argument("--iterations", 1_000_000);
var seed = Argument("--seed", Environment.TickCount);
Console.WriteLine($"CorsKit fuzz: {iterations:N0} inputs, seed {seed}");

var stopwatch = Stopwatch.StartNew();
var fuzzer = new Fuzzer(seed);
var findings = fuzzer.Run(iterations, maxFindings: 10);
stopwatch.Stop();

foreach (var (target, count) in fuzzer.Counts.OrderBy(c => c.Key))
{
    Console.WriteLine($"  {target,-28} {count,12:N0}");
}

Console.WriteLine($"{iterations:N0} inputs in {stopwatch.Elapsed.TotalSeconds:F1} s, {findings.Count} finding(s).");
foreach (var finding in findings)
{
    Console.WriteLine($"FINDING: {finding}");
}

return findings.Count == 0 ? 0 : 1;

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
