using Creps.Render;
using Creps.Render.IO;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary>
/// The CLI's one error model: every exception a command throws becomes an exit code and one line.
/// <list type="bullet">
/// <item>2 — usage: the command line is wrong (<see cref="UsageException"/>); the caller adds the synopsis.</item>
/// <item>1 — input or environment: a bad model or input file, a missing or unwritable path, a full disk, a backend or
/// device that is not there, a request over a documented limit, out of memory.</item>
/// <item>130 — interrupted (SIGINT/SIGTERM): nothing written.</item>
/// <item>70 — a bug (EX_SOFTWARE): anything else — InvalidOperationException, NullReferenceException, IndexOutOfRange,
/// ArgumentOutOfRange… — as "internal error: TYPE: message" with a request to report it; never disguised as usage or input.</item>
/// </list>
/// </summary>
public static class ErrorModel
{
    public const int Ok = 0, InputError = 1, Usage = 2, Internal = 70, Interrupted = 130;

    /// <summary>Longest error line printed (the message is already cut; this is the safety net).</summary>
    public const int MaxLine = 600;

    public static (int Code, string Line) Classify(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) return Classify(agg.InnerExceptions[0]);
        if (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) return Classify(inner);
        return e switch
        {
            UsageException => (Usage, Clean(e.Message)),
            OperationCanceledException => (Interrupted, "interrupted; no output written"),
            OutOfMemoryException => (InputError, "out of memory: " + Clean(e.Message)),
            _ when IsInput(e) => (InputError, Clean(e.Message)),
            _ => (Internal, $"internal error: {e.GetType().Name}: {Clean(e.Message)} — this is a bug in creps; please report it with the command line"
                            + (e.StackTrace is { } st ? $" (at {Clean(FirstFrame(st))})" : "")),
        };
    }

    /// <summary>Problems with what the user gave or the machine has, as opposed to bugs.</summary>
    static bool IsInput(Exception e) => e switch
    {
        ModelFormatException or InputFileException or InvalidDataException or BackendUnavailableException or RenderLimitException => true,
        IOException or UnauthorizedAccessException => true,       // missing/unwritable paths, full disks, read errors
        ArgumentNullException or ArgumentOutOfRangeException => false, // a caller (ours) passed nonsense: a bug
        ArgumentException => true,                                 // the library's validation of a request (sizes, regions, coordinates)
        _ => false,
    };

    /// <summary>One line: control characters escaped, cut to <see cref="MaxLine"/>.</summary>
    static string Clean(string message) => Untrusted.Escape(message.Replace("\r\n", " ").Replace('\n', ' '), MaxLine, backslashes: false);

    static string FirstFrame(string stackTrace) => stackTrace.Split('\n')[0].Trim().Replace("at ", "");
}
