using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>
/// Work submitted to the GPU: poll <see cref="IsCompleted"/>, block in <see cref="Wait"/> or await <see cref="WaitAsync"/>.
/// When it is seen complete, what its commands used is released. Disposing waits for it.
/// </summary>
public sealed class GpuSubmission : IDisposable
{
    readonly SubmissionQueue _queue;
    readonly CommandBuffer _cmd;
    readonly Fence _fence;
    IDisposable? _resources;
    bool _done;

    internal GpuSubmission(SubmissionQueue queue, CommandBuffer cmd, Fence fence, IDisposable? resources)
    {
        _queue = queue; _cmd = cmd; _fence = fence; _resources = resources;
    }

    /// <summary>True once the GPU finished (does not block).</summary>
    public bool IsCompleted
    {
        get
        {
            lock (this)
            {
                if (_done) return true;
                var r = _queue.FenceStatus(_fence);
                if (r == Result.NotReady) return false;
                VulkanException.Check(r, "vkGetFenceStatus");
                Finish();
                return true;
            }
        }
    }

    /// <summary>Blocks until the GPU finished.</summary>
    public void Wait()
    {
        lock (this)
        {
            if (_done) return;
            _queue.WaitFence(_fence);
            Finish();
        }
    }

    /// <summary>Completes when the GPU finished (a pool thread waits on the fence).</summary>
    public Task WaitAsync(CancellationToken cancel = default) => IsCompleted ? Task.CompletedTask : Task.Run(Wait, cancel);

    void Finish()
    {
        _done = true;
        try { _resources?.Dispose(); }
        finally
        {
            _resources = null;
            _queue.Recycle(this, _cmd, _fence);
        }
    }

    public void Dispose() => Wait();
}
