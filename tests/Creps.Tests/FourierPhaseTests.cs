using Creps.Render.Coordinates;

namespace Creps.Tests;

/// <summary>The cpu line pass's vectorised Fourier features against the scalar reduction every backend shares.</summary>
public class FourierPhaseTests
{
    [Test]
    public void VectorSinCosGivesTheScalarFloats()
    {
        var rng = new Random(7);
        int mismatches = 0, total = 0;
        foreach (double t in new[] { 0.0, 1e-3, 0.37, 1.0, 17.25, 1e4 + 0.123, 1e5 + 0.5, -3.75 })
            foreach (int n in new[] { 1, 3, 4, 7, 512 })   // tails through the padded vector, and a full official256 row
            {
                var freqs = new float[n];
                for (int i = 0; i < n; i++) freqs[i] = (float)((rng.NextDouble() - 0.5) * 60);
                var sin = new float[n]; var cos = new float[n];
                FourierPhase.SinCos(freqs.Select(f => (double)f).ToArray(), t, sin, cos);
                for (int i = 0; i < n; i++, total++)
                {
                    var (s, c) = FourierPhase.SinCos(freqs[i], t);
                    if (BitConverter.SingleToInt32Bits(s) != BitConverter.SingleToInt32Bits(sin[i]) || BitConverter.SingleToInt32Bits(c) != BitConverter.SingleToInt32Bits(cos[i])) mismatches++;
                }
            }
        Assert.That(mismatches, Is.Zero, $"of {total} features");
    }
}
