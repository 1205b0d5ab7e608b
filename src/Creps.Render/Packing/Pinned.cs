using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Creps.Render.Packing;

/// <summary>Arrays on the pinned object heap, so kernels can hold raw pointers into them without <c>fixed</c>.</summary>
internal static unsafe class Pinned
{
    public static float[] Alloc(long count) => GC.AllocateArray<float>(checked((int)Math.Max(count, 1)), pinned: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* Ptr(float[] pinnedArray) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));
}
