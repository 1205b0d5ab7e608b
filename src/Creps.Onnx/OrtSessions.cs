using Creps.Render;
using System.Runtime.CompilerServices;
using Creps.Render.Model;
using Microsoft.ML.OnnxRuntime;

namespace Creps.Onnx;

/// <summary>
/// ONNX Runtime sessions of one model (the line-pass and per-pixel graphs), built once per model and execution
/// provider preference and shared by every <see cref="OnnxGenerator"/> on it. The CUDA execution provider is used
/// when it loads; otherwise (no GPU, no CUDA libraries) the CPU provider, and <see cref="Provider"/> says why.
/// </summary>
internal sealed class OrtSessions
{
    public InferenceSession Lines { get; }
    public InferenceSession Pixels { get; }
    /// <summary>"CUDA" or "CPU".</summary>
    public string Provider { get; }
    /// <summary>One line: which provider and why.</summary>
    public string Message { get; }
    public int Threads { get; }

    static readonly ConditionalWeakTable<CrepsModel, Dictionary<bool, OrtSessions>> Cache = new();

    public static OrtSessions For(CrepsModel model, bool tryCuda)
    {
        var perModel = Cache.GetValue(model, _ => new Dictionary<bool, OrtSessions>());
        lock (perModel)
        {
            if (!perModel.TryGetValue(tryCuda, out var s)) perModel[tryCuda] = s = new OrtSessions(model, tryCuda);
            return s;
        }
    }

    OrtSessions(CrepsModel model, bool tryCuda)
    {
        Threads = Environment.ProcessorCount;
        string reason;
        (Provider, reason) = tryCuda ? ProbeCuda() : ("CPU", "CUDA not requested");
        Message = Provider == "CUDA"
            ? "onnx: using the CUDA execution provider (device 0)"
            : $"onnx: using the CPU execution provider ({reason})";
        Lines = Create(OnnxModels.Lines(model));
        Pixels = Create(OnnxModels.Pixels(model));
    }

    InferenceSession Create(byte[] graph)
    {
        using var options = Options();
        return new InferenceSession(graph, options);
    }

    SessionOptions Options()
    {
        var o = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = Threads };
        if (Provider == "CUDA") o.AppendExecutionProvider_CUDA(0);
        return o;
    }

    /// <summary>Tries to append the CUDA provider; on a machine without CUDA ONNX Runtime throws, and that message is the reason.</summary>
    static (string Provider, string Reason) ProbeCuda()
    {
        using var o = new SessionOptions();
        // ONNX Runtime also logs the load failure natively (a multi-line error on stderr): quiet it; our one line says why.
        var env = OrtEnv.Instance();
        var level = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            o.AppendExecutionProvider_CUDA(0);
            return ("CUDA", "");
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return ("CPU", $"the CUDA execution provider did not load: {Reason(e.Message)}");
        }
        finally { env.EnvLogLevel = level; }
    }

    /// <summary>The useful tail of ORT's message ("… with error: libcublasLt.so.13: cannot open shared object file …"), one line.</summary>
    static string Reason(string s)
    {
        s = s.Replace("\r", "").Replace('\n', ' ').Trim();
        int at = s.LastIndexOf("with error:", StringComparison.Ordinal);
        if (at >= 0) s = s[(at + "with error:".Length)..].Trim();
        return s.Length > 200 ? s[..200] + "…" : s;
    }
}
