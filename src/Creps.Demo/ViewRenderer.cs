using System.Runtime.InteropServices;
using Creps.Render.Vulkan;
using Creps.Shaders;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;
using Semaphore = Silk.NET.Vulkan.Semaphore;

namespace Creps.Demo;

/// <summary>
/// The demo's own presentation on the shared device: one render pass that draws the full-screen triangle of
/// view_fragment.frag into the swapchain image, <see cref="FramesInFlight"/> frames in flight (each its command buffer,
/// fence, acquire semaphore, view and HUD buffers and descriptor set), a render-finished semaphore per swapchain image,
/// and an optional copy of the drawn image into a host buffer (screenshots, --frames). Every vkQueueSubmit and
/// vkQueuePresentKHR holds the queue lock the streaming service's atlas submits under.
/// </summary>
internal sealed unsafe class ViewRenderer : IDisposable
{
    public const int FramesInFlight = 2;
    public const int MaxLevels = 63;

    readonly VulkanContext _ctx;
    readonly KhrSwapchain _swapchain;
    readonly object _queueLock;
    readonly Sampler _sampler;
    readonly DescriptorSetLayout _setLayout;
    readonly PipelineLayout _pipelineLayout;
    readonly RenderPass _renderPass;
    readonly Pipeline _pipeline;
    readonly DescriptorPool _descriptorPool;
    readonly CommandPool _commandPool;
    readonly Frame[] _frames = new Frame[FramesInFlight];
    Framebuffer[] _framebuffers = [];
    Semaphore[] _renderFinished = [];
    long _frameNumber;
    readonly bool _presentAfterRendering;

    sealed class Frame
    {
        public CommandBuffer Cmd;
        public Fence Fence;
        public Semaphore Acquired;
        public DescriptorSet Set;
        public DedicatedBuffer View = null!, Hud = null!;
        public DedicatedBuffer? Readback;
    }

    public Extent2D Extent => _swapchain.Extent;

    public ViewRenderer(VulkanContext ctx, KhrSwapchain swapchain, ImageView atlas, Buffer pageTable, ulong pageTableBytes, object queueLock, int hudBytes)
    {
        _ctx = ctx; _swapchain = swapchain; _queueLock = queueLock;
        _presentAfterRendering = ctx.DeviceType == PhysicalDeviceType.Cpu;
        var vk = ctx.Vk;
        var d = ctx.Device;

        var samplerInfo = new SamplerCreateInfo(magFilter: Filter.Linear, minFilter: Filter.Linear, mipmapMode: SamplerMipmapMode.Nearest,
            addressModeU: SamplerAddressMode.ClampToEdge, addressModeV: SamplerAddressMode.ClampToEdge, addressModeW: SamplerAddressMode.ClampToEdge,
            maxLod: 0);
        Sampler sampler;
        Check(vk.CreateSampler(d, &samplerInfo, null, &sampler), "vkCreateSampler");
        _sampler = sampler;

        var bindings = stackalloc DescriptorSetLayoutBinding[4];
        bindings[0] = new DescriptorSetLayoutBinding(0, DescriptorType.CombinedImageSampler, 1, ShaderStageFlags.FragmentBit);
        for (uint i = 1; i < 4; i++) bindings[i] = new DescriptorSetLayoutBinding(i, DescriptorType.StorageBuffer, 1, ShaderStageFlags.FragmentBit);
        var setInfo = new DescriptorSetLayoutCreateInfo(bindingCount: 4, pBindings: bindings);
        DescriptorSetLayout setLayout;
        Check(vk.CreateDescriptorSetLayout(d, &setInfo, null, &setLayout), "vkCreateDescriptorSetLayout");
        _setLayout = setLayout;
        var layoutInfo = new PipelineLayoutCreateInfo(setLayoutCount: 1, pSetLayouts: &setLayout);
        PipelineLayout pipelineLayout;
        Check(vk.CreatePipelineLayout(d, &layoutInfo, null, &pipelineLayout), "vkCreatePipelineLayout");
        _pipelineLayout = pipelineLayout;

        _renderPass = CreateRenderPass(swapchain.Format);
        _pipeline = CreatePipeline();

        var sizes = stackalloc DescriptorPoolSize[2];
        sizes[0] = new DescriptorPoolSize(DescriptorType.CombinedImageSampler, FramesInFlight);
        sizes[1] = new DescriptorPoolSize(DescriptorType.StorageBuffer, 3 * FramesInFlight);
        var poolInfo = new DescriptorPoolCreateInfo(maxSets: FramesInFlight, poolSizeCount: 2, pPoolSizes: sizes);
        DescriptorPool descriptorPool;
        Check(vk.CreateDescriptorPool(d, &poolInfo, null, &descriptorPool), "vkCreateDescriptorPool");
        _descriptorPool = descriptorPool;

        var cmdPoolInfo = new CommandPoolCreateInfo(flags: CommandPoolCreateFlags.ResetCommandBufferBit, queueFamilyIndex: ctx.QueueFamily);
        CommandPool commandPool;
        Check(vk.CreateCommandPool(d, &cmdPoolInfo, null, &commandPool), "vkCreateCommandPool");
        _commandPool = commandPool;

        var buffers = stackalloc DescriptorBufferInfo[3];
        var writes = stackalloc WriteDescriptorSet[4];
        for (int i = 0; i < FramesInFlight; i++)
        {
            var f = _frames[i] = new Frame();
            var alloc = new CommandBufferAllocateInfo(commandPool: commandPool, level: CommandBufferLevel.Primary, commandBufferCount: 1);
            CommandBuffer cmd;
            Check(vk.AllocateCommandBuffers(d, &alloc, &cmd), "vkAllocateCommandBuffers");
            f.Cmd = cmd;
            var fenceInfo = new FenceCreateInfo(flags: FenceCreateFlags.SignaledBit);
            Fence fence;
            Check(vk.CreateFence(d, &fenceInfo, null, &fence), "vkCreateFence");
            f.Fence = fence;
            f.Acquired = NewSemaphore();
            f.View = DedicatedBuffer.HostVisible(ctx, ViewTable.HeaderBytes + ViewTable.LevelBytes * MaxLevels, BufferUsageFlags.StorageBufferBit, "view table");
            f.Hud = DedicatedBuffer.HostVisible(ctx, (ulong)(16 + hudBytes + 4), BufferUsageFlags.StorageBufferBit, "HUD text");
            var setAlloc = new DescriptorSetAllocateInfo(descriptorPool: descriptorPool, descriptorSetCount: 1, pSetLayouts: &setLayout);
            DescriptorSet set;
            Check(vk.AllocateDescriptorSets(d, &setAlloc, &set), "vkAllocateDescriptorSets");
            f.Set = set;
            var image = new DescriptorImageInfo(sampler, atlas, ImageLayout.General);
            buffers[0] = new DescriptorBufferInfo(pageTable, 0, pageTableBytes);
            buffers[1] = new DescriptorBufferInfo(f.View.Handle, 0, f.View.Size);
            buffers[2] = new DescriptorBufferInfo(f.Hud.Handle, 0, f.Hud.Size);
            writes[0] = new WriteDescriptorSet(dstSet: f.Set, dstBinding: 0, descriptorCount: 1, descriptorType: DescriptorType.CombinedImageSampler, pImageInfo: &image);
            for (int b = 0; b < 3; b++)
                writes[b + 1] = new WriteDescriptorSet(dstSet: f.Set, dstBinding: (uint)(b + 1), descriptorCount: 1, descriptorType: DescriptorType.StorageBuffer, pBufferInfo: &buffers[b]);
            vk.UpdateDescriptorSets(d, 4, writes, 0, null);
        }
        CreateSwapchainObjects();
    }

    static void Check(Result r, string call) => VulkanException.Check(r, call);

    Semaphore NewSemaphore()
    {
        var info = new SemaphoreCreateInfo(flags: 0);
        Semaphore s;
        Check(_ctx.Vk.CreateSemaphore(_ctx.Device, &info, null, &s), "vkCreateSemaphore");
        return s;
    }

    RenderPass CreateRenderPass(Format format)
    {
        var color = new AttachmentDescription(format: format, samples: SampleCountFlags.Count1Bit, loadOp: AttachmentLoadOp.DontCare,
            storeOp: AttachmentStoreOp.Store, stencilLoadOp: AttachmentLoadOp.DontCare, stencilStoreOp: AttachmentStoreOp.DontCare,
            initialLayout: ImageLayout.Undefined, finalLayout: ImageLayout.PresentSrcKhr);
        var reference = new AttachmentReference(0, ImageLayout.ColorAttachmentOptimal);
        var subpass = new SubpassDescription(pipelineBindPoint: PipelineBindPoint.Graphics, colorAttachmentCount: 1, pColorAttachments: &reference);
        // The image comes from the acquire semaphore, waited at COLOR_ATTACHMENT_OUTPUT: the layout transition must come after it.
        var dependency = new SubpassDependency(srcSubpass: Vk.SubpassExternal, dstSubpass: 0,
            srcStageMask: PipelineStageFlags.ColorAttachmentOutputBit, dstStageMask: PipelineStageFlags.ColorAttachmentOutputBit,
            srcAccessMask: 0, dstAccessMask: AccessFlags.ColorAttachmentWriteBit);
        var info = new RenderPassCreateInfo(attachmentCount: 1, pAttachments: &color, subpassCount: 1, pSubpasses: &subpass, dependencyCount: 1, pDependencies: &dependency);
        RenderPass pass;
        Check(_ctx.Vk.CreateRenderPass(_ctx.Device, &info, null, &pass), "vkCreateRenderPass");
        return pass;
    }

    ShaderModule Module(string name)
    {
        var code = ShaderCode.Load(name);
        fixed (byte* p = code)
        {
            var info = new ShaderModuleCreateInfo(codeSize: (nuint)code.Length, pCode: (uint*)p);
            ShaderModule m;
            Check(_ctx.Vk.CreateShaderModule(_ctx.Device, &info, null, &m), "vkCreateShaderModule");
            return m;
        }
    }

    Pipeline CreatePipeline()
    {
        var vk = _ctx.Vk;
        var vert = Module(ShaderCode.ViewVertex);
        var frag = Module(ShaderCode.ViewFragment);
        try
        {
            var main = (byte*)Marshal.StringToHGlobalAnsi("main");
            var stages = stackalloc PipelineShaderStageCreateInfo[2];
            stages[0] = new PipelineShaderStageCreateInfo(stage: ShaderStageFlags.VertexBit, module: vert, pName: main);
            stages[1] = new PipelineShaderStageCreateInfo(stage: ShaderStageFlags.FragmentBit, module: frag, pName: main);
            var vertexInput = new PipelineVertexInputStateCreateInfo(vertexBindingDescriptionCount: 0);
            var assembly = new PipelineInputAssemblyStateCreateInfo(topology: PrimitiveTopology.TriangleList);
            var viewport = new PipelineViewportStateCreateInfo(viewportCount: 1, scissorCount: 1);
            var raster = new PipelineRasterizationStateCreateInfo(polygonMode: PolygonMode.Fill, cullMode: CullModeFlags.None,
                frontFace: FrontFace.CounterClockwise, lineWidth: 1);
            var multisample = new PipelineMultisampleStateCreateInfo(rasterizationSamples: SampleCountFlags.Count1Bit);
            var blendAttachment = new PipelineColorBlendAttachmentState(blendEnable: false,
                colorWriteMask: ColorComponentFlags.RBit | ColorComponentFlags.GBit | ColorComponentFlags.BBit | ColorComponentFlags.ABit);
            var blend = new PipelineColorBlendStateCreateInfo(attachmentCount: 1, pAttachments: &blendAttachment);
            var dynamics = stackalloc DynamicState[] { DynamicState.Viewport, DynamicState.Scissor };
            var dynamic = new PipelineDynamicStateCreateInfo(dynamicStateCount: 2, pDynamicStates: dynamics);
            var info = new GraphicsPipelineCreateInfo(stageCount: 2, pStages: stages, pVertexInputState: &vertexInput, pInputAssemblyState: &assembly,
                pViewportState: &viewport, pRasterizationState: &raster, pMultisampleState: &multisample, pColorBlendState: &blend,
                pDynamicState: &dynamic, layout: _pipelineLayout, renderPass: _renderPass, subpass: 0);
            Pipeline pipeline;
            Check(vk.CreateGraphicsPipelines(_ctx.Device, default, 1, &info, null, &pipeline), "vkCreateGraphicsPipelines");
            Marshal.FreeHGlobal((nint)main);
            return pipeline;
        }
        finally
        {
            vk.DestroyShaderModule(_ctx.Device, vert, null);
            vk.DestroyShaderModule(_ctx.Device, frag, null);
        }
    }

    void CreateSwapchainObjects()
    {
        var vk = _ctx.Vk;
        var e = _swapchain.Extent;
        _framebuffers = _swapchain.Views.Select(v =>
        {
            var info = new FramebufferCreateInfo(renderPass: _renderPass, attachmentCount: 1, pAttachments: &v, width: e.Width, height: e.Height, layers: 1);
            Framebuffer fb;
            Check(vk.CreateFramebuffer(_ctx.Device, &info, null, &fb), "vkCreateFramebuffer");
            return fb;
        }).ToArray();
        _renderFinished = _swapchain.Images.Select(_ => NewSemaphore()).ToArray();
    }

    void DestroySwapchainObjects()
    {
        foreach (var fb in _framebuffers) _ctx.Vk.DestroyFramebuffer(_ctx.Device, fb, null);
        foreach (var s in _renderFinished) _ctx.Vk.DestroySemaphore(_ctx.Device, s, null);
        _framebuffers = [];
        _renderFinished = [];
    }

    /// <summary>Waits for every frame, then re-creates the swapchain for the window's new size (and what depends on its images).</summary>
    public void Recreate(uint width, uint height)
    {
        WaitIdle();
        DestroySwapchainObjects();
        _swapchain.Recreate(width, height);
        CreateSwapchainObjects();
    }

    public void WaitIdle()
    {
        lock (_queueLock) Check(_ctx.Vk.QueueWaitIdle(_ctx.Queue), "vkQueueWaitIdle");
    }

    /// <summary>The result of <see cref="Draw"/>: whether the swapchain must be re-created, and the captured pixels (RGB8, rows top down) if asked.</summary>
    public readonly record struct DrawResult(bool Stale, byte[]? Rgb, int Width, int Height);

    /// <summary>
    /// Draws one frame: the view table (<paramref name="writeView"/> fills the frame's view buffer, <paramref name="hud"/>
    /// its HUD mask), submits and presents; with <paramref name="capture"/> also copies the image and waits for it.
    /// </summary>
    public DrawResult Draw(Action<Span<byte>> writeView, Action<Span<byte>> hud, bool capture)
    {
        var vk = _ctx.Vk;
        var f = _frames[_frameNumber % FramesInFlight];
        var fence = f.Fence;
        Check(vk.WaitForFences(_ctx.Device, 1, &fence, true, ulong.MaxValue), "vkWaitForFences");
        if (_swapchain.Acquire(f.Acquired) is not uint index) return new DrawResult(true, null, 0, 0);
        Check(vk.ResetFences(_ctx.Device, 1, &fence), "vkResetFences");
        writeView(f.View.Bytes);
        hud(f.Hud.Bytes);
        var e = _swapchain.Extent;
        if (capture && (f.Readback == null || f.Readback.Size < (ulong)e.Width * e.Height * 4))
        {
            f.Readback?.Dispose();
            f.Readback = DedicatedBuffer.HostVisible(_ctx, (ulong)e.Width * e.Height * 4, BufferUsageFlags.TransferDstBit, "screenshot readback");
        }
        Record(f, index, capture);
        var cmd = f.Cmd;
        var acquired = f.Acquired;
        var finished = _renderFinished[index];
        var waitStage = PipelineStageFlags.ColorAttachmentOutputBit;
        var submit = new SubmitInfo(waitSemaphoreCount: 1, pWaitSemaphores: &acquired, pWaitDstStageMask: &waitStage,
            commandBufferCount: 1, pCommandBuffers: &cmd, signalSemaphoreCount: 1, pSignalSemaphores: &finished);
        bool presented;
        lock (_queueLock) Check(vk.QueueSubmit(_ctx.Queue, 1, &submit, fence), "vkQueueSubmit");
        // A CPU implementation (lavapipe) presents synchronously: vkQueuePresentKHR would wait for the frame's rendering
        // while holding the queue lock, and the service's page uploads would stall behind it. Wait outside the lock instead.
        if (_presentAfterRendering) Check(vk.WaitForFences(_ctx.Device, 1, &fence, true, ulong.MaxValue), "vkWaitForFences");
        lock (_queueLock) presented = _swapchain.Present(index, finished);
        _frameNumber++;
        byte[]? rgba = null;   // RGB8
        if (capture)
        {
            Check(vk.WaitForFences(_ctx.Device, 1, &fence, true, ulong.MaxValue), "vkWaitForFences");
            int n = (int)(e.Width * e.Height);
            rgba = new byte[n * 3];
            var src = new ReadOnlySpan<byte>(f.Readback!.Mapped, n * 4);
            for (int i = 0; i < n; i++)   // B8G8R8A8 → RGB8
            {
                rgba[3 * i] = src[4 * i + 2]; rgba[3 * i + 1] = src[4 * i + 1]; rgba[3 * i + 2] = src[4 * i];
            }
        }
        return new DrawResult(!presented, rgba, (int)e.Width, (int)e.Height);
    }

    void Record(Frame f, uint index, bool capture)
    {
        var vk = _ctx.Vk;
        var cmd = f.Cmd;
        var e = _swapchain.Extent;
        Check(vk.ResetCommandBuffer(cmd, 0), "vkResetCommandBuffer");
        var begin = new CommandBufferBeginInfo(flags: CommandBufferUsageFlags.OneTimeSubmitBit);
        Check(vk.BeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer");
        var passInfo = new RenderPassBeginInfo(renderPass: _renderPass, framebuffer: _framebuffers[index], renderArea: new Rect2D(new Offset2D(0, 0), e));
        vk.CmdBeginRenderPass(cmd, &passInfo, SubpassContents.Inline);
        vk.CmdBindPipeline(cmd, PipelineBindPoint.Graphics, _pipeline);
        var set = f.Set;
        vk.CmdBindDescriptorSets(cmd, PipelineBindPoint.Graphics, _pipelineLayout, 0, 1, &set, 0, null);
        var viewport = new Viewport(0, 0, e.Width, e.Height, 0, 1);
        var scissor = new Rect2D(new Offset2D(0, 0), e);
        vk.CmdSetViewport(cmd, 0, 1, &viewport);
        vk.CmdSetScissor(cmd, 0, 1, &scissor);
        vk.CmdDraw(cmd, 3, 1, 0, 0);
        vk.CmdEndRenderPass(cmd);
        if (capture)
        {
            var image = _swapchain.Images[index];
            var range = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1);
            // The render pass left the image in PRESENT_SRC after its colour writes; copy it out and put it back for the present.
            var toCopy = new ImageMemoryBarrier(srcAccessMask: AccessFlags.ColorAttachmentWriteBit, dstAccessMask: AccessFlags.TransferReadBit,
                oldLayout: ImageLayout.PresentSrcKhr, newLayout: ImageLayout.TransferSrcOptimal,
                srcQueueFamilyIndex: Vk.QueueFamilyIgnored, dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: image, subresourceRange: range);
            vk.CmdPipelineBarrier(cmd, PipelineStageFlags.ColorAttachmentOutputBit, PipelineStageFlags.TransferBit, 0, 0, null, 0, null, 1, &toCopy);
            var region = new BufferImageCopy(0, 0, 0, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1), new Offset3D(0, 0, 0), new Extent3D(e.Width, e.Height, 1));
            vk.CmdCopyImageToBuffer(cmd, image, ImageLayout.TransferSrcOptimal, f.Readback!.Handle, 1, &region);
            var back = new ImageMemoryBarrier(srcAccessMask: AccessFlags.TransferReadBit, dstAccessMask: 0,
                oldLayout: ImageLayout.TransferSrcOptimal, newLayout: ImageLayout.PresentSrcKhr,
                srcQueueFamilyIndex: Vk.QueueFamilyIgnored, dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: image, subresourceRange: range);
            var toHost = new MemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.HostReadBit);
            vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.TransferBit | PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 1, &back);
        }
        Check(vk.EndCommandBuffer(cmd), "vkEndCommandBuffer");
    }

    public void Dispose()
    {
        var vk = _ctx.Vk;
        var d = _ctx.Device;
        WaitIdle();
        DestroySwapchainObjects();
        foreach (var f in _frames)
        {
            if (f == null) continue;
            vk.DestroyFence(d, f.Fence, null);
            vk.DestroySemaphore(d, f.Acquired, null);
            f.View.Dispose(); f.Hud.Dispose(); f.Readback?.Dispose();
        }
        vk.DestroyCommandPool(d, _commandPool, null);
        vk.DestroyDescriptorPool(d, _descriptorPool, null);
        vk.DestroyPipeline(d, _pipeline, null);
        vk.DestroyRenderPass(d, _renderPass, null);
        vk.DestroyPipelineLayout(d, _pipelineLayout, null);
        vk.DestroyDescriptorSetLayout(d, _setLayout, null);
        vk.DestroySampler(d, _sampler, null);
    }
}
