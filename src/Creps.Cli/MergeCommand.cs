using Creps.Render.Bake;

namespace Creps.Cli;

/// <summary><c>creps merge</c>: joins the shard files of one <c>bake --shard i/n</c> texture into the unsharded output.</summary>
public static class MergeCommand
{
    public const string Synopsis = "merge --out PATH [--shards DIR] [--force]";

    const string Description =
        "Reads PATH.shard-0-of-N … PATH.shard-(N-1)-of-N, checks they are one complete bake, and writes PATH " +
        "(and PATH's .mipL.png files) with exactly the bytes of an unsharded bake.";

    public static CrepsCommand Create()
    {
        var output = Opt.Text("--out", "PATH", "The texture to write, as given to `creps bake --out` (its shards are PATH.shard-i-of-n). Required.");
        var shardsDir = Opt.Text("--shards", "DIR", "The folder holding the shard files (default: PATH's folder).");
        var force = Opt.Flag("--force", "Replace an existing output (default: keep it and fail).");
        var command = new CrepsCommand("merge", Description, Synopsis, (a, stdout, stderr) =>
        {
            string outPath = a.Require(output);
            string folder = a.GetValue(shardsDir) ?? Path.GetDirectoryName(Path.GetFullPath(outPath))!;
            var shards = ShardMerge.Find(outPath, folder);
            stderr.WriteLine($"creps merge: {shards.Length} shard file(s) from {folder}");
            using var interrupt = new Interrupt();
            using var progress = new Progress(stderr, "merge", ShardMerge.TotalPixels(shards));
            ShardMerge.Merge(shards, outPath, a.GetValue(force), progress.Add, interrupt.Token);
            progress.Done();
            stdout.WriteLine($"wrote {outPath}");
            return 0;
        });
        command.Add([output, shardsDir, force]);
        return command;
    }
}
