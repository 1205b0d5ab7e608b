using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>
/// Our submissions to the context's queue: primary command buffers from one pool, each submitted with its own fence,
/// any number in flight. A finished submission's command buffer and fence are recycled. Every call is serialised here
/// (the pool and, for an adopted queue, vkQueueSubmit need external synchronisation: the engine must not submit to
/// the same queue from another thread at the same moment).
/// </summary>
internal sealed unsafe class SubmissionQueue : IDisposable
{
    readonly VulkanContext _ctx;
    readonly CommandPool _pool;
    readonly Stack<(CommandBuffer Cmd, Fence Fence)> _free = new();
    readonly HashSet<GpuSubmission> _inFlight = new();
    readonly object _gate = new();
    bool _disposed;

    public SubmissionQueue(VulkanContext ctx)
    {
        _ctx = ctx;
        var info = new CommandPoolCreateInfo(flags: CommandPoolCreateFlags.ResetCommandBufferBit, queueFamilyIndex: ctx.QueueFamily);
        CommandPool pool;
        VulkanException.Check(ctx.Vk.CreateCommandPool(ctx.Device, &info, null, &pool), "vkCreateCommandPool");
        _pool = pool;
    }

    /// <summary>The lock every submission to the queue is made under (the page atlas hands it to engines that submit to the same queue).</summary>
    internal object Gate => _gate;

    /// <summary>Submissions not yet seen complete.</summary>
    public int InFlight { get { lock (_gate) return _inFlight.Count; } }

    /// <summary>
    /// Records with <paramref name="record"/> and submits; returns at once. <paramref name="resources"/> (what the
    /// commands use: descriptor sets, buffers, views) are disposed when the submission is seen complete.
    /// </summary>
    public GpuSubmission Submit(Action<CommandBuffer> record, IDisposable? resources = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var (cmd, fence) = _free.Count > 0 ? _free.Pop() : NewPair();
            try
            {
                VulkanException.Check(_ctx.Vk.ResetCommandBuffer(cmd, CommandBufferResetFlags.None), "vkResetCommandBuffer");
                var begin = new CommandBufferBeginInfo(flags: CommandBufferUsageFlags.OneTimeSubmitBit);
                VulkanException.Check(_ctx.Vk.BeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer");
                record(cmd);
                VulkanException.Check(_ctx.Vk.EndCommandBuffer(cmd), "vkEndCommandBuffer");
                var submit = new SubmitInfo(commandBufferCount: 1, pCommandBuffers: &cmd);
                VulkanException.Check(_ctx.Vk.QueueSubmit(_ctx.Queue, 1, &submit, fence), "vkQueueSubmit");
            }
            catch
            {
                _free.Push((cmd, fence));   // never submitted: the fence is still unsignalled
                throw;
            }
            var s = new GpuSubmission(this, cmd, fence, resources);
            _inFlight.Add(s);
            return s;
        }
    }

    /// <summary>Records, submits and waits until the GPU finished.</summary>
    public void SubmitAndWait(Action<CommandBuffer> record, IDisposable? resources = null)
    {
        using var s = Submit(record, resources);
        s.Wait();
    }

    (CommandBuffer, Fence) NewPair()
    {
        var alloc = new CommandBufferAllocateInfo(commandPool: _pool, level: CommandBufferLevel.Primary, commandBufferCount: 1);
        CommandBuffer cmd;
        VulkanException.Check(_ctx.Vk.AllocateCommandBuffers(_ctx.Device, &alloc, &cmd), "vkAllocateCommandBuffers");
        var fenceInfo = new FenceCreateInfo(flags: FenceCreateFlags.None);
        Fence fence;
        var r = _ctx.Vk.CreateFence(_ctx.Device, &fenceInfo, null, &fence);
        if (r != Result.Success) { _ctx.Vk.FreeCommandBuffers(_ctx.Device, _pool, 1, &cmd); VulkanException.Check(r, "vkCreateFence"); }
        return (cmd, fence);
    }

    internal Result FenceStatus(Fence fence) => _ctx.Vk.GetFenceStatus(_ctx.Device, fence);

    internal void WaitFence(Fence fence) =>
        VulkanException.Check(_ctx.Vk.WaitForFences(_ctx.Device, 1, &fence, true, ulong.MaxValue), "vkWaitForFences");

    /// <summary>A submission the GPU finished: its command buffer and fence go back for reuse.</summary>
    internal void Recycle(GpuSubmission s, CommandBuffer cmd, Fence fence)
    {
        lock (_gate)
        {
            _inFlight.Remove(s);
            if (_disposed) return;
            VulkanException.Check(_ctx.Vk.ResetFences(_ctx.Device, 1, &fence), "vkResetFences");
            _free.Push((cmd, fence));
        }
    }

    public void Dispose()
    {
        GpuSubmission[] pending;
        lock (_gate) pending = _inFlight.ToArray();
        foreach (var s in pending) s.Wait();
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var (cmd, fence) in _free) _ctx.Vk.DestroyFence(_ctx.Device, fence, null);
            _free.Clear();
            _ctx.Vk.DestroyCommandPool(_ctx.Device, _pool, null);   // frees its command buffers
        }
    }
}
