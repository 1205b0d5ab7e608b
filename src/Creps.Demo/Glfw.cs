using System.Runtime.InteropServices;

namespace Creps.Demo;

/// <summary>
/// The few GLFW 3.3 entry points the demo uses, bound to Debian's libglfw3 (<c>libglfw.so.3</c>) by P/Invoke.
/// Constants are GLFW's own (glfw3.h). Every call must come from the main thread, as GLFW requires.
/// </summary>
internal static unsafe partial class Glfw
{
    const string Lib = "libglfw.so.3";

    public const int True = 1, False = 0;
    public const int ClientApi = 0x00022001, NoApi = 0, Resizable = 0x00020003, Visible = 0x00020004, Iconified = 0x00020002;
    public const int Release = 0, Press = 1, Repeat = 2;
    public const int MouseButtonLeft = 0;
    public const int KeyEscape = 256, KeyLeftBracket = 91, KeyRightBracket = 93, KeyMinus = 45, KeyEqual = 61;
    public const int KeyM = 77, KeyO = 79, KeyR = 82, KeyS = 83, KeyH = 72;
    public const int NoError = 0;

    [LibraryImport(Lib, EntryPoint = "glfwInit")] public static partial int Init();
    [LibraryImport(Lib, EntryPoint = "glfwTerminate")] public static partial void Terminate();
    [LibraryImport(Lib, EntryPoint = "glfwGetError")] public static partial int GetError(byte** description);
    [LibraryImport(Lib, EntryPoint = "glfwWindowHint")] public static partial void WindowHint(int hint, int value);
    [LibraryImport(Lib, EntryPoint = "glfwCreateWindow", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint CreateWindow(int width, int height, string title, nint monitor, nint share);
    [LibraryImport(Lib, EntryPoint = "glfwDestroyWindow")] public static partial void DestroyWindow(nint window);
    [LibraryImport(Lib, EntryPoint = "glfwWindowShouldClose")] public static partial int WindowShouldClose(nint window);
    [LibraryImport(Lib, EntryPoint = "glfwSetWindowShouldClose")] public static partial void SetWindowShouldClose(nint window, int value);
    [LibraryImport(Lib, EntryPoint = "glfwPollEvents")] public static partial void PollEvents();
    [LibraryImport(Lib, EntryPoint = "glfwWaitEventsTimeout")] public static partial void WaitEventsTimeout(double seconds);
    [LibraryImport(Lib, EntryPoint = "glfwGetFramebufferSize")] public static partial void GetFramebufferSize(nint window, out int width, out int height);
    [LibraryImport(Lib, EntryPoint = "glfwSetWindowSize")] public static partial void SetWindowSize(nint window, int width, int height);
    [LibraryImport(Lib, EntryPoint = "glfwIconifyWindow")] public static partial void IconifyWindow(nint window);
    [LibraryImport(Lib, EntryPoint = "glfwRestoreWindow")] public static partial void RestoreWindow(nint window);
    [LibraryImport(Lib, EntryPoint = "glfwGetWindowAttrib")] public static partial int GetWindowAttrib(nint window, int attrib);
    [LibraryImport(Lib, EntryPoint = "glfwGetCursorPos")] public static partial void GetCursorPos(nint window, out double x, out double y);
    [LibraryImport(Lib, EntryPoint = "glfwSetWindowTitle", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void SetWindowTitle(nint window, string title);
    [LibraryImport(Lib, EntryPoint = "glfwVulkanSupported")] public static partial int VulkanSupported();
    [LibraryImport(Lib, EntryPoint = "glfwGetRequiredInstanceExtensions")] public static partial byte** GetRequiredInstanceExtensions(out uint count);
    [LibraryImport(Lib, EntryPoint = "glfwCreateWindowSurface")]
    public static partial int CreateWindowSurface(nint instance, nint window, void* allocator, ulong* surface);

    [LibraryImport(Lib, EntryPoint = "glfwSetKeyCallback")]
    public static partial nint SetKeyCallback(nint window, delegate* unmanaged<nint, int, int, int, int, void> callback);
    [LibraryImport(Lib, EntryPoint = "glfwSetScrollCallback")]
    public static partial nint SetScrollCallback(nint window, delegate* unmanaged<nint, double, double, void> callback);
    [LibraryImport(Lib, EntryPoint = "glfwSetMouseButtonCallback")]
    public static partial nint SetMouseButtonCallback(nint window, delegate* unmanaged<nint, int, int, int, void> callback);
    [LibraryImport(Lib, EntryPoint = "glfwSetCursorPosCallback")]
    public static partial nint SetCursorPosCallback(nint window, delegate* unmanaged<nint, double, double, void> callback);
    [LibraryImport(Lib, EntryPoint = "glfwSetFramebufferSizeCallback")]
    public static partial nint SetFramebufferSizeCallback(nint window, delegate* unmanaged<nint, int, int, void> callback);

    /// <summary>GLFW's last error as text ("" when none), e.g. "X11: The DISPLAY environment variable is missing".</summary>
    public static string LastError()
    {
        byte* text;
        int code = GetError(&text);
        return code == NoError || text == null ? "" : Marshal.PtrToStringUTF8((nint)text) ?? "";
    }
}
