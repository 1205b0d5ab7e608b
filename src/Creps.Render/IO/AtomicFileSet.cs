namespace Creps.Render.IO;

/// <summary>
/// Several output files that appear together or not at all: each is written to a temp file beside its target;
/// <see cref="Commit"/> flushes them to disk and renames them into place; disposing without a commit deletes them.
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    readonly bool _overwrite;
    readonly List<(string Temp, string Target, FileStream Stream)> _files = new();
    bool _committed;

    public AtomicFileSet(bool overwrite) { _overwrite = overwrite; }

    /// <summary>Throws one clear line if <paramref name="path"/> cannot be an output (missing folder, a directory, exists without overwrite).</summary>
    public static string CheckTarget(string path, bool overwrite)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output folder '{dir}' does not exist");
        if (Directory.Exists(full)) throw new IOException($"output path '{path}' is a directory");
        if (!overwrite && File.Exists(full)) throw new IOException($"'{path}' exists (use --force to replace it)");
        return full;
    }

    /// <summary>A new temp file that becomes <paramref name="path"/> on commit.</summary>
    public Stream Create(string path)
    {
        if (_committed) throw new InvalidOperationException("set already committed");
        string full = CheckTarget(path, _overwrite);
        if (_files.Any(f => f.Target == full)) throw new ArgumentException($"'{path}' is written twice");
        string tmp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _files.Add((tmp, full, fs));
        return fs;
    }

    public void Commit()
    {
        foreach (var f in _files)
        {
            f.Stream.Flush(flushToDisk: true);
            f.Stream.Dispose();
        }
        foreach (var f in _files) File.Move(f.Temp, f.Target, _overwrite);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        foreach (var f in _files)
        {
            try { f.Stream.Dispose(); } catch { /* a full disk may fail the final flush: the file goes anyway */ }
            try { File.Delete(f.Temp); } catch { /* best effort: the original error matters */ }
        }
        _committed = true;
    }
}
