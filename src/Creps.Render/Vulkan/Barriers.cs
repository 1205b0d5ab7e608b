using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>The pipeline barriers our recordings use; each names exactly the stages and accesses it orders.</summary>
internal static unsafe class Barriers
{
    public static readonly ImageSubresourceRange ColorMip0 = new(ImageAspectFlags.ColorBit, 0, 1, 0, 1);

    /// <summary>Compute → compute: earlier shader writes visible to later dispatches, and reads ordered before later writes.</summary>
    public static void Compute(Vk vk, CommandBuffer cmd)
    {
        var mb = new MemoryBarrier(srcAccessMask: AccessFlags.ShaderWriteBit | AccessFlags.ShaderReadBit,
            dstAccessMask: AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);
        vk.CmdPipelineBarrier(cmd, PipelineStageFlags.ComputeShaderBit, PipelineStageFlags.ComputeShaderBit, 0, 1, &mb, 0, null, 0, null);
    }

    /// <summary>
    /// Opens every recording: orders our own earlier work on this queue (dispatches and copies into the scratch, line
    /// and style buffers, weight uploads) before this recording touches the same buffers. Nothing of the caller's.
    /// </summary>
    public static void AfterOurEarlierWork(Vk vk, CommandBuffer cmd)
    {
        var mb = new MemoryBarrier(srcAccessMask: AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit,
            dstAccessMask: AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit);
        var stages = PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit;
        vk.CmdPipelineBarrier(cmd, stages, stages, 0, 1, &mb, 0, null, 0, null);
    }

    /// <summary>Transfer → compute: a copy into a buffer (styles) visible to the shaders after it.</summary>
    public static void TransferToCompute(Vk vk, CommandBuffer cmd)
    {
        var mb = new MemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.ShaderReadBit);
        vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.ComputeShaderBit, 0, 1, &mb, 0, null, 0, null);
    }

    /// <summary>An image layout transition with explicit source and destination scopes.</summary>
    public static void Image(Vk vk, CommandBuffer cmd, Image image, ImageLayout from, ImageLayout to,
        PipelineStageFlags srcStages, AccessFlags srcAccess, PipelineStageFlags dstStages, AccessFlags dstAccess, int layer = 0)
    {
        var b = new ImageMemoryBarrier(srcAccessMask: srcAccess, dstAccessMask: dstAccess, oldLayout: from, newLayout: to,
            srcQueueFamilyIndex: Vk.QueueFamilyIgnored, dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: image,
            subresourceRange: new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, (uint)layer, 1));
        vk.CmdPipelineBarrier(cmd, srcStages, dstStages, 0, 0, null, 0, null, 1, &b);
    }
}
