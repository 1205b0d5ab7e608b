namespace Creps.Render.Model;

/// <summary>A per-pixel head block (block0 / block1): fc0, fc1, tores into the image; all read the last w.</summary>
public sealed record HeadBlock(ModulatedLayer Fc0, ModulatedLayer Fc1, ModulatedLayer ToRes);
