namespace Creps.Render;

/// <summary>A backend that cannot run on this machine (no Vulkan device, no CUDA, …).</summary>
public sealed class BackendUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
