namespace Creps.Render.Vulkan;

/// <summary>
/// What a render recorded into a caller's command buffer uses (lines, descriptor sets, views, a style slot):
/// dispose it once the GPU finished executing that command buffer, never before.
/// </summary>
public sealed class VulkanRecording : IDisposable
{
    Frame? _frame;

    internal VulkanRecording(Frame frame) { _frame = frame; }

    public void Dispose() => Interlocked.Exchange(ref _frame, null)?.Dispose();
}
