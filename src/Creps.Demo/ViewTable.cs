using System.Buffers.Binary;

namespace Creps.Demo;

/// <summary>Writes a <see cref="ViewPlan"/> into the frame's view buffer, laid out as view_fragment.frag's <c>View</c> block (std430).</summary>
internal static class ViewTable
{
    public const int HeaderBytes = 40, LevelBytes = 32;

    public static void Write(Span<byte> b, ViewPlan plan, uint textureId, int pageSize, bool hud, ulong levelsResident)
    {
        F(b, 0, plan.Width / 2f); F(b, 4, plan.Height / 2f);
        U(b, 8, textureId); U(b, 12, (uint)plan.Fine); U(b, 16, (uint)plan.Coarse);
        F(b, 20, (float)plan.FineWeight); U(b, 24, (uint)pageSize); U(b, 28, hud ? 1u : 0u);
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], levelsResident);
        for (int i = 0; i < plan.Levels.Length; i++)
        {
            var m = plan.Levels[i];
            int o = HeaderBytes + LevelBytes * i;
            BinaryPrimitives.WriteInt64LittleEndian(b[o..], m.OriginX);
            BinaryPrimitives.WriteInt64LittleEndian(b[(o + 8)..], m.OriginY);
            F(b, o + 16, (float)m.CentreTexelX); F(b, o + 20, (float)m.CentreTexelY);
            F(b, o + 24, (float)m.TexelsPerPixel); F(b, o + 28, 0);
        }
    }

    static void F(Span<byte> b, int o, float v) => BinaryPrimitives.WriteSingleLittleEndian(b[o..], v);
    static void U(Span<byte> b, int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b[o..], v);
}
