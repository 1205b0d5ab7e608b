namespace Creps.Render.IO;

/// <summary>An input file (coordinates, latents, shards) that cannot be used: one line naming the file (and the line) and the problem.</summary>
public sealed class InputFileException : IOException
{
    public string FilePath { get; }
    public InputFileException(string path, string message) : base(message) { FilePath = path; }
    public InputFileException(string path, string message, Exception inner) : base(message, inner) { FilePath = path; }
}
