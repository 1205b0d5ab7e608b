using System.Runtime.InteropServices;
using Creps.Render.Latents;

namespace Creps.Native;

static unsafe class LatentExports
{
    [UnmanagedCallersOnly(EntryPoint = "creps_latent_from_seed")]
    static int FromSeed(nint model, uint seed, float psi, int cutoff, nint* outLatent) => Errors.Run(() =>
    {
        var m = Handles.Get<NativeModel>(model, "model").Model;
        Handles.CheckOut(outLatent, "out_latent");
        CheckPsi(psi);
        Handles.Out(outLatent, Latent.FromSeed(m, seed, psi, cutoff < 0 ? null : cutoff));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_latent_from_z")]
    static int FromZ(nint model, float* z, nuint count, float psi, int cutoff, nint* outLatent) => Errors.Run(() =>
    {
        var m = Handles.Get<NativeModel>(model, "model").Model;
        Handles.CheckOut(outLatent, "out_latent");
        CheckPsi(psi);
        var values = Floats(z, count, m.Config.ZDim, "z", $"z_dim {m.Config.ZDim}");
        Handles.Out(outLatent, Latent.FromZ(m, values, psi, cutoff < 0 ? null : cutoff));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_latent_from_ws")]
    static int FromWs(nint model, float* ws, nuint count, nint* outLatent) => Errors.Run(() =>
    {
        var m = Handles.Get<NativeModel>(model, "model").Model;
        Handles.CheckOut(outLatent, "out_latent");
        var c = m.Config;
        var values = Floats(ws, count, c.NumWs * c.WDim, "ws", $"num_ws {c.NumWs} × w_dim {c.WDim}");
        Handles.Out(outLatent, new Latent(values, c.NumWs, c.WDim));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_latent_destroy")]
    static int Destroy(nint latent) => Errors.Run(() => { Handles.Free<Latent>(latent, "latent"); return Status.Ok; });

    static void CheckPsi(float psi)
    {
        if (!float.IsFinite(psi)) throw new ArgumentException($"psi {psi} is not a finite number");
    }

    /// <summary>A copy of the caller's <paramref name="count"/> floats, which must be exactly <paramref name="expected"/> finite values.</summary>
    static float[] Floats(float* p, nuint count, int expected, string name, string what)
    {
        if (p == null) throw new ArgumentException($"{name} is NULL");
        if (count != (nuint)expected) throw new ArgumentException($"{name} has {count} floats; the model needs {expected} ({what})");
        var v = new ReadOnlySpan<float>(p, expected).ToArray();
        int bad = Array.FindIndex(v, f => !float.IsFinite(f));
        if (bad >= 0) throw new ArgumentException($"{name} holds a non-finite value ({v[bad]}) at index {bad}");
        return v;
    }
}
