using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Creps.Cli;

/// <summary>
/// <c>--help</c>: System.CommandLine's description and option table, with each command's hand-written synopsis as its
/// usage (the options in the order a user writes them, where the parser would print "[options]") and the environment
/// variables at the end. System.CommandLine 2.0 keeps its help layout API internal, so this edits the text it writes.
/// </summary>
public sealed class HelpLayout(HelpAction standard) : SynchronousCommandLineAction
{
    /// <summary>Puts this help on <paramref name="root"/>'s --help (which every subcommand inherits); not the default /h and /?, which are paths.</summary>
    public static void Install(Command root)
    {
        var help = new HelpOption("--help", "-h", "-?") { Description = "Print this help (the command's options, with their defaults) and exit." };
        help.Action = new HelpLayout((HelpAction)help.Action!);
        root.Options.Add(help);
    }

    public override int Invoke(ParseResult parseResult)
    {
        var config = parseResult.InvocationConfiguration;
        var output = config.Output;
        var text = new StringWriter();
        config.Output = text;
        try { standard.Invoke(parseResult); }
        finally { config.Output = output; }
        var command = parseResult.CommandResult.Command;
        output.Write(command is CrepsCommand c ? WithSynopsis(text.ToString(), c) : text.ToString());
        if (command.Parents.Any() == false || command.Options.Any(o => o.Name is "--backend" or "--backends"))
            output.WriteLine(EnvironmentVariables.Help);
        return 0;
    }

    /// <summary>The help text with its "Usage:" block replaced by the command's synopsis.</summary>
    static string WithSynopsis(string help, CrepsCommand command)
    {
        var lines = help.Replace("\r", "").Split('\n').ToList();
        int start = lines.FindIndex(l => l.TrimEnd() == "Usage:");
        if (start < 0) return help;
        int end = start + 1;
        while (end < lines.Count && lines[end].Trim().Length > 0) end++;
        var synopsis = command.Synopsis.Split('\n').Select(l => l.StartsWith(' ') ? "        " + l.TrimStart() : "  creps " + l);
        lines.RemoveRange(start + 1, end - start - 1);
        lines.InsertRange(start + 1, synopsis);
        return string.Join('\n', lines);
    }
}
