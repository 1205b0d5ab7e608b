using System.Runtime.InteropServices;
using Creps.Render.Vulkan;
using Creps.Shaders;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Creps.Render.Streaming;

/// <summary>
/// Runs page_table.glsl's <c>creps_page_slot</c> on the device over an atlas's table (page_table_probe.comp): the GPU
/// lookup engines include, checked against the table Creps keeps. Made per call: a test and debugging tool, not a hot path.
/// </summary>
internal static unsafe class PageTableProbe
{
    public static int[] Run(PageAtlas atlas, ReadOnlySpan<(uint TextureId, PageKey Key)> queries)
    {
        if (queries.Length == 0) return [];
        var ctx = atlas.Context;
        var vk = ctx.Vk; var dev = ctx.Device;
        var words = new uint[6 * queries.Length];
        for (int i = 0; i < queries.Length; i++)
        {
            var (id, k) = queries[i];
            words[6 * i] = id; words[6 * i + 1] = (uint)k.Level;
            words[6 * i + 2] = (uint)k.X; words[6 * i + 3] = (uint)((ulong)k.X >> 32);
            words[6 * i + 4] = (uint)k.Y; words[6 * i + 5] = (uint)((ulong)k.Y >> 32);
        }
        var objects = new List<Action>();
        try
        {
            var qBuf = HostBuffer(atlas, (ulong)words.Length * 4, objects);
            var rBuf = HostBuffer(atlas, (ulong)queries.Length * 4, objects);
            MemoryMarshal.AsBytes(words.AsSpan()).CopyTo(qBuf.Bytes);

            var bindings = stackalloc DescriptorSetLayoutBinding[3];
            for (int i = 0; i < 3; i++) bindings[i] = new DescriptorSetLayoutBinding((uint)i, DescriptorType.StorageBuffer, 1, ShaderStageFlags.ComputeBit);
            var li = new DescriptorSetLayoutCreateInfo(bindingCount: 3, pBindings: bindings);
            DescriptorSetLayout setLayout;
            VulkanException.Check(vk.CreateDescriptorSetLayout(dev, &li, null, &setLayout), "vkCreateDescriptorSetLayout");
            var setLayoutCopy = setLayout;
            objects.Add(() => vk.DestroyDescriptorSetLayout(dev, setLayoutCopy, null));
            var push = new PushConstantRange(ShaderStageFlags.ComputeBit, 0, 4);
            var pli = new PipelineLayoutCreateInfo(setLayoutCount: 1, pSetLayouts: &setLayout, pushConstantRangeCount: 1, pPushConstantRanges: &push);
            PipelineLayout layout;
            VulkanException.Check(vk.CreatePipelineLayout(dev, &pli, null, &layout), "vkCreatePipelineLayout");
            var layoutCopy = layout;
            objects.Add(() => vk.DestroyPipelineLayout(dev, layoutCopy, null));
            var pipeline = Pipeline(ctx, layoutCopy, objects);

            var size = new DescriptorPoolSize(DescriptorType.StorageBuffer, 3);
            var poolInfo = new DescriptorPoolCreateInfo(maxSets: 1, poolSizeCount: 1, pPoolSizes: &size);
            DescriptorPool pool;
            VulkanException.Check(vk.CreateDescriptorPool(dev, &poolInfo, null, &pool), "vkCreateDescriptorPool");
            var poolCopy = pool;
            objects.Add(() => vk.DestroyDescriptorPool(dev, poolCopy, null));
            var ai = new DescriptorSetAllocateInfo(descriptorPool: pool, descriptorSetCount: 1, pSetLayouts: &setLayout);
            DescriptorSet set;
            VulkanException.Check(vk.AllocateDescriptorSets(dev, &ai, &set), "vkAllocateDescriptorSets");
            var infos = stackalloc DescriptorBufferInfo[] { new(atlas.PageTable, 0, Vk.WholeSize), new(qBuf.Handle, 0, Vk.WholeSize), new(rBuf.Handle, 0, Vk.WholeSize) };
            var writes = stackalloc WriteDescriptorSet[3];
            for (int i = 0; i < 3; i++)
                writes[i] = new WriteDescriptorSet(dstSet: set, dstBinding: (uint)i, descriptorCount: 1, descriptorType: DescriptorType.StorageBuffer, pBufferInfo: &infos[i]);
            vk.UpdateDescriptorSets(dev, 3, writes, 0, null);

            uint count = (uint)queries.Length;
            var boundSet = set;
            var boundLayout = layoutCopy;
            atlas.Submit(cmd =>
            {
                uint n = count;
                var s = boundSet;
                // The table's writes were made visible to later work by the atlas's own closing barrier; ours are the results.
                vk.CmdBindPipeline(cmd, PipelineBindPoint.Compute, pipeline);
                vk.CmdBindDescriptorSets(cmd, PipelineBindPoint.Compute, boundLayout, 0, 1, &s, 0, null);
                vk.CmdPushConstants(cmd, boundLayout, ShaderStageFlags.ComputeBit, 0, 4, &n);
                vk.CmdDispatch(cmd, (count + 63) / 64, 1, 1);
                var toHost = new MemoryBarrier(srcAccessMask: AccessFlags.ShaderWriteBit, dstAccessMask: AccessFlags.HostReadBit);
                vk.CmdPipelineBarrier(cmd, PipelineStageFlags.ComputeShaderBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
            }).Wait();
            var result = new int[queries.Length];
            rBuf.Bytes[..(result.Length * 4)].CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
            return result;
        }
        finally
        {
            for (int i = objects.Count - 1; i >= 0; i--) objects[i]();
        }
    }

    static Pipeline Pipeline(VulkanContext ctx, PipelineLayout layout, List<Action> objects)
    {
        var vk = ctx.Vk;
        byte[] code = ShaderCode.Load(ShaderCode.PageTableProbe);
        ShaderModule module;
        fixed (byte* p = code)
        {
            var mi = new ShaderModuleCreateInfo(codeSize: (nuint)code.Length, pCode: (uint*)p);
            VulkanException.Check(vk.CreateShaderModule(ctx.Device, &mi, null, &module), "vkCreateShaderModule(page_table_probe)");
        }
        var name = (byte*)Marshal.StringToHGlobalAnsi("main");
        try
        {
            var stage = new PipelineShaderStageCreateInfo(stage: ShaderStageFlags.ComputeBit, module: module, pName: name);
            var ci = new ComputePipelineCreateInfo(stage: stage, layout: layout);
            Pipeline pipe;
            VulkanException.Check(vk.CreateComputePipelines(ctx.Device, default, 1, &ci, null, &pipe), "vkCreateComputePipelines(page_table_probe)");
            var pipeCopy = pipe;
            objects.Add(() => vk.DestroyPipeline(ctx.Device, pipeCopy, null));
            return pipe;
        }
        finally
        {
            Marshal.FreeHGlobal((nint)name);
            vk.DestroyShaderModule(ctx.Device, module, null);
        }
    }

    static DedicatedBuffer HostBuffer(PageAtlas atlas, ulong size, List<Action> objects)
    {
        var b = DedicatedBuffer.HostVisible(atlas.Context, size, BufferUsageFlags.StorageBufferBit, "page table probe");
        objects.Add(b.Dispose);
        return b;
    }
}
