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
