using System.Runtime.InteropServices;
using Creps.Render.Model;

namespace Creps.Native;

/// <summary>A model handle: the model and a stable name of its weights (for streaming's content keys).</summary>
sealed class NativeModel(CrepsModel model, string hash)
{
    public CrepsModel Model { get; } = model;
    public string Hash { get; } = hash;
}

[StructLayout(LayoutKind.Sequential)]
struct ModelInfo
{
    public long Resolution, ZDim, NumWs, WDim;
    public int Tileable, Reserved;
}

static unsafe class ModelExports
{
    [UnmanagedCallersOnly(EntryPoint = "creps_version")]
    static uint Version() => (1u << 16) | (0u << 8) | 0u;

    [UnmanagedCallersOnly(EntryPoint = "creps_last_error")]
    static byte* LastError() => Errors.LastMessage;

    [UnmanagedCallersOnly(EntryPoint = "creps_model_open")]
    static int Open(byte* path, nint* outModel) => Errors.Run(() =>
    {
        Handles.CheckOut(outModel, "out_model");
        string p = Handles.Utf8(path) ?? throw new ArgumentException("path is NULL");
        var model = CrepsModel.Load(p);
        Handles.Out(outModel, new NativeModel(model, SafeTensors.Sha256(p)));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_model_open_memory")]
    static int OpenMemory(byte* data, nuint size, nint* outModel) => Errors.Run(() =>
    {
        Handles.CheckOut(outModel, "out_model");
        if (data == null) throw new ArgumentException("data is NULL");
        // A span holds at most 2^31 − 1 bytes; bigger models (up to SafeTensors.MaxFileBytes) open from a path.
        if (size > int.MaxValue) throw new Creps.Render.RenderLimitException($"a model in memory may hold at most {int.MaxValue} bytes (this one: {size}); open it from a file");
        var bytes = new ReadOnlySpan<byte>(data, (int)size);
        CrepsModel model;
        try { model = CrepsModel.FromTensors(SafeTensors.Parse(bytes)); }
        catch (ModelFormatException e) { throw new ModelFormatException($"model in memory: {e.Message}", e); }
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Handles.Out(outModel, new NativeModel(model, hash));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_model_info_get")]
    static int Info(nint model, ModelInfo* outInfo) => Errors.Run(() =>
    {
        var m = Handles.Get<NativeModel>(model, "model").Model;
        Handles.CheckOut(outInfo, "out_info");
        var c = m.Config;
        *outInfo = new ModelInfo { Resolution = c.ImgResolution, ZDim = c.ZDim, NumWs = c.NumWs, WDim = c.WDim, Tileable = c.Tileable ? 1 : 0 };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_model_close")]
    static int Close(nint model) => Errors.Run(() => { Handles.Free<NativeModel>(model, "model"); return Status.Ok; });
}
