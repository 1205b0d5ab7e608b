using System.Text;

namespace Creps.Render.IO;

/// <summary>
/// Text that came from a file or a command line, made safe to echo in a one-line error: quoted, control characters
/// (terminal escape codes, newlines) escaped as \xNN / \uNNNN, cut to a sane length. Every error message that echoes
/// input goes through <see cref="Quote"/>.
/// </summary>
public static class Untrusted
{
    /// <summary>Characters of input an error message shows; the rest is counted, not printed.</summary>
    public const int MaxEcho = 80;

    /// <summary><c>'text'</c> with control characters escaped, cut to <paramref name="max"/> characters (and how many more there were).</summary>
    public static string Quote(string? text, int max = MaxEcho) => "'" + Escape(text, max) + "'";

    /// <summary>
    /// As <see cref="Quote"/> without the quotes. <paramref name="backslashes"/>: also double backslashes, so an escape
    /// in the input cannot pass for ours (off for text already escaped, e.g. a whole error line).
    /// </summary>
    public static string Escape(string? text, int max = MaxEcho, bool backslashes = true)
    {
        if (text == null) return "(null)";
        var sb = new StringBuilder(Math.Min(text.Length, max) + 16);
        int shown = 0, i = 0;
        for (; i < text.Length && shown < max; i++, shown++)
        {
            char c = text[i];
            if (c == '\\' && backslashes) sb.Append(@"\\");
            else if (c < 0x20 || c == 0x7f) sb.Append($"\\x{(int)c:X2}");
            else if ((c >= 0x80 && c < 0xa0) || c is '\u2028' or '\u2029' || char.IsSurrogate(c) && !IsPair(text, i)) sb.Append($"\\u{(int)c:X4}");
            else if (char.IsHighSurrogate(c)) { sb.Append(c).Append(text[++i]); }
            else sb.Append(c);
        }
        if (i < text.Length) sb.Append($"…({text.Length - i} more characters)");
        return sb.ToString();
    }

    /// <summary>Bytes from a file shown as text: invalid UTF-8 becomes U+FFFD, then as <see cref="Quote"/>.</summary>
    public static string Quote(ReadOnlySpan<byte> utf8, int max = MaxEcho) =>
        Quote(Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, 4 * max + 4)]), max) + (utf8.Length > 4 * max + 4 ? $"…({utf8.Length} bytes)" : "");

    static bool IsPair(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : i > 0 && char.IsHighSurrogate(s[i - 1]);
}
