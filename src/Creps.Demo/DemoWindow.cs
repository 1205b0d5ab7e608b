using System.Runtime.InteropServices;

namespace Creps.Demo;

/// <summary>What the user did since the last poll, in order.</summary>
internal abstract record InputEvent
{
    public sealed record Key(int Code) : InputEvent;
    public sealed record Scroll(double X, double Y, double Steps) : InputEvent;
    public sealed record Drag(double Dx, double Dy) : InputEvent;
}

/// <summary>
/// One GLFW window without a client API (Vulkan draws into it through a surface). Input arrives through GLFW's callbacks
/// into <see cref="Events"/>; a drag with the left button held is reported as pixel deltas.
/// </summary>
internal sealed unsafe class DemoWindow : IDisposable
{
    static DemoWindow? _current;   // GLFW callbacks are static; the demo has one window
    readonly Queue<InputEvent> _events = new();
    bool _dragging;
    double _lastX, _lastY;

    public nint Handle { get; }

    DemoWindow(nint handle) { Handle = handle; }

    /// <summary>Opens GLFW and a window; throws <see cref="DemoUnavailableException"/> with GLFW's reason (no display, no Vulkan loader).</summary>
    public static DemoWindow Open(int width, int height, string title)
    {
        try
        {
            if (Glfw.Init() != Glfw.True) throw new DemoUnavailableException($"cannot open a window: {Reason("glfwInit failed")}");
        }
        catch (DllNotFoundException) { throw new DemoUnavailableException("cannot open a window: libglfw.so.3 is not installed (apt package libglfw3)"); }
        if (Glfw.VulkanSupported() != Glfw.True)
        {
            string why = Reason("no Vulkan loader");
            Glfw.Terminate();
            throw new DemoUnavailableException($"no Vulkan device for the window: {why}");
        }
        Glfw.WindowHint(Glfw.ClientApi, Glfw.NoApi);
        Glfw.WindowHint(Glfw.Resizable, Glfw.True);
        nint w = Glfw.CreateWindow(width, height, title, 0, 0);
        if (w == 0)
        {
            string why = Reason("glfwCreateWindow failed");
            Glfw.Terminate();
            throw new DemoUnavailableException($"cannot open a window: {why}");
        }
        var window = new DemoWindow(w);
        _current = window;
        Glfw.SetKeyCallback(w, &OnKey);
        Glfw.SetScrollCallback(w, &OnScroll);
        Glfw.SetMouseButtonCallback(w, &OnButton);
        Glfw.SetCursorPosCallback(w, &OnCursor);
        return window;
    }

    static string Reason(string fallback) => Glfw.LastError() is { Length: > 0 } e ? e : fallback;

    /// <summary>The instance extensions GLFW needs for a surface on this platform (VK_KHR_surface + the window system's).</summary>
    public static string[] RequiredInstanceExtensions()
    {
        byte** names = Glfw.GetRequiredInstanceExtensions(out uint n);
        if (names == null) throw new DemoUnavailableException($"no Vulkan device for the window: {Reason("the Vulkan loader offers no surface extensions (no Vulkan driver?)")}");
        var result = new string[n];
        for (int i = 0; i < n; i++) result[i] = Marshal.PtrToStringUTF8((nint)names[i])!;
        return result;
    }

    public bool ShouldClose => Glfw.WindowShouldClose(Handle) == Glfw.True;
    public void RequestClose() => Glfw.SetWindowShouldClose(Handle, Glfw.True);

    public (int Width, int Height) FramebufferSize
    {
        get { Glfw.GetFramebufferSize(Handle, out int w, out int h); return (w, h); }
    }

    /// <summary>Iconified, or a zero-sized framebuffer: nothing can be presented.</summary>
    public bool Minimised => Glfw.GetWindowAttrib(Handle, Glfw.Iconified) == Glfw.True || FramebufferSize is (0, _) or (_, 0);

    public (double X, double Y) Cursor
    {
        get { Glfw.GetCursorPos(Handle, out double x, out double y); return (x, y); }
    }

    public List<InputEvent> Poll()
    {
        Glfw.PollEvents();
        var list = _events.ToList();
        _events.Clear();
        return list;
    }

    public void Resize(int width, int height) => Glfw.SetWindowSize(Handle, width, height);
    public void Minimise() => Glfw.IconifyWindow(Handle);
    public void Restore() => Glfw.RestoreWindow(Handle);

    [UnmanagedCallersOnly]
    static void OnKey(nint w, int key, int scancode, int action, int mods)
    {
        if (action is Glfw.Press or Glfw.Repeat) _current?._events.Enqueue(new InputEvent.Key(key));
    }

    [UnmanagedCallersOnly]
    static void OnScroll(nint w, double dx, double dy)
    {
        if (_current is not { } c) return;
        var (x, y) = c.Cursor;
        c._events.Enqueue(new InputEvent.Scroll(x, y, dy));
    }

    [UnmanagedCallersOnly]
    static void OnButton(nint w, int button, int action, int mods)
    {
        if (_current is not { } c || button != Glfw.MouseButtonLeft) return;
        c._dragging = action == Glfw.Press;
        (c._lastX, c._lastY) = c.Cursor;
    }

    [UnmanagedCallersOnly]
    static void OnCursor(nint w, double x, double y)
    {
        if (_current is not { } c) return;
        if (c._dragging) c._events.Enqueue(new InputEvent.Drag(x - c._lastX, y - c._lastY));
        c._lastX = x; c._lastY = y;
    }

    public void Dispose()
    {
        if (_current == this) _current = null;
        Glfw.DestroyWindow(Handle);
        Glfw.Terminate();
    }
}

/// <summary>No display, no GLFW, no Vulkan device: the demo cannot run here (one line on stderr, exit 1).</summary>
internal sealed class DemoUnavailableException(string message) : Exception(message);
