using System.Runtime.InteropServices;
using Creps.Render;
using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Octaves;
using Creps.Render.Vulkan;
using Silk.NET.Vulkan;

namespace Creps.Native;

[StructLayout(LayoutKind.Sequential)]
struct Region
{
    public double X0, Y0, X1, Y1;
    public long Width, Height;
    public int Octaves, Reserved;
}

[StructLayout(LayoutKind.Sequential)]
struct VkImageTarget
{
    public nint Image;
    public int Format, OldLayout, NewLayout, Reserved;
    public long Width, Height, X, Y;
    public uint WaitStages, WaitAccess, ThenStages, ThenAccess;
}

/// <summary>A region's checked coordinates and the generator that renders it (the octave stack at its footprint, or the backend's own).</summary>
readonly record struct Job(IGenerator Generator, Latent Latent, double[] Rows, double[] Cols)
{
    public int Width => Cols.Length;
    public int Height => Rows.Length;

    public static unsafe Job Of(nint generator, nint latent, Region* region, float layerPsi = 1f)
    {
        var g = Handles.Get<NativeGenerator>(generator, "generator").Generator;
        var z = Handles.Get<Latent>(latent, "latent");
        if (region == null) throw new ArgumentException("region is NULL");
        var r = *region;
        if (r.Width < 1 || r.Height < 1 || r.Width > Grid.MaxLength || r.Height > Grid.MaxLength)
            throw new ArgumentException($"region size {r.Width}x{r.Height}: each side must be in 1..{Grid.MaxLength}");
        RenderArgs.CheckSize(r.Height, r.Width);
        if (!(double.IsFinite(r.X0) && double.IsFinite(r.X1) && double.IsFinite(r.Y0) && double.IsFinite(r.Y1)))
            throw new ArgumentException("region corners must be finite numbers");
        var rows = Grid.Centers(r.Y0, r.Y1, (int)r.Height);
        var cols = Grid.Centers(r.X0, r.X1, (int)r.Width);
        return new Job(Wrap(g, r.Octaves, OctaveFootprint.OfRegion(r.X0, r.Y0, r.X1, r.Y1, (int)r.Width, (int)r.Height)), z, rows, cols);
    }

    /// <summary>The generator with <paramref name="octaves"/> detail octaves at <paramref name="footprint"/> (0: itself).</summary>
    public static IGenerator Wrap(IGenerator g, int octaves, OctaveFootprint footprint)
    {
        if (octaves < 0 || octaves > OctaveSpec.MaxCount) throw new ArgumentException($"octaves {octaves} is outside 0..{OctaveSpec.MaxCount}");
        return octaves == 0 ? g : new OctaveGenerator(g, new OctaveSpec(octaves), footprint);
    }
}

static unsafe class RenderExports
{
    [UnmanagedCallersOnly(EntryPoint = "creps_render")]
    static int Render(nint generator, nint latent, Region* region, int format, byte* dst, nuint dstSize, nuint rowStride) => Errors.Run(() =>
    {
        var job = Job.Of(generator, latent, region);
        var stride = HostPixels.CheckDestination(format, job.Width, job.Height, dst, dstSize, rowStride);
        float[] planar = job.Generator.Render(job.Latent, job.Rows, job.Cols);
        HostPixels.Write(format, planar, job.Width, job.Height, dst, stride);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_render_vk_image")]
    static int RenderImage(nint generator, nint latent, Region* region, VkImageTarget* target) => Errors.Run(() =>
    {
        if (!OnVulkan(generator, latent, region, out var v, out var job)) return Status.WrongBackend;
        var (t, x, y) = Target(target, job);
        v.RenderInto(job.Latent, job.Rows, job.Cols, t, y, x);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_record_vk_image")]
    static int Record(nint generator, nint latent, Region* region, VkImageTarget* target, nint commandBuffer, nint* outRecording) => Errors.Run(() =>
    {
        Handles.CheckOut(outRecording, "out_recording");
        if (commandBuffer == 0) throw new ArgumentException("command_buffer is NULL");
        if (!OnVulkan(generator, latent, region, out var v, out var job)) return Status.WrongBackend;
        var (t, x, y) = Target(target, job);
        var recording = v.Record(new CommandBuffer(commandBuffer), job.Latent, job.Rows, job.Cols, t, y, x);
        try { Handles.Out(outRecording, recording); }
        catch { recording.Dispose(); throw; }
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_recording_release")]
    static int Release(nint recording) => Errors.Run(() =>
    {
        Handles.Free<VulkanRecording>(recording, "recording")?.Dispose();
        return Status.Ok;
    });

    /// <summary>The Vulkan generator behind <paramref name="generator"/> and the region's job; false (status reported) when it is not on Vulkan.</summary>
    static bool OnVulkan(nint generator, nint latent, Region* region, out VulkanGenerator v, out Job job)
    {
        var g = Handles.Get<NativeGenerator>(generator, "generator");
        job = Job.Of(generator, latent, region);
        v = g.Vulkan!;
        if (v == null)
        {
            Errors.Report(Status.WrongBackend, $"this generator runs on {g.Generator.Name}, not vulkan: create it with backend \"vulkan\" or creps_generator_adopt_vulkan");
            return false;
        }
        // Octave layers are combined on the host; a VkImage gets the model's own pixels only.
        if (region->Octaves != 0) throw new ArgumentException("octaves are not available when rendering into a VkImage (render into host memory instead)");
        return true;
    }

    static (VulkanImageTarget Target, int X, int Y) Target(VkImageTarget* target, Job job)
    {
        if (target == null) throw new ArgumentException("target is NULL");
        var t = *target;
        if (t.Width < 1 || t.Height < 1 || t.Width > Grid.MaxLength || t.Height > Grid.MaxLength)
            throw new ArgumentException($"target size {t.Width}x{t.Height}: each side must be in 1..{Grid.MaxLength}");
        if (t.X < 0 || t.Y < 0 || t.X + job.Width > t.Width || t.Y + job.Height > t.Height)
            throw new ArgumentException($"a {job.Width}x{job.Height} region at ({t.X},{t.Y}) does not fit the {t.Width}x{t.Height} image");
        var target2 = new VulkanImageTarget(new Image((ulong)t.Image), (Format)t.Format, (int)t.Width, (int)t.Height,
            (ImageLayout)t.OldLayout, (ImageLayout)t.NewLayout);
        if (t.WaitStages != 0) target2 = target2 with { WaitStages = (PipelineStageFlags)t.WaitStages };
        if (t.WaitAccess != 0) target2 = target2 with { WaitAccess = (AccessFlags)t.WaitAccess };
        if (t.ThenStages != 0) target2 = target2 with { ThenStages = (PipelineStageFlags)t.ThenStages };
        if (t.ThenAccess != 0) target2 = target2 with { ThenAccess = (AccessFlags)t.ThenAccess };
        return (target2, (int)t.X, (int)t.Y);
    }
}
