using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>A Vulkan call that failed: which call, and the <see cref="Silk.NET.Vulkan.Result"/> the driver returned.</summary>
public sealed class VulkanException(string call, Result result)
    : Exception($"Vulkan: {call} failed ({result})")
{
    public string Call { get; } = call;
    public Result Result { get; } = result;

    /// <summary>Throws unless <paramref name="r"/> is VK_SUCCESS.</summary>
    public static void Check(Result r, string call)
    {
        if (r != Result.Success) throw new VulkanException(call, r);
    }
}
