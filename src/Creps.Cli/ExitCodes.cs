using Creps.Render;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary>
/// What <c>creps</c> exits with, and the one place an exception becomes an exit code and its one line on stderr:
/// 2 usage (the synopsis follows), 1 a failure of the input or the machine, 130 interrupted, 70 a bug of ours.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0, Failure = 1, Usage = 2, Internal = 70, Interrupted = 130;

    /// <summary>Writes <paramref name="e"/> as <c>creps COMMAND: message</c> (plus <paramref name="usage"/> for usage errors) and returns its exit code.</summary>
    public static int Report(Exception e, string command, TextWriter stderr, string usage)
    {
        e = Unwrap(e);
        string prefix = command.Length > 0 ? $"creps {command}" : "creps";
        switch (e)
        {
            case UsageException:
                stderr.WriteLine($"{prefix}: {OneLine(e.Message)}");
                stderr.WriteLine($"usage: {usage}");
                return Usage;
            case OperationCanceledException:
                stderr.WriteLine($"{prefix}: interrupted; no output written");
                return Interrupted;
            case var _ when IsFailure(e):
                stderr.WriteLine($"{prefix}: {OneLine(e.Message)}");
                return Failure;
            default:
                stderr.WriteLine($"{prefix}: internal error: {OneLine(e.Message)} (please report this)");
                return Internal;
        }
    }

    /// <summary>
    /// Errors of the input or the environment, which the user can act on: a bad model or file, IO, a backend or device
    /// that is absent or failed. Everything else (InvalidOperationException, NullReferenceException, IndexOutOfRange…) is a bug.
    /// </summary>
    static bool IsFailure(Exception e) =>
        e is ModelFormatException or IOException or UnauthorizedAccessException or FormatException or InvalidDataException
            or ArgumentException or BackendUnavailableException or NotSupportedException
            or Microsoft.ML.OnnxRuntime.OnnxRuntimeException
            or Render.Vulkan.VulkanException;   // a failed Vulkan call: a device fault, out of device memory

    /// <summary>The exception that says what went wrong, not the wrapper of a parallel loop or a reflective call.</summary>
    static Exception Unwrap(Exception e)
    {
        while (true)
        {
            if (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
            else if (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
            else return e;
        }
    }

    static string OneLine(string s) => s.Replace('\n', ' ').Replace("\r", "");
}
