using Creps.Render.IO;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Creps.Cli;

/// <summary>
/// Option factories with the CLI's value rules: a malformed value is a parse error (exit 2, the same message in every
/// command), an option may be given once, and every option carries a one-sentence description for help.
/// </summary>
public static class Opt
{
    /// <summary>A text value (a path, a name) as given.</summary>
    public static Option<string?> Text(string name, string valueName, string description) =>
        Once(new Option<string?>(name) { HelpName = valueName, Description = description });

    /// <summary>A flag: present or not.</summary>
    public static Option<bool> Flag(string name, string description) =>
        Once(new Option<bool>(name) { Description = description, Arity = ArgumentArity.Zero });

    /// <summary>A whole number in <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static Option<long?> Long(string name, long min, long max, string valueName, string description) =>
        Parsed<long?>(name, valueName, description, s =>
            long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max
                ? v : throw new FormatException($"{name} {Untrusted.Quote(s)} must be a whole number in {min}..{max}"));

    /// <summary>A finite number.</summary>
    public static Option<double?> Double(string name, string valueName, string description) =>
        Parsed<double?>(name, valueName, description, s => ParseDouble(name, s));

    /// <summary>A finite number in invariant culture, or a FormatException naming the option.</summary>
    public static double ParseDouble(string name, string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new FormatException($"{name} {Untrusted.Quote(s)} is not a number");

    /// <summary>Comma-separated whole numbers in <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static Option<int[]?> Ints(string name, int min, int max, string valueName, string description) =>
        Parsed(name, valueName, description, s =>
        {
            var parts = s.Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) throw new FormatException($"{name} is empty");
            return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
                ? v : throw new FormatException($"{name} {Untrusted.Quote(s)}: expected comma-separated whole numbers in {min}..{max}")).ToArray();
        });

    /// <summary>Comma-separated names, each accepted by <paramref name="check"/> (which throws FormatException with the reason).</summary>
    public static Option<string[]?> Names(string name, string valueName, string description, Action<string>? check = null) =>
        Parsed(name, valueName, description, s =>
        {
            var parts = s.Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) throw new FormatException($"{name} is empty");
            foreach (var p in parts) check?.Invoke(p);
            return parts;
        });

    /// <summary>
    /// A value parsed by <paramref name="parse"/> (for a value type, T is the nullable type: absent options read null);
    /// its FormatException (or ArgumentException) becomes the parse error,
    /// so a malformed value exits 2 in every command that takes the option.
    /// </summary>
    public static Option<T?> Parsed<T>(string name, string valueName, string description, Func<string, T> parse) =>
        Once(new Option<T?>(name)
        {
            HelpName = valueName,
            Description = description,
            CustomParser = r =>
            {
                string s = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                try { return parse(s); }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    r.AddError(e.Message.Split(" (Parameter")[0]);
                    return default;
                }
            },
        });

    static T Once<T>(T option) where T : Option
    {
        option.Validators.Add(r =>
        {
            if (r.IdentifierTokenCount > 1) r.AddError($"{option.Name} given twice");
        });
        return option;
    }

    /// <summary>Whether the option was written on the command line.</summary>
    public static bool Has(this ParseResult p, Option option) => p.GetResult(option) is { Implicit: false };

    /// <summary>A list option's values, or null when it was not given (System.CommandLine reads an absent list as empty).</summary>
    public static T[]? List<T>(this ParseResult p, Option<T[]?> option) => p.Has(option) ? p.GetValue(option) : null;

    /// <summary>The option's text, or a usage error naming it.</summary>
    public static T Require<T>(this ParseResult p, Option<T?> option) where T : class =>
        p.GetValue(option) ?? throw new UsageException($"{option.Name} is required");
}
