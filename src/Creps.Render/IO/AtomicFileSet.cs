using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Creps.Render.IO;

/// <summary>
/// Several output files that appear together or not at all. Each is written to a temp file beside its target;
/// <see cref="Commit"/> flushes them all to disk, then renames them into place one by one — an existing target is
/// first moved aside to a backup — and if any step fails it rolls back what it already did (new files removed,
/// backups restored) before rethrowing: the scheme is rename with rollback, not a manifest. Disposing without a commit
/// deletes the temps.
/// <para>
/// Temp names are short and fixed-length (<c>.creps-HASH-PID-RAND.tmp</c>, HASH of the target's name), so a target name
/// near the file system's 255-byte limit can still be written, and the next run on the same output finds what a killed
/// run left: temps of processes that no longer exist are removed (and a backup whose target is missing is restored),
/// each reported through the log. <see cref="AbortAll"/> deletes every uncommitted temp of the process (signals).
/// </para>
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    readonly bool _overwrite;
    readonly Action<string>? _log;
    readonly List<(string Temp, string Target, FileStream Stream)> _files = new();
    bool _done;

    static readonly object s_lock = new();
    static readonly HashSet<AtomicFileSet> s_open = new();
    static bool s_aborted;

    /// <summary>Test hook: called before the i-th rename of a commit (a throw there is a failure mid-commit).</summary>
    internal Action<int>? BeforeRename { get; set; }

    public AtomicFileSet(bool overwrite, Action<string>? log = null)
    {
        _overwrite = overwrite;
        _log = log;
        lock (s_lock)
        {
            if (s_aborted) throw new OperationCanceledException("interrupted");
            s_open.Add(this);
        }
    }

    /// <summary>Throws one clear line if <paramref name="path"/> cannot be an output (missing folder, a directory, exists without overwrite).</summary>
    public static string CheckTarget(string path, bool overwrite)
    {
        if (string.IsNullOrEmpty(path)) throw new ArgumentException("output path is empty");
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (File.Exists(dir)) throw new IOException($"output folder {Untrusted.Quote(dir, 200)} is a file, not a folder");
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output folder {Untrusted.Quote(dir, 200)} does not exist");
        if (Directory.Exists(full)) throw new IOException($"output path {Untrusted.Quote(path, 200)} is a directory");
        if (Encoding.UTF8.GetByteCount(Path.GetFileName(full)) > 255) throw new PathTooLongException($"output name {Untrusted.Quote(Path.GetFileName(full), 60)} is longer than 255 bytes");
        if (!overwrite && File.Exists(full)) throw new IOException($"{Untrusted.Quote(path, 200)} exists (use --force to replace it)");
        return full;
    }

    /// <summary>A new temp file that becomes <paramref name="path"/> on commit; proves the folder is writable now.</summary>
    public Stream Create(string path)
    {
        if (_done) throw new InvalidOperationException("set already committed or disposed");
        string full = CheckTarget(path, _overwrite);
        if (_files.Any(f => f.Target == full)) throw new ArgumentException($"{Untrusted.Quote(path, 200)} is written twice");
        RemoveStale(full);
        string tmp = SidePath(full, "tmp");
        FileStream fs;
        try { fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16); }
        catch (UnauthorizedAccessException e) { throw new UnauthorizedAccessException($"cannot write to the output folder {Untrusted.Quote(Path.GetDirectoryName(full), 200)}: {e.Message}", e); }
        lock (s_lock)
        {
            if (s_aborted) { fs.Dispose(); File.Delete(tmp); throw new OperationCanceledException("interrupted"); }
            _files.Add((tmp, full, fs));
        }
        return fs;
    }

    public void Commit()
    {
        if (_done) throw new InvalidOperationException("set already committed or disposed");
        foreach (var f in _files)
        {
            f.Stream.Flush(flushToDisk: true);
            f.Stream.Dispose();
        }
        lock (s_lock) // a signal's AbortAll waits for a commit in progress: the set is then whole, not half renamed
        {
            if (s_aborted) throw new OperationCanceledException("interrupted");
            var renamed = new List<(string Temp, string Target, string? Backup)>();
            try
            {
                for (int i = 0; i < _files.Count; i++)
                {
                    var (temp, target, _) = _files[i];
                    BeforeRename?.Invoke(i);
                    string? backup = null;
                    if (_overwrite && File.Exists(target))
                    {
                        backup = SidePath(target, "bak");
                        File.Move(target, backup);
                    }
                    renamed.Add((temp, target, backup));
                    File.Move(temp, target, overwrite: false);
                }
            }
            catch
            {
                Rollback(renamed);
                throw;
            }
            foreach (var r in renamed)
                if (r.Backup != null) TryDelete(r.Backup);
            _done = true;
            s_open.Remove(this);
        }
    }

    /// <summary>Undoes a partial commit, newest first: the new file goes back to its temp (deleted below), the backup to the target.</summary>
    static void Rollback(List<(string Temp, string Target, string? Backup)> renamed)
    {
        for (int i = renamed.Count - 1; i >= 0; i--)
        {
            var (temp, target, backup) = renamed[i];
            try
            {
                if (!File.Exists(temp) && File.Exists(target)) File.Move(target, temp);
                if (backup != null && File.Exists(backup)) File.Move(backup, target);
            }
            catch { /* best effort: the original error is what the caller sees */ }
        }
    }

    public void Dispose()
    {
        lock (s_lock)
        {
            if (_done) return;
            DeleteTemps();
            _done = true;
            s_open.Remove(this);
        }
    }

    void DeleteTemps()
    {
        foreach (var f in _files)
        {
            try { f.Stream.Dispose(); } catch { /* a full disk may fail the final flush: the file goes anyway */ }
            TryDelete(f.Temp);
        }
    }

    /// <summary>
    /// On a signal: deletes the temps of every uncommitted set of this process (a commit in progress finishes first)
    /// and makes any later Create or Commit throw <see cref="OperationCanceledException"/>.
    /// </summary>
    public static void AbortAll()
    {
        lock (s_lock)
        {
            s_aborted = true;
            foreach (var set in s_open)
                if (!set._done) { set.DeleteTemps(); set._done = true; }
            s_open.Clear();
        }
    }

    /// <summary>
    /// Prefix of every temp and backup of <paramref name="target"/>: 64-bit FNV-1a of its name in hex (not a crypto hash:
    /// System.Security.Cryptography would load OpenSSL, ~7 MB of RSS, for a name).
    /// </summary>
    internal static string SidePrefix(string target)
    {
        ulong h = 14695981039346656037;
        foreach (byte b in Encoding.UTF8.GetBytes(Path.GetFileName(target))) h = (h ^ b) * 1099511628211;
        return $".creps-{h:x16}-";
    }

    static string SidePath(string target, string kind) => Path.Combine(Path.GetDirectoryName(target)!,
        $"{SidePrefix(target)}{Environment.ProcessId}-{Random.Shared.Next():x8}.{kind}");

    /// <summary>Removes what a killed run on <paramref name="target"/> left: temps of dead processes (a backup of a missing target is restored).</summary>
    void RemoveStale(string target)
    {
        string dir = Path.GetDirectoryName(target)!, prefix = SidePrefix(target);
        string[] found;
        try { found = Directory.GetFiles(dir, prefix + "*"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var path in found)
        {
            string rest = Path.GetFileName(path)[prefix.Length..];
            int dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId) continue;
            if (IsRunning(pid)) { _log?.Invoke($"note: {Untrusted.Quote(path, 200)} belongs to running process {pid} (another write of this output?); left alone"); continue; }
            if (path.EndsWith(".bak", StringComparison.Ordinal) && !File.Exists(target))
            {
                try { File.Move(path, target); _log?.Invoke($"restored {Untrusted.Quote(target, 200)} from the backup an interrupted run (pid {pid}) left"); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                continue;
            }
            if (TryDelete(path)) _log?.Invoke($"removed {Untrusted.Quote(path, 200)}, a temp file left by a killed run (pid {pid})");
        }
    }

    static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
