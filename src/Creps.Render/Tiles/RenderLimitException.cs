namespace Creps.Render;

/// <summary>A render over a documented memory limit (host lines or a device-memory budget): input error, not a bug.</summary>
public sealed class RenderLimitException(string message) : Exception(message)
{
    /// <summary>"WHAT needs N of RESOURCE; the limit is L (HINT)" — the one wording every backend uses.</summary>
    public static RenderLimitException Over(string what, string resource, long needBytes, long limitBytes, string hint) =>
        new($"{what} needs {RenderLimits.Bytes(needBytes)} ({needBytes} bytes) of {resource}; the limit is {RenderLimits.Bytes(limitBytes)} ({limitBytes} bytes): {hint}");
}
