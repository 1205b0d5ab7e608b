using System.Globalization;
using Creps.Render.IO;

namespace Creps.Cli;

/// <summary>A command's <c>--name value</c> options and <c>--flag</c>s; every option must be known and used once.</summary>
public sealed class Args
{
    readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public Args(IEnumerable<string> args, IReadOnlySet<string> options, IReadOnlySet<string> flags)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            string a = e.Current;
            if (!a.StartsWith("--")) throw new UsageException($"unexpected argument {Untrusted.Quote(a)}");
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (flags.Contains(name)) { if (value != null) throw new UsageException($"--{name} takes no value"); }
            else if (options.Contains(name))
            {
                if (value == null)
                {
                    if (!e.MoveNext()) throw new UsageException($"--{name} needs a value");
                    value = e.Current;
                }
            }
            else throw new UsageException($"unknown option --{name}");
            if (!_values.TryAdd(name, value)) throw new UsageException($"--{name} given twice");
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);
    public string? Get(string name) => _values.GetValueOrDefault(name);
    public string Require(string name) => Get(name) ?? throw new UsageException($"--{name} is required");

    public double? Double(string name)
    {
        var s = Get(name);
        if (s == null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"--{name} {Untrusted.Quote(s)} is not a number");
        return v;
    }

    public long? Long(string name, long min, long max)
    {
        var s = Get(name);
        if (s == null) return null;
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) || v < min || v > max)
            throw new UsageException($"--{name} {Untrusted.Quote(s)} must be a whole number in {min}..{max}");
        return v;
    }
}

/// <summary>Bad command-line usage: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
