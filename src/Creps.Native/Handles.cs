using System.Runtime.InteropServices;

namespace Creps.Native;

/// <summary>
/// Opaque handles: a GCHandle to the managed object behind each creps_* pointer. A handle keeps its object (and what
/// that references, e.g. a generator its model) alive, so handles may be destroyed in any order.
/// </summary>
static class Handles
{
    public static nint New(object o) => GCHandle.ToIntPtr(GCHandle.Alloc(o));

    /// <summary>The object behind <paramref name="handle"/>; ArgumentException when it is null or of another kind.</summary>
    public static T Get<T>(nint handle, string what) where T : class
    {
        if (handle == 0) throw new ArgumentException($"{what} is NULL");
        return GCHandle.FromIntPtr(handle).Target as T ?? throw new ArgumentException($"{what} is not a {typeof(T).Name} handle (or was destroyed)");
    }

    /// <summary>Frees <paramref name="handle"/> and returns its object (null for a NULL handle: destroying NULL does nothing).</summary>
    public static T? Free<T>(nint handle, string what) where T : class
    {
        if (handle == 0) return null;
        var h = GCHandle.FromIntPtr(handle);
        var o = h.Target as T ?? throw new ArgumentException($"{what} is not a {typeof(T).Name} handle (or was destroyed)");
        h.Free();
        return o;
    }

    /// <summary>
    /// After releasing a handle that held large arrays (a model's weights, a generator's packed copy): collect now, so an
    /// engine that creates and destroys textures sees its resident memory come back as it would after free(), instead
    /// of the heap growing to the GC's own budget first.
    /// </summary>
    public static void ReturnMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

    public static unsafe void Out(nint* where, object o)
    {
        if (where == null) throw new ArgumentException("the output pointer is NULL");
        *where = New(o);
    }

    public static unsafe void CheckOut(void* where, string name)
    {
        if (where == null) throw new ArgumentException($"{name} is NULL");
    }

    /// <summary>A NUL-terminated UTF-8 string from C (null for NULL).</summary>
    public static unsafe string? Utf8(byte* s) => s == null ? null : Marshal.PtrToStringUTF8((nint)s);
}
