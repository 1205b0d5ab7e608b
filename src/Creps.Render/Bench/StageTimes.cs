using System.Diagnostics;
using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Bench;

/// <summary>Milliseconds of one render by stage. NaN: the backend does not separate that stage (it is counted in another).</summary>
public readonly record struct StageTimes(double PerLatentMs, double LinesMs, double PixelsMs, double ReadbackMs)
{
    public double TotalMs => new[] { PerLatentMs, LinesMs, PixelsMs, ReadbackMs }.Where(double.IsFinite).Sum();
}
