namespace Creps.Render.Model;

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
