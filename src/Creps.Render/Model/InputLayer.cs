namespace Creps.Render.Model;

/// <summary>The bi-line Fourier input of block 4.</summary>
public sealed record InputLayer(int Channels, int Rank, float[] Freqs, float[] Weight, DenseLayer Affine)
{
    public const int WIndex = 0;
}
