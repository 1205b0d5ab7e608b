using System.Diagnostics;

namespace Creps.Cli;

/// <summary>
/// Progress of a long job on stderr: a redrawn bar with ETA and megapixels/s on a terminal, otherwise a plain line
/// every 10% (and at least every 30 s) so logs of farm jobs stay short.
/// </summary>
public sealed class Progress : IDisposable
{
    readonly TextWriter _err;
    readonly string _label;
    readonly long _total;
    readonly bool _terminal;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    long _done;
    double _lastDraw = double.NegativeInfinity;
    int _lastDecile = -1;
    bool _barOpen;

    public Progress(TextWriter err, string label, long totalPixels)
    {
        _err = err; _label = label; _total = Math.Max(1, totalPixels);
        _terminal = ReferenceEquals(err, Console.Error) && !Console.IsErrorRedirected;
    }

    public void Add(long pixels)
    {
        _done += pixels;
        double now = _clock.Elapsed.TotalSeconds;
        int decile = (int)(10 * _done / _total);
        if (_terminal ? now - _lastDraw >= 0.1 || _done >= _total : decile > _lastDecile || now - _lastDraw >= 30)
        {
            _lastDraw = now; _lastDecile = decile;
            Draw(now);
        }
    }

    /// <summary>Ends the bar's line with the totals.</summary>
    public void Done()
    {
        double s = _clock.Elapsed.TotalSeconds;
        Dispose();
        _err.WriteLine($"{_label}: done, {_done / 1e6:F1} MP in {s:F1} s ({_done / 1e6 / Math.Max(s, 1e-9):F2} MP/s)");
    }

    /// <summary>Ends the bar's line, so an error or interrupt message starts on its own line.</summary>
    public void Dispose()
    {
        if (_barOpen) _err.WriteLine();
        _barOpen = false;
    }

    void Draw(double now)
    {
        double frac = (double)_done / _total, rate = _done / 1e6 / Math.Max(now, 1e-9);
        string eta = frac > 0 ? TimeSpan.FromSeconds(Math.Round(now / frac - now)).ToString(@"h\:mm\:ss") : "?";
        string stats = $"{100 * frac,5:F1}% {_done / 1e6:F1}/{_total / 1e6:F1} MP {rate:F2} MP/s ETA {eta}";
        if (!_terminal) { _err.WriteLine($"{_label}: {stats}"); return; }
        const int width = 30;
        int filled = (int)(frac * width);
        _barOpen = true;
        _err.Write($"\r{_label} [{new string('#', filled)}{new string(' ', width - filled)}] {stats}  ");
    }
}
