using System.Text.Json;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The suite's per-pair table from the results already recorded: a suite takes hours at 512 px, so
/// it is raced a few pairs at a time, and each run writes a file of its own. For every pair, size
/// and contender this takes the most recent race in the <c>time-to-quality-suite-*.json</c> files of
/// a folder, with the tutorial's time measured in that same run, and prints every pair of the suite
/// (those never raced as such), the median and the worst over the pairs raced, and which files, on
/// which machines, the figures come from. It runs no model.
/// </summary>
internal static class TimeToQualityReport
{
    public static void Print(string resultsFolder, IReadOnlyList<int> sizes, IReadOnlyList<string> contenders)
    {
        var runs = Directory.EnumerateFiles(resultsFolder, "time-to-quality-suite-*.json")
            .Select(Read)
            .OrderBy(r => r.Date, StringComparer.Ordinal)
            .ToList();

        // Later runs overwrite earlier ones: the table shows each pair's most recent race.
        var latest = new Dictionary<(string Content, string Style, int Size, string Contender), Cell>();
        foreach (var run in runs)
        {
            foreach (var cell in run.Cells)
            {
                latest[(cell.Content, cell.Style, cell.Size, cell.Contender)] = cell;
            }
        }

        foreach (var size in sizes)
        {
            Console.WriteLine();
            Console.WriteLine($"{size} px");
            Console.WriteLine($"{"pair",-26} " + string.Join(' ', contenders.Select(c => $"{c,-44}")));
            foreach (var (content, style) in TimeToQuality.Suite)
            {
                var cells = contenders.Select(name => latest.TryGetValue((content, style, size, name), out var cell) ? Describe(cell) : "not raced");
                Console.WriteLine($"{content + " × " + style,-26} " + string.Join(' ', cells.Select(c => $"{c,-44}")));
            }

            foreach (var name in contenders)
            {
                var raced = TimeToQuality.Suite
                    .Select(p => latest.GetValueOrDefault((p.Content, p.Style, size, name)))
                    .OfType<Cell>()
                    .ToList();
                if (raced.Count == 0)
                {
                    continue;
                }

                // A pair whose bar was not reached counts as the slowest possible.
                var speedUps = raced.Select(c => c.SpeedUp ?? 0).Order().ToArray();
                Console.WriteLine($"{size} px, {name}: raced on {raced.Count} of {TimeToQuality.Suite.Count} pairs, reached {speedUps.Count(s => s > 0)}; median {TimeToQuality.Ratio(TimeToQuality.Median(speedUps))}, worst {TimeToQuality.Ratio(speedUps[0])}");
            }
        }

        Console.WriteLine();
        foreach (var file in latest.Values.Where(c => sizes.Contains(c.Size) && contenders.Contains(c.Contender)).Select(c => (c.File, c.Machine)).Distinct().OrderBy(f => f.File, StringComparer.Ordinal))
        {
            Console.WriteLine($"from {file.File} ({file.Machine})");
        }
    }

    private static string Describe(Cell cell) => cell.SpeedUp is { } speedUp
        ? $"{cell.Seconds:F0} s, {cell.Iterations} it., {speedUp:F1}× ({cell.TutorialSeconds:F0} s)"
        : $"never in {cell.Iterations} it.: {cell.Objective / cell.Bar - 1:+0.00%} ({cell.TutorialSeconds:F0} s)";

    /// <summary>One results file: its date, its machine, and a cell for every contender of every pair it raced.</summary>
    private static Run Read(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var root = json.RootElement;
        var machineText = root.TryGetProperty("machine", out var machine)
            ? $"{machine.GetProperty("cpu").GetString()}, {string.Join(' ', machine.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()))}"
            : "machine not recorded"; // files written before 2026-12-01 11:00
        var name = Path.GetFileName(file);
        var cells = new List<Cell>();
        foreach (var pair in root.GetProperty("pairs").EnumerateArray())
        {
            foreach (var race in pair.GetProperty("contenders").EnumerateArray())
            {
                cells.Add(new Cell(
                    pair.GetProperty("content").GetString()!,
                    pair.GetProperty("style").GetString()!,
                    pair.GetProperty("size").GetInt32(),
                    race.GetProperty("contender").GetString()!,
                    pair.GetProperty("bar").GetDouble(),
                    pair.GetProperty("tutorial_estimated_seconds").GetDouble(),
                    race.GetProperty("seconds").GetDouble(),
                    race.GetProperty("iterations_total").GetInt32(),
                    race.GetProperty("objective").GetDouble(),
                    race.GetProperty("speed_up").ValueKind == JsonValueKind.Number ? race.GetProperty("speed_up").GetDouble() : null,
                    name,
                    machineText));
            }
        }

        return new Run(root.GetProperty("date").GetString()!, cells);
    }

    private sealed record Run(string Date, IReadOnlyList<Cell> Cells);

    /// <summary>One contender's race on one pair at one size; <paramref name="SpeedUp"/> is null where it did not reach the bar.</summary>
    private sealed record Cell(string Content, string Style, int Size, string Contender, double Bar, double TutorialSeconds, double Seconds, int Iterations, double Objective, double? SpeedUp, string File, string Machine);
}
