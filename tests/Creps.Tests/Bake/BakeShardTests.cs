using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Bake;

/// <summary>Farm sharding: seed batches split without overlap; shards of one texture merge into the unsharded bytes.</summary>
public class BakeShardTests
{
    [TestCase("png8", "t.png", 3)]
    [TestCase("ktx2", "t.ktx2", 4)]
    public void MergedShardsEqualTheUnshardedBake(string format, string name, int n)
    {
        string whole = TempDir(), farm = TempDir();
        string[] common = ["--seed", "6", "--size", "33x19", "--format", format, "--mips", "--supersample", "2", "--tile", "4"];
        Assert.That(RunBake([.. common, "--out", Path.Combine(whole, name)]).Code, Is.EqualTo(0));
        for (int i = n - 1; i >= 0; i--)   // any order, as on a farm
        {
            var r = RunBake([.. common, "--shard", $"{i}/{n}", "--out", Path.Combine(farm, name)]);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        }
        Assert.That(Files(farm), Is.EqualTo(Enumerable.Range(0, n).Select(i => $"{name}.shard-{i}-of-{n}").Order().ToArray()));
        var m = RunCli(["merge", "--out", Path.Combine(farm, name)]);
        Assert.That(m.Code, Is.EqualTo(0), m.ToString());
        foreach (var f in Files(whole))
            Assert.That(File.ReadAllBytes(Path.Combine(farm, f)), Is.EqualTo(File.ReadAllBytes(Path.Combine(whole, f))), $"{f} differs from the unsharded bake");
    }

    [Test]
    public void MergeRefusesIncompleteOrMixedShards()
    {
        string farm = TempDir(), outPath = Path.Combine(farm, "t.png");
        string[] common = ["--size", "16x8", "--format", "png8", "--out", outPath];
        Assert.That(RunBake(["--seed", "1", "--shard", "0/3", .. common]).Code, Is.EqualTo(0));
        Assert.That(RunBake(["--seed", "1", "--shard", "2/3", .. common]).Code, Is.EqualTo(0));
        var missing = RunCli(["merge", "--out", outPath]);
        Assert.That((missing.Code, missing.ErrLines.Last()), Is.EqualTo((1, "creps merge: shard 1 of 3 is missing (t.png.shard-1-of-3)")), missing.ToString());

        Assert.That(RunBake(["--seed", "2", "--shard", "1/3", .. common]).Code, Is.EqualTo(0));   // another seed's shard
        var mixed = RunCli(["merge", "--out", outPath]);
        Assert.That(mixed.Code, Is.EqualTo(1));
        Assert.That(mixed.ErrLines.Last(), Does.Contain("belongs to another bake"));
        Assert.That(File.Exists(outPath), Is.False);
        Assert.That(Files(farm).Where(f => !f.Contains(".shard-")), Is.Empty, "no partial or temp file");
    }

    [Test]
    public void SeedBatchShardsSplitTheSeedsAndEachTextureIsTheSingleSeedBake()
    {
        string farm = TempDir(), single = TempDir();
        string[] common = ["--size", "12x10", "--format", "png8"];
        for (int i = 0; i < 2; i++)
            Assert.That(RunBake(["--seeds", "3-7", "--shard", $"{i}/2", .. common, "--out", Path.Combine(farm, "s{seed}.png")]).Code, Is.EqualTo(0));
        Assert.That(Files(farm), Is.EqualTo(new[] { "s3.png", "s4.png", "s5.png", "s6.png", "s7.png" }));
        Assert.That(RunBake(["--seed", "5", .. common, "--out", Path.Combine(single, "s5.png")]).Code, Is.EqualTo(0));
        Assert.That(File.ReadAllBytes(Path.Combine(farm, "s5.png")), Is.EqualTo(File.ReadAllBytes(Path.Combine(single, "s5.png"))));

        string half = TempDir();
        Assert.That(RunBake(["--seeds", "3-7", "--shard", "1/2", .. common, "--out", Path.Combine(half, "s{seed}.png")]).Code, Is.EqualTo(0));
        Assert.That(Files(half), Is.EqualTo(new[] { "s4.png", "s6.png" }), "shard 1/2 bakes every second seed from the second");
    }
}
