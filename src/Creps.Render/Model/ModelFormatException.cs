namespace Creps.Render.Model;

/// <summary>A model file that cannot be used: the message is one line that names the file and the problem.</summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string message) : base(message) { }
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
