using Creps.Render.Bake;

namespace Creps.Cli;

/// <summary><c>creps merge</c>: joins the shard files of one <c>bake --shard i/n</c> texture into the unsharded output.</summary>
public static class MergeCommand
{
    public const string Usage =
        "merge --out PATH [--shards DIR] [--force]\n" +
        "  Reads PATH.shard-0-of-N … PATH.shard-(N-1)-of-N (from DIR, default PATH's folder), checks they are one complete\n" +
        "  bake, and writes PATH (and PATH's .mipL.png files) with exactly the bytes of an unsharded bake.";

    static readonly HashSet<string> Options = ["out", "shards"];
    static readonly HashSet<string> Flags = ["force"];

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args(argv, Options, Flags);
        string outPath = a.Require("out");
        string folder = a.Get("shards") ?? Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        var shards = ShardMerge.Find(outPath, folder);
        stderr.WriteLine($"creps merge: {shards.Length} shard file(s) from {folder}");
        using var interrupt = new Interrupt();
        using var progress = new Progress(stderr, "merge", ShardMerge.TotalPixels(shards));
        ShardMerge.Merge(shards, outPath, a.Has("force"), progress.Add, interrupt.Token);
        progress.Done();
        stdout.WriteLine($"wrote {outPath}");
        return 0;
    }
}
