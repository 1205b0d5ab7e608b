namespace Creps.Demo;

/// <summary>Everything the command line sets (see <see cref="DemoCli"/>).</summary>
public sealed record DemoOptions
{
    public string ModelPath { get; init; } = "";
    public uint Seed { get; init; }
    public float Psi { get; init; } = 1;
    public int Width { get; init; } = 1280;
    public int Height { get; init; } = 720;
    public double CenterX { get; init; } = 0.5;
    public double CenterY { get; init; } = 0.5;
    public double Span { get; init; } = 1;
    public string Backend { get; init; } = "auto";
    public string? ScriptPath { get; init; }
    public string? FramesDir { get; init; }
    public string? ScreenshotPath { get; init; }
    public bool WaitResident { get; init; }
    public string? StatsPath { get; init; }
    /// <summary>Seconds to keep running after the script's end (or after the start without a script); null: until closed.</summary>
    public double? ExitAfter { get; init; }
    /// <summary>VK_LAYER_KHRONOS_validation with synchronisation validation (also CREPS_VK_VALIDATION=1|sync).</summary>
    public bool Validation { get; init; }
    public string? Device { get; init; }
    /// <summary>Device slots of the page atlas (pages resident on the GPU at once).</summary>
    public int AtlasPages { get; init; } = 512;
}
