namespace Creps.Render.Model;

/// <summary>One 1-D block (b4 … bR): fc0 (absent in b4), fc1, and a ToRes into the biline (absent in b4).</summary>
public sealed record LineBlock(int Resolution, ModulatedLayer? Fc0, ModulatedLayer Fc1, ModulatedLayer? ToRes);
