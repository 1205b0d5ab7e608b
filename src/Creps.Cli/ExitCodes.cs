using Creps.Render;
using Creps.Render.IO;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary>
/// The CLI's one error model: every exception a command throws becomes an exit code and one line on stderr.
/// <list type="bullet">
/// <item>2 — usage: the command line is wrong (<see cref="UsageException"/>, a malformed option value); the synopsis follows.</item>
/// <item>1 — input or environment: a bad model or input file, a missing or unwritable path, a full disk, a backend or
/// device that is not there or failed, a request over a documented limit, out of memory.</item>
/// <item>130 — interrupted (SIGINT/SIGTERM): nothing written.</item>
/// <item>70 — a bug (EX_SOFTWARE): anything else — InvalidOperationException, NullReferenceException, IndexOutOfRange,
/// ArgumentOutOfRange… — as "internal error: TYPE: message" with a request to report it; never disguised as usage or input.</item>
/// </list>
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0, Failure = 1, Usage = 2, Internal = 70, Interrupted = 130;

    /// <summary>Longest error line printed (messages are already cut; this is the safety net).</summary>
    public const int MaxLine = 600;

    /// <summary>Writes <paramref name="e"/> as <c>creps COMMAND: line</c> (plus <paramref name="usage"/> for usage errors) and returns its exit code.</summary>
    public static int Report(Exception e, string command, TextWriter stderr, string usage)
    {
        var (code, line) = Classify(e);
        stderr.WriteLine($"{(command.Length > 0 ? $"creps {command}" : "creps")}: {line}");
        if (code == Usage) stderr.WriteLine($"usage: {usage}");
        return code;
    }

    public static (int Code, string Line) Classify(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) return Classify(agg.InnerExceptions[0]);
        if (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) return Classify(inner);
        return e switch
        {
            UsageException => (Usage, Clean(e.Message)),
            OperationCanceledException => (Interrupted, "interrupted; no output written"),
            OutOfMemoryException => (Failure, "out of memory: " + Clean(e.Message)),
            _ when IsInput(e) => (Failure, Clean(e.Message)),
            _ => (Internal, $"internal error: {e.GetType().Name}: {Clean(e.Message)} — this is a bug in creps; please report it with the command line"
                            + (e.StackTrace is { } st ? $" (at {Clean(FirstFrame(st))})" : "")),
        };
    }

    /// <summary>Problems with what the user gave or the machine has, as opposed to bugs.</summary>
    static bool IsInput(Exception e) => e switch
    {
        ModelFormatException or InputFileException or InvalidDataException or BackendUnavailableException or RenderLimitException => true,
        Render.Vulkan.VulkanException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException => true,   // a device or runtime that failed
        IOException or UnauthorizedAccessException => true,       // missing/unwritable paths, full disks, read errors
        ArgumentNullException or ArgumentOutOfRangeException => false, // a caller (ours) passed nonsense: a bug
        ArgumentException => true,                                 // the library's validation of a request (sizes, regions, coordinates)
        _ => false,
    };

    /// <summary>One line: control characters escaped, cut to <see cref="MaxLine"/>.</summary>
    static string Clean(string message) => Untrusted.Escape(message.Replace("\r\n", " ").Replace('\n', ' '), MaxLine, backslashes: false);

    static string FirstFrame(string stackTrace) => stackTrace.Split('\n')[0].Trim().Replace("at ", "");
}
