using Creps.Render.IO;

namespace Creps.Cli;

/// <summary>Dispatches <c>creps COMMAND …</c>; every failure is one line on stderr and a non-zero exit.</summary>
public static class Cli
{
    public const int ExitError = ErrorModel.InputError, ExitUsage = ErrorModel.Usage, ExitInterrupted = ErrorModel.Interrupted, ExitInternal = ErrorModel.Internal;

    static readonly Dictionary<string, (string Help, Func<string[], TextWriter, TextWriter, int> Run)> Commands = new()
    {
        ["render"] = (RenderCommand.Usage, RenderCommand.Run),
        ["export-onnx"] = (ExportOnnxCommand.Usage, ExportOnnxCommand.Run),
        ["bench"] = (BenchCommand.Usage, BenchCommand.Run),
        ["bake"] = (BakeCommand.Usage, BakeCommand.Run),
        ["merge"] = (MergeCommand.Usage, MergeCommand.Run),
        ["vulkan-bench"] = (VulkanBenchCommand.Usage, VulkanBenchCommand.Run),
    };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine("usage: creps COMMAND [options]\n\ncommands:");
            foreach (var (name, (help, _)) in Commands.OrderBy(c => c.Key)) stdout.WriteLine($"  {help.Split('\n')[0]}");
            return args.Length == 0 ? ExitUsage : 0;
        }
        if (!Commands.TryGetValue(args[0], out var cmd))
        {
            stderr.WriteLine($"creps: unknown command {Untrusted.Quote(args[0])} (commands: {string.Join(", ", Commands.Keys.Order())})");
            return ExitUsage;
        }
        if (args.Skip(1).Any(a => a is "-h" or "--help")) { stdout.WriteLine(cmd.Help); return 0; }
        using var signals = Interrupt.ExitOnSignal(stderr, $"creps {args[0]}");
        try
        {
            return cmd.Run(args[1..], stdout, stderr);
        }
        catch (Exception e)
        {
            var (code, line) = ErrorModel.Classify(e);
            stderr.WriteLine($"creps {args[0]}: {line}");
            if (code == ExitUsage) stderr.WriteLine(cmd.Help.Split('\n')[0]);
            return code;
        }
    }
}

