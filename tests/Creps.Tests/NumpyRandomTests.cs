using Creps.Render.Latents;

namespace Creps.Tests;

public class NumpyRandomTests
{
    // Literals printed once by Debian 12's python3-numpy 1.24: repr(np.random.RandomState(seed).randn(5)).
    [TestCase(0u, new[] { 1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675 })]
    [TestCase(1u, new[] { 1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785 })]
    [TestCase(2u, new[] { -0.4167578474054706, -0.056266827226329474, -2.136196095668454, 1.6402708084049886, -1.7934355851948631 })]
    [TestCase(4294967295u, new[] { 0.6484086742306527, 0.6693235306338161, -1.0805437227474493, 0.2845010447986309, 0.11388773652167104 })]
    public void RandnEqualsNumpyBitForBit(uint seed, double[] expected)
    {
        Assert.That(NumpyRandom.Randn(seed, expected.Length), Is.EqualTo(expected));
    }

    [Test]
    public void Seed2MatchesTheOfficialZFile()
    {
        // z_seed2.f64 was written by the official tools from RandomState(2).randn(1, z_dim).
        foreach (var layout in Fixtures.Layouts)
        {
            var bytes = File.ReadAllBytes(Path.Combine(Fixtures.Official, layout, "z_seed2.f64"));
            var expected = new double[bytes.Length / 8];
            Buffer.BlockCopy(bytes, 0, expected, 0, bytes.Length);
            Assert.That(NumpyRandom.Randn(2, expected.Length), Is.EqualTo(expected), layout);
            var f32 = Fixtures.ReadF32(Path.Combine(Fixtures.Official, layout, "z_seed2.f32"));
            Assert.That(Latent.ZFromSeed(2, f32.Length), Is.EqualTo(f32), layout);
        }
    }

    [Test]
    public void MappingAndTruncationMatchOfficialWs()
    {
        foreach (var layout in Fixtures.Layouts)
        {
            var m = Fixtures.Model(layout);
            var ws2 = Fixtures.ReadF32(Path.Combine(Fixtures.Official, layout, "ws_seed2.f32"));
            var ws7 = Fixtures.ReadF32(Path.Combine(Fixtures.Official, layout, "ws_seed7_psi0p7.f32"));
            FloatAssert.MaxAbs(Latent.FromSeed(m, 2).All, ws2, 1e-5, $"{layout} ws seed 2");
            FloatAssert.MaxAbs(Latent.FromSeed(m, 7, 0.7f).All, ws7, 1e-5, $"{layout} ws seed 7 psi 0.7");
        }
    }
}
