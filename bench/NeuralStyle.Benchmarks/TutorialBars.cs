using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The tutorial's final objective for a pair at a size: computed once by a full run of its Adam loop
/// and kept, with that run's wall time, so that later time-to-quality runs need not repeat it.
/// </summary>
internal sealed record TutorialBar(
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("style")] string Style,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("iterations")] int Iterations,
    [property: JsonPropertyName("objective")] double Objective,
    [property: JsonPropertyName("run_wall_seconds")] double? RunWallSeconds,
    [property: JsonPropertyName("date")] string Date);

/// <summary>The bars recorded so far, read from and written back to one JSON file (a list of <see cref="TutorialBar"/>).</summary>
internal sealed class TutorialBars
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly List<TutorialBar> _bars;

    private TutorialBars(List<TutorialBar> bars) => _bars = bars;

    public static TutorialBars Load(string file) =>
        new(File.Exists(file) ? JsonSerializer.Deserialize<List<TutorialBar>>(File.ReadAllText(file), Json) ?? [] : []);

    public TutorialBar? Find(string content, string style, int size, int iterations) =>
        _bars.FirstOrDefault(b => b.Content == content && b.Style == style && b.Size == size && b.Iterations == iterations);

    public void Add(TutorialBar bar) => _bars.Add(bar);

    /// <summary>Writes the file through a temporary one, so that an interrupted write loses no bar recorded before.</summary>
    public void Save(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_bars.OrderBy(b => b.Size).ThenBy(b => b.Content).ThenBy(b => b.Style), Json));
        File.Move(temporary, file, overwrite: true);
    }
}
