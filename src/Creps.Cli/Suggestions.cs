namespace Creps.Cli;

/// <summary>"Did you mean …?" for a misspelled option or command: the nearest known name by edit distance.</summary>
public static class Suggestions
{
    /// <summary>The known name nearest to <paramref name="typed"/>, or null when none is close (about a third of its letters changed).</summary>
    public static string? Nearest(string typed, IEnumerable<string> known)
    {
        string bare = typed.TrimStart('-');
        int eq = bare.IndexOf('=');
        if (eq >= 0) bare = bare[..eq];
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var name in known)
        {
            string candidate = name.TrimStart('-');
            int d = Distance(bare, candidate);
            // A prefix ("--super" for "--supersample") is close too, however many letters it leaves out.
            if (bare.Length >= 3 && candidate.StartsWith(bare, StringComparison.Ordinal)) d = Math.Min(d, 1);
            if (d < bestDistance) (best, bestDistance) = (name, d);
        }
        return best != null && bestDistance <= Math.Max(1, bare.Length / 3) ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
