namespace Creps.Render.IO;

/// <summary>Writes a file through a temp file in the same folder and a rename, so a failure never leaves a partial file.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write, bool overwrite = true)
    {
        using var set = new AtomicFileSet(overwrite);
        write(set.Create(path));
        set.Commit();
    }
}
