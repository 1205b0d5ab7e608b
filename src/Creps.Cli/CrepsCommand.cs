using System.CommandLine;

namespace Creps.Cli;

/// <summary>A <c>creps</c> subcommand: its options, its action, and the hand-written synopsis shown by help and after a usage error.</summary>
public sealed class CrepsCommand : Command
{
    /// <summary>The options in the order a user writes them, e.g. <c>render --model PATH (--seed N | …) --out PATH</c>; lines after the first are indented continuations.</summary>
    public string Synopsis { get; }

    public CrepsCommand(string name, string description, string synopsis, Func<ParseResult, TextWriter, TextWriter, int> run) : base(name, description)
    {
        Synopsis = synopsis;
        SetAction(p =>
        {
            Cli.TestFault?.Invoke(name);
            return run(p, p.InvocationConfiguration.Output, p.InvocationConfiguration.Error);
        });
    }

    /// <summary>The first line of the synopsis, printed after a usage error.</summary>
    public string UsageLine => "creps " + Synopsis.Split('\n')[0];

    public void Add(IEnumerable<Option> options)
    {
        foreach (var o in options) Options.Add(o);
    }
}
