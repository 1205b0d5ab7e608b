// Unity glue (needs UnityEngine: not compiled by this repository's tests). What one procedural texture is.
using UnityEngine;

namespace Creps.Procedural
{
    /// <summary>A procedural texture: a model, a latent (seed, ψ), the region of the plane, size, mips, octaves.</summary>
    [CreateAssetMenu(menuName = "Creps/Procedural Texture", fileName = "ProceduralTexture")]
    public sealed class ProceduralTexture : ScriptableObject
    {
        public CrepsModelAsset? model;
        public uint seed = 7;
        [Range(0f, 1f)] public float psi = 1f;
        [Tooltip("Largest size this texture is ever rendered at; the component asks for less when the scene needs less.")]
        public int size = 1024;
        public bool mips = true;
        [Tooltip("Render the model's training tile [0,1]² (seamless for a tileable model) — otherwise the rectangle below.")]
        public bool tileable = true;
        public Rect region = new Rect(0, 0, 1, 1);
        [Range(0, 48)] public int octaves;

        public Rect Region => tileable ? new Rect(0, 0, 1, 1) : region;

        /// <summary>The creps_region of mip level <paramref name="level"/> of a <paramref name="side"/>² texture (each level rendered at its own size).</summary>
        public CrepsRegion RegionAt(int side, int level)
        {
            var r = Region;
            long n = System.Math.Max(1, side >> level);
            return new CrepsRegion(r.xMin, r.yMin, r.xMax, r.yMax, n, n, octaves);
        }
    }
}
