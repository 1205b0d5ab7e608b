namespace Creps.Render.Model;

/// <summary>
/// An equalised fully connected layer: <c>y = act(x·(W·g)ᵀ + b·lr)</c> with <c>g = lr/√in</c>;
/// lrelu means <c>leaky_relu(·, 0.2)·√2</c>. Weight is [Out, In] row-major as stored.
/// </summary>
public sealed record DenseLayer(string Name, int In, int Out, float[] Weight, float[] Bias, float LrMultiplier, bool Lrelu)
{
    public float WeightGain => LrMultiplier / MathF.Sqrt(In);
    public float BiasGain => LrMultiplier;
}

/// <summary>
/// A style-modulated layer (official SynthesisLayer or ToResLayer): styles = affine(w) (÷√in for ToRes);
/// W' = W·style; synthesis layers demodulate and use lrelu·√2; both clamp to ±fc_clamp.
/// </summary>
public sealed record ModulatedLayer(string Name, int In, int Out, float[] Weight, float[] Bias, DenseLayer Affine, bool IsToRes, int WIndex)
{
    public bool Demodulate => !IsToRes;
    public bool Lrelu => !IsToRes;
    /// <summary>Factor applied to affine(w) to get the style (ToRes: 1/√in).</summary>
    public float StyleGain => IsToRes ? 1f / MathF.Sqrt(In) : 1f;
}

/// <summary>The bi-line Fourier input of block 4.</summary>
public sealed record InputLayer(int Channels, int Rank, float[] Freqs, float[] Weight, DenseLayer Affine)
{
    public const int WIndex = 0;
}

/// <summary>One 1-D block (b4 … bR): fc0 (absent in b4), fc1, and a ToRes into the biline (absent in b4).</summary>
public sealed record LineBlock(int Resolution, ModulatedLayer? Fc0, ModulatedLayer Fc1, ModulatedLayer? ToRes);

/// <summary>A per-pixel head block (block0 / block1): fc0, fc1, tores into the image; all read the last w.</summary>
public sealed record HeadBlock(ModulatedLayer Fc0, ModulatedLayer Fc1, ModulatedLayer ToRes);
