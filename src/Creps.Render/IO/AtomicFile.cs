namespace Creps.Render.IO;

/// <summary>Writes a file through a temp file in the same folder and a rename, so a failure never leaves a partial file.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write, bool overwrite = true)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output folder '{dir}' does not exist");
        if (Directory.Exists(full)) throw new IOException($"output path '{path}' is a directory");
        if (!overwrite && File.Exists(full)) throw new IOException($"'{path}' exists (use --force to replace it)");
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite);
        }
        catch
        {
            try { File.Delete(tmp); } catch { /* best effort: the original error matters */ }
            throw;
        }
    }
}
