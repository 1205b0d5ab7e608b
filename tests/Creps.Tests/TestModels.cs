using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Tests.Reference;

namespace Creps.Tests;

/// <summary>Deterministic random models of any layout, calibrated so their output spans about [−1, 1].</summary>
public static class TestModels
{
    public static CrepsConfig Tiny => SyntheticModel.Tiny;
    public static CrepsConfig Small => SyntheticModel.Small;
    public static CrepsConfig Wide => SyntheticModel.Wide;
    public static CrepsConfig Official256 => SyntheticModel.Official256;

    static readonly Dictionary<(CrepsConfig, int), CrepsModel> Cache = new();

    public static CrepsModel Random(CrepsConfig c, int seed = 1)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue((c, seed), out var cached)) return cached;
            var tensors = RandomTensors(c, seed);
            var model = SyntheticModel.FromTensors(c, tensors);
            // Calibrate: the image is linear in decoder_img and both head ToRes layers, so one scale puts it in ~[−1, 1].
            var probe = Grid(c, 6);
            var img = ReferenceGenerator.Render(model, Latent.FromSeed(model, 0), probe, probe);
            FloatAssert.AllFinite(img, "calibration probe (reference)");
            float k = (float)(0.9 / img.Max(Math.Abs));
            foreach (var name in new[] { "synthesis.decoder_img", "synthesis.block0.tores", "synthesis.block1.tores" })
                foreach (var part in new[] { "weight", "bias" })
                {
                    var d = tensors[$"{name}.{part}"].Data;
                    for (int i = 0; i < d.Length; i++) d[i] *= k;
                }
            model = SyntheticModel.FromTensors(c, tensors);
            Cache[(c, seed)] = model;
            return model;
        }
    }

    public static Dictionary<string, Tensor> RandomTensors(CrepsConfig c, int seed) => SyntheticModel.RandomTensors(c, seed);

    public static double[] Grid(CrepsConfig c, int n) => Render.Coordinates.Grid.Linspace(0, 1, n);
}
