using System.Runtime.InteropServices;
using Creps.Shaders;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>
/// The compute pipelines of one model, built once: one descriptor layout for all passes (set 0: weights, styles,
/// activations, row lines, column lines, phases; set 1: the output image), one pipeline layout with 128 bytes of
/// push constants, and the three passes specialised to the model's channel counts and the tile sizes.
/// Descriptor sets come from a pool and are freed after each submission. Shared by the generators of one context.
/// </summary>
internal sealed unsafe class Kernels : IDisposable
{
    public const int PhaseSegment = 64;
    public const int GemmThreads = 16, GemmRegisterBlock = 4, GemmKStep = 16;
    public const int GemmTile = GemmThreads * GemmRegisterBlock;
    public const int PixelGroup = 8, FourierGroup = 64;
    public const int BufferBindings = 6;

    readonly VulkanContext _ctx;
    public DescriptorSetLayout BuffersLayout { get; }
    public DescriptorSetLayout ImageLayout { get; }
    public PipelineLayout Layout { get; }
    public Pipeline Fourier { get; }
    public Pipeline Gemm { get; }
    public Pipeline Pixel { get; }
    readonly PipelineCache _cache;
    readonly DescriptorPool _pool;

    public Kernels(VulkanContext ctx, int inputChannels, int rank, int bPad, int stages, bool fp16)
    {
        _ctx = ctx;
        var vk = ctx.Vk; var dev = ctx.Device;
        var bindings = stackalloc DescriptorSetLayoutBinding[BufferBindings];
        for (int i = 0; i < BufferBindings; i++)
            bindings[i] = new DescriptorSetLayoutBinding((uint)i, DescriptorType.StorageBuffer, 1, ShaderStageFlags.ComputeBit);
        var info = new DescriptorSetLayoutCreateInfo(bindingCount: BufferBindings, pBindings: bindings);
        DescriptorSetLayout l0, l1;
        VulkanException.Check(vk.CreateDescriptorSetLayout(dev, &info, null, &l0), "vkCreateDescriptorSetLayout");
        var imgBinding = new DescriptorSetLayoutBinding(0, DescriptorType.StorageImage, 1, ShaderStageFlags.ComputeBit);
        var info1 = new DescriptorSetLayoutCreateInfo(bindingCount: 1, pBindings: &imgBinding);
        VulkanException.Check(vk.CreateDescriptorSetLayout(dev, &info1, null, &l1), "vkCreateDescriptorSetLayout");
        BuffersLayout = l0; ImageLayout = l1;

        var layouts = stackalloc DescriptorSetLayout[] { l0, l1 };
        var push = new PushConstantRange(ShaderStageFlags.ComputeBit, 0, 128);
        var plInfo = new PipelineLayoutCreateInfo(setLayoutCount: 2, pSetLayouts: layouts, pushConstantRangeCount: 1, pPushConstantRanges: &push);
        PipelineLayout pl;
        VulkanException.Check(vk.CreatePipelineLayout(dev, &plInfo, null, &pl), "vkCreatePipelineLayout");
        Layout = pl;

        var cacheInfo = new PipelineCacheCreateInfo(flags: PipelineCacheCreateFlags.None);
        PipelineCache cache;
        VulkanException.Check(vk.CreatePipelineCache(dev, &cacheInfo, null, &cache), "vkCreatePipelineCache");
        _cache = cache;

        Fourier = Build(ShaderCode.FourierInput, [inputChannels, rank, PhaseSegment]);
        Gemm = Build(ShaderCode.LineGemm, [GemmThreads, GemmThreads, GemmKStep]);
        Pixel = Build(fp16 ? ShaderCode.PixelFp16 : ShaderCode.Pixel, [bPad, rank, stages]);

        var sizes = stackalloc DescriptorPoolSize[]
        {
            new(DescriptorType.StorageBuffer, 64 * BufferBindings), new(DescriptorType.StorageImage, 64),
        };
        var poolInfo = new DescriptorPoolCreateInfo(flags: DescriptorPoolCreateFlags.FreeDescriptorSetBit, maxSets: 128, poolSizeCount: 2, pPoolSizes: sizes);
        DescriptorPool pool;
        VulkanException.Check(vk.CreateDescriptorPool(dev, &poolInfo, null, &pool), "vkCreateDescriptorPool");
        _pool = pool;
    }

    Pipeline Build(string shader, int[] specialization)
    {
        var vk = _ctx.Vk;
        byte[] code = ShaderCode.Load(shader);
        ShaderModule module;
        fixed (byte* p = code)
        {
            var mi = new ShaderModuleCreateInfo(codeSize: (nuint)code.Length, pCode: (uint*)p);
            VulkanException.Check(vk.CreateShaderModule(_ctx.Device, &mi, null, &module), $"vkCreateShaderModule({shader})");
        }
        try
        {
            var entries = stackalloc SpecializationMapEntry[specialization.Length];
            for (int i = 0; i < specialization.Length; i++) entries[i] = new SpecializationMapEntry((uint)i, (uint)(4 * i), 4);
            fixed (int* data = specialization)
            {
                var spec = new SpecializationInfo((uint)specialization.Length, entries, (nuint)(4 * specialization.Length), data);
                var name = (byte*)Marshal.StringToHGlobalAnsi("main");
                try
                {
                    var stage = new PipelineShaderStageCreateInfo(stage: ShaderStageFlags.ComputeBit, module: module, pName: name, pSpecializationInfo: &spec);
                    var ci = new ComputePipelineCreateInfo(stage: stage, layout: Layout);
                    Pipeline pipe;
                    VulkanException.Check(vk.CreateComputePipelines(_ctx.Device, _cache, 1, &ci, null, &pipe), $"vkCreateComputePipelines({shader})");
                    return pipe;
                }
                finally { Marshal.FreeHGlobal((nint)name); }
            }
        }
        finally { vk.DestroyShaderModule(_ctx.Device, module, null); }
    }

    /// <summary>Set 0 for a pass: the six buffers in binding order.</summary>
    public DescriptorSet BufferSet(ReadOnlySpan<DescriptorBufferInfo> buffers)
    {
        var set = Allocate(BuffersLayout);
        var writes = stackalloc WriteDescriptorSet[BufferBindings];
        var infos = stackalloc DescriptorBufferInfo[BufferBindings];
        for (int i = 0; i < BufferBindings; i++)
        {
            infos[i] = buffers[i];
            writes[i] = new WriteDescriptorSet(dstSet: set, dstBinding: (uint)i, descriptorCount: 1, descriptorType: DescriptorType.StorageBuffer, pBufferInfo: &infos[i]);
        }
        _ctx.Vk.UpdateDescriptorSets(_ctx.Device, BufferBindings, writes, 0, null);
        return set;
    }

    /// <summary>Set 1: a storage image view in GENERAL layout.</summary>
    public DescriptorSet ImageSet(ImageView view)
    {
        var set = Allocate(ImageLayout);
        var info = new DescriptorImageInfo(imageView: view, imageLayout: Silk.NET.Vulkan.ImageLayout.General);
        var write = new WriteDescriptorSet(dstSet: set, dstBinding: 0, descriptorCount: 1, descriptorType: DescriptorType.StorageImage, pImageInfo: &info);
        _ctx.Vk.UpdateDescriptorSets(_ctx.Device, 1, &write, 0, null);
        return set;
    }

    DescriptorSet Allocate(DescriptorSetLayout layout)
    {
        lock (this) return AllocateLocked(layout);
    }

    DescriptorSet AllocateLocked(DescriptorSetLayout layout)
    {
        var ai = new DescriptorSetAllocateInfo(descriptorPool: _pool, descriptorSetCount: 1, pSetLayouts: &layout);
        DescriptorSet set;
        VulkanException.Check(_ctx.Vk.AllocateDescriptorSets(_ctx.Device, &ai, &set), "vkAllocateDescriptorSets");
        return set;
    }

    public void Free(DescriptorSet set)
    {
        lock (this) _ctx.Vk.FreeDescriptorSets(_ctx.Device, _pool, 1, &set);
    }

    public void Bind(CommandBuffer cmd, Pipeline pipeline, DescriptorSet buffers, DescriptorSet? image = null)
    {
        var vk = _ctx.Vk;
        vk.CmdBindPipeline(cmd, PipelineBindPoint.Compute, pipeline);
        var sets = stackalloc DescriptorSet[] { buffers, image ?? default };
        vk.CmdBindDescriptorSets(cmd, PipelineBindPoint.Compute, Layout, 0, image == null ? 1u : 2u, sets, 0, null);
    }

    public void Push<T>(CommandBuffer cmd, in T constants) where T : unmanaged
    {
        fixed (T* p = &constants) _ctx.Vk.CmdPushConstants(cmd, Layout, ShaderStageFlags.ComputeBit, 0, (uint)sizeof(T), p);
    }

    public void Dispose()
    {
        var vk = _ctx.Vk; var dev = _ctx.Device;
        vk.DestroyPipeline(dev, Fourier, null);
        vk.DestroyPipeline(dev, Gemm, null);
        vk.DestroyPipeline(dev, Pixel, null);
        vk.DestroyPipelineCache(dev, _cache, null);
        vk.DestroyPipelineLayout(dev, Layout, null);
        vk.DestroyDescriptorPool(dev, _pool, null);
        vk.DestroyDescriptorSetLayout(dev, BuffersLayout, null);
        vk.DestroyDescriptorSetLayout(dev, ImageLayout, null);
    }
}
