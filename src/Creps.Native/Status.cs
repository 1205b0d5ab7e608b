using Creps.Render;
using Creps.Render.IO;
using Creps.Render.Model;
using Creps.Render.Vulkan;

namespace Creps.Native;

/// <summary>creps_status of include/creps.h: the values are the ABI, never renumber them.</summary>
enum Status
{
    Ok = 0,
    InvalidArgument = 1,
    Io = 2,
    ModelFormat = 3,
    Limit = 4,
    Unavailable = 5,
    Vulkan = 6,
    Cancelled = 7,
    NotResident = 8,
    WrongBackend = 9,
    Internal = 70,
}

/// <summary>
/// The one exception → status map, and the calling thread's last error (creps_last_error). Every export runs its body
/// through <see cref="Run"/>, so no managed exception ever unwinds into the caller's frames.
/// </summary>
static unsafe class Errors
{
    [ThreadStatic] static byte* _message;      // UTF-8, NUL-terminated, NativeMemory; replaced per failed call

    public static byte* LastMessage => _message != null ? _message : Empty;
    static readonly byte* Empty = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1);

    public static int Run(Func<Status> body)
    {
        try
        {
            var s = body();
            if (s == Status.Ok) Set(null);
            return (int)s;
        }
        catch (Exception e)
        {
            try { return Fail(Classify(e), e.Message); }
            catch { return (int)Status.Internal; }   // not even the message could be kept (out of memory)
        }
    }

    /// <summary>Records <paramref name="message"/> (first line only) as this thread's last error and returns <paramref name="status"/>.</summary>
    public static int Fail(Status status, string message)
    {
        Set(OneLine(message));
        return (int)status;
    }

    /// <summary>A failure a call reports without an exception (a page not resident, a wrong backend).</summary>
    public static Status Report(Status status, string message)
    {
        Set(OneLine(message));
        return status;
    }

    static string OneLine(string m)
    {
        int nl = m.IndexOfAny(['\r', '\n']);
        return nl < 0 ? m : m[..nl];
    }

    static Status Classify(Exception e) => e switch
    {
        ModelFormatException { InnerException: InputFileException } => Status.Io,
        ModelFormatException => Status.ModelFormat,
        OperationCanceledException => Status.Cancelled,
        RenderLimitException or OutOfMemoryException => Status.Limit,
        BackendUnavailableException => Status.Unavailable,
        VulkanException => Status.Vulkan,
        IOException or UnauthorizedAccessException => Status.Io,
        ArgumentException or ObjectDisposedException => Status.InvalidArgument,
        _ => Status.Internal,
    };

    static void Set(string? message)
    {
        if (_message != null) { System.Runtime.InteropServices.NativeMemory.Free(_message); _message = null; }
        if (message == null) return;
        int n = System.Text.Encoding.UTF8.GetByteCount(message);
        var p = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)n + 1);
        System.Text.Encoding.UTF8.GetBytes(message, new Span<byte>(p, n));
        p[n] = 0;
        _message = p;
    }
}
