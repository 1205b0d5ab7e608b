namespace Creps.Render.Latents;

/// <summary>
/// NumPy's legacy <c>RandomState(seed)</c> for 32-bit seeds: MT19937 seeded by init_genrand and the polar
/// Box–Muller <c>gauss</c> that caches its second value. Bit-for-bit, so "seed 2" here is seed 2 in the official tools.
/// </summary>
public sealed class NumpyRandom
{
    const int N = 624, M = 397;
    readonly uint[] _mt = new uint[N];
    int _pos;
    double _gauss;
    bool _hasGauss;

    public NumpyRandom(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _pos = N;
    }

    public uint NextUInt32()
    {
        if (_pos >= N) Twist();
        uint y = _mt[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    void Twist()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7fffffffu);
            _mt[i] = _mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }
        _pos = 0;
    }

    /// <summary>A 53-bit double in [0,1), NumPy's <c>random_sample</c>.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>One standard normal, NumPy's legacy <c>gauss</c>.</summary>
    public double NextGauss()
    {
        if (_hasGauss) { _hasGauss = false; return _gauss; }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary><c>RandomState(seed).randn(n)</c>.</summary>
    public static double[] Randn(uint seed, int n)
    {
        var rng = new NumpyRandom(seed);
        var z = new double[n];
        for (int i = 0; i < n; i++) z[i] = rng.NextGauss();
        return z;
    }
}
