using Creps.Render.IO;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Creps.Cli;

/// <summary>Parses <c>creps COMMAND …</c> (System.CommandLine) and runs it; every failure is one line on stderr and a non-zero exit.</summary>
public static class Cli
{
    // The onnx backend lives in Creps.Onnx; backend names are checked while parsing, so it registers first.
    static Cli() => Onnx.OnnxBackend.Register();

    public const int ExitError = ExitCodes.Failure, ExitUsage = ExitCodes.Usage, ExitInterrupted = ExitCodes.Interrupted;

    const string RootDescription =
        "creps renders textures of any resolution from a CREPS model (Column-Row Entangled Pixel Synthesis): " +
        "any region, cut into any tiles, gives the same pixels. `creps COMMAND --help` describes a command's options.";
    const string RootUsage = "creps COMMAND [options]  (creps COMMAND --help: its options)";

    /// <summary>Commands that are gone, and what replaces them.</summary>
    static readonly Dictionary<string, string> Retired = new()
    {
        ["vulkan-bench"] = "`creps render --backend vulkan --stats` (with --budget-mb N, --fp16) prints what vulkan-bench printed",
    };

    /// <summary>Test-only: called with the command's name as its action starts (a test injects an internal error through it).</summary>
    [ThreadStatic] internal static Action<string>? TestFault;

    /// <summary>The command tree; built per call, so concurrent in-process runs share no parser state.</summary>
    public static Command Build()
    {
        // A plain command named creps, not RootCommand: its name would be the host's (testhost, dotnet), and it adds [diagram]/--version.
        var root = new Command("creps", RootDescription);
        foreach (var c in new[] { RenderCommand.Create(), BakeCommand.Create(), MergeCommand.Create(), BenchCommand.Create(), TilesCommand.Create(), StreamBenchCommand.Create(), ExportOnnxCommand.Create() })
            root.Subcommands.Add(c);
        HelpLayout.Install(root);
        return root;
    }

    /// <summary>Parses without running (no response files: '@FILE' is a coordinate file of --rows/--cols).</summary>
    public static ParseResult Parse(string[] args) => Build().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,   // ExitCodes.Report maps every exception
            ProcessTerminationTimeout = null,        // Interrupt handles SIGINT/SIGTERM: the job unwinds and cleans up
        };
        bool bare = args.Length == 0;
        if (bare) args = ["--help"];
        else if (args[0] == "help") args = [.. args[1..], "--help"];
        var parse = Parse(args);
        var root = parse.RootCommandResult.Command;
        var command = parse.CommandResult.Command as CrepsCommand;
        string name = command?.Name ?? "", usage = command?.UsageLine ?? RootUsage;
        if (parse.Action is ParseErrorAction)
            return ExitCodes.Report(new UsageException(FirstError(parse, command, root)), name, stderr, usage);
        // Commands that do not watch for cancellation (render, export-onnx) still exit 130 on a signal, temps deleted.
        using var signals = Interrupt.ExitOnSignal(stderr, name.Length > 0 ? $"creps {name}" : "creps");
        try
        {
            int rc = parse.Invoke(invocation);
            return bare ? ExitUsage : rc;   // `creps` alone prints the help and is still a usage error
        }
        catch (Exception e) { return ExitCodes.Report(e, name, stderr, usage); }
    }

    /// <summary>The one line that says what is wrong with the command line, with the nearest name for a misspelling.</summary>
    static string FirstError(ParseResult parse, CrepsCommand? command, Command root)
    {
        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = parse.UnmatchedTokens[0];
            if (command == null && !token.StartsWith('-'))
            {
                var names = root.Subcommands.Select(c => c.Name).Order().ToList();
                if (Retired.TryGetValue(token, out var instead)) return $"{Untrusted.Quote(token)} is no longer a command: {instead}";
                string hint = Suggestions.Nearest(token, names) is string near ? $"; did you mean '{near}'?" : "";
                return $"unknown command {Untrusted.Quote(token)}{hint} (commands: {string.Join(", ", names)})";
            }
            if (token.StartsWith('-'))
            {
                var options = (command ?? (Command)root).Options.Where(o => !o.Hidden).Select(o => o.Name);
                string hint = Suggestions.Nearest(token, options) is string near ? $" (did you mean {near}?)" : "";
                return $"unknown option {Untrusted.Quote(token.Split('=')[0])}{hint}";
            }
            return $"unexpected argument {Untrusted.Quote(token)}";
        }
        var error = parse.Errors[0];
        if (error.SymbolResult is OptionResult { IdentifierTokenCount: > 1 } twice) return $"{twice.Option.Name} given twice";
        // An option written without its value: the parser's wording is "Required argument missing for option: '--x'."
        if (error.SymbolResult is OptionResult { Tokens.Count: 0, Implicit: false } o && o.Option.Arity.MinimumNumberOfValues > 0)
            return $"{o.Option.Name} needs a value";
        return error.Message;
    }
}
