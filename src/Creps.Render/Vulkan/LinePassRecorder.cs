using Creps.Render.Coordinates;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>
/// Records the line pass of one axis range into a command buffer: per chunk of coordinates the Fourier input, then
/// one GEMM per layer (b4.fc1; fc0, fc1, tores per block), each ToRes adding into the biline and writing that stage's
/// lines. Activations stay on the device in the generator's scratch buffer; only the reduced phases come from the host.
/// </summary>
internal sealed class LinePassRecorder
{
    /// <summary>Coordinates per chunk: the activations of ChunkCoords·rank line elements live in the scratch buffer.</summary>
    public const int ChunkCoords = 128;

    readonly VulkanContext _ctx;
    readonly Kernels _k;
    readonly DeviceModel _m;
    readonly DeviceStyles _styles;
    readonly GpuBuffer _acts;
    readonly GpuBuffer _dummy;
    public int Rows { get; }
    int PingOff => 0;
    int PongOff => Rows * _m.MaxWidth;
    int BilineOff => 2 * Rows * _m.MaxWidth;

    public LinePassRecorder(VulkanContext ctx, DeviceMemoryPool pool, Kernels k, DeviceModel m, DeviceStyles styles, GpuBuffer dummy)
    {
        _ctx = ctx; _k = k; _m = m; _styles = styles; _dummy = dummy;
        Rows = ChunkCoords * m.Config.Rank;
        _acts = new GpuBuffer(ctx, pool, (ulong)(2L * Rows * m.MaxWidth + (long)Rows * m.BPad) * 4, hostVisible: false);
    }

    public static ulong ScratchBytes(DeviceModel m) => (ulong)(2L * ChunkCoords * m.Config.Rank * m.MaxWidth + (long)ChunkCoords * m.Config.Rank * m.BPad) * 4;

    /// <summary>Bytes of lines for <paramref name="count"/> coordinates.</summary>
    public static ulong LinesBytes(DeviceModel m, int count) => (ulong)m.Config.StageCount * (ulong)count * (ulong)m.Config.Rank * (ulong)m.BPad * 4;

    /// <summary>Host-reduced phases for coords[start .. start+count): steps, then per segment the base's cycles mod 1.</summary>
    public static float[] Phases(DeviceModel m, ReadOnlySpan<double> coords, int start, int count, out int segFirst, out int segOff)
    {
        var freqs = m.Packed.Model.Input.Freqs;
        int seg0 = start / Kernels.PhaseSegment, seg1 = (start + count - 1) / Kernels.PhaseSegment;
        int f = freqs.Length;
        var data = new float[count + (seg1 - seg0 + 1) * f + 4];
        for (int l = 0; l < count; l++)
        {
            int i = start + l;
            data[l] = (float)(coords[i] - coords[i / Kernels.PhaseSegment * Kernels.PhaseSegment]);
        }
        segOff = (count + 3) / 4 * 4;
        for (int s = seg0; s <= seg1; s++)
        {
            double t = coords[s * Kernels.PhaseSegment];
            for (int q = 0; q < f; q++) data[segOff + (s - seg0) * f + q] = (float)FourierPhase.Cycles(freqs[q], t);
        }
        segFirst = seg0;
        return data;
    }

    /// <summary>
    /// Records lines of coords[start .. start+count) into <paramref name="lines"/> (which holds exactly those coordinates).
    /// Descriptor sets and the phase buffer go to <paramref name="frame"/>, released after the submission.
    /// </summary>
    public void Record(CommandBuffer cmd, Frame frame, int slot, ReadOnlySpan<double> coords, int start, int count, Axis axis, VulkanLines lines,
        DeviceMemoryPool pool)
    {
        var c = _m.Config;
        int r = c.Rank, ch = c.InputChannels;
        var phaseData = Phases(_m, coords, start, count, out int segFirst, out int segOff);
        var phase = frame.Own(new GpuBuffer(_ctx, pool, (ulong)phaseData.Length * 4, hostVisible: true));
        phaseData.CopyTo(phase.Floats);
        var set = frame.Set(_k.BufferSet([_m.Buffer.Descriptor(), _styles.Descriptor(slot), _acts.Descriptor(), lines.Buffer.Descriptor(), _dummy.Descriptor(), phase.Descriptor()]));
        var layout = _styles.Layout;
        var vk = _ctx.Vk;
        for (int first = 0; first < count; first += ChunkCoords)
        {
            int n = Math.Min(ChunkCoords, count - first);
            int rows = n * r;
            _k.Bind(cmd, _k.Fourier, set);
            _k.Push(cmd, new FourierPush
            {
                Count = n, Ldx = _m.B4Fc1.InPad, XOff = PingOff, FreqOff = _m.FreqOff, MulOff = layout.MulOff,
                JBase = axis == Axis.Rows ? 0 : r, StepOff = first, SegOff = segOff, CoordFirst = start + first, SegFirst = segFirst,
            });
            vk.CmdDispatch(cmd, (uint)((n * r * (ch / 2) + Kernels.FourierGroup - 1) / Kernels.FourierGroup), 1, 1);
            Barriers.Compute(_ctx.Vk, cmd);

            _k.Bind(cmd, _k.Gemm, set);
            int x = PingOff, y = PongOff;
            Gemm(cmd, _m.B4Fc1, layout.B4Fc1, rows, x, y, 0, 0);
            (x, y) = (y, x);
            for (int b = 0; b < _m.Blocks.Length; b++)
            {
                var (fc0, fc1, toRes) = _m.Blocks[b];
                var (s0, s1, sr) = layout.Blocks[b];
                Gemm(cmd, fc0, s0, rows, x, y, 0, 0); (x, y) = (y, x);
                Gemm(cmd, fc1, s1, rows, x, y, 0, 0); (x, y) = (y, x);
                int linesOff = (b * lines.Count * r + first * r) * _m.BPad;
                Gemm(cmd, toRes, sr, rows, x, BilineOff, GemmPush.ToRes | (b == 0 ? GemmPush.First : 0), linesOff);
            }
        }
    }

    void Gemm(CommandBuffer cmd, DeviceLineLayer l, (int Style, int Demod) s, int rows, int x, int y, int flags, int linesOff)
    {
        _k.Push(cmd, new GemmPush
        {
            Rows = rows, K = l.In, Outs = l.Out, Ldx = l.InPad, Ldy = l.OutPad, XOff = x, YOff = y, WOff = l.WOff, BOff = l.BOff,
            StyleOff = s.Style, DemodOff = s.Demod, Flags = flags | (l.Lrelu ? GemmPush.Lrelu : 0), LinesOff = linesOff,
            Clamp = float.IsFinite(l.Clamp) ? l.Clamp : float.MaxValue,
        });
        _ctx.Vk.CmdDispatch(cmd, (uint)((l.Out + Kernels.GemmTile - 1) / Kernels.GemmTile), (uint)((rows + Kernels.GemmTile - 1) / Kernels.GemmTile), 1);
        Barriers.Compute(_ctx.Vk, cmd);
    }

    public void Dispose() => _acts.Dispose();
}
