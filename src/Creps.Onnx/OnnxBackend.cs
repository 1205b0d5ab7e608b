using Creps.Render;

namespace Creps.Onnx;

/// <summary>Makes the <c>onnx</c> backend available to <see cref="Backends.Create"/> (last in auto's order: it is never auto's first pick).</summary>
public static class OnnxBackend
{
    public static void Register() =>
        Backends.Register("onnx", (model, options, log) => new OnnxGenerator(model, log, options.TryCuda), preferOverCpu: false);
}
