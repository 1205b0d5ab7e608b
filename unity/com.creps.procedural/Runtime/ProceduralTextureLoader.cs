// Unity glue (needs UnityEngine: not compiled by this repository's tests).
using System.Threading.Tasks;
using UnityEngine;

namespace Creps.Procedural
{
    /// <summary>
    /// Gives a renderer's material the texture at the resolution the scene needs: measures the object's screen size,
    /// renders every mip level on a worker thread (creps_render, RGBA8) and uploads on the main thread with
    /// LoadRawTextureData. Re-renders when the needed size grows past what was rendered.
    /// </summary>
    [RequireComponent(typeof(Renderer))]
    public sealed class ProceduralTextureLoader : MonoBehaviour
    {
        public ProceduralTexture? texture;
        public string materialProperty = "_MainTex";
        [Tooltip("cpu is fastest where the only Vulkan device is a CPU implementation; auto picks.")]
        public string backend = "auto";

        static CrepsGenerator? _generator;      // one per model would be better for several models; one suits a demo
        static readonly object Gate = new object();
        Texture2D? _current;
        int _rendered;
        Task<byte[][]>? _pending;
        int _pendingSide;

        void Update()
        {
            if (texture == null || texture.model == null) return;
            if (_pending != null)
            {
                if (!_pending.IsCompleted) return;
                if (_pending.IsFaulted) Debug.LogError($"Creps: {_pending.Exception?.InnerException?.Message}");
                else Upload(_pending.Result, _pendingSide);
                _pending = null;
            }
            int side = NeededSide();
            if (side > _rendered) Request(side);
        }

        /// <summary>The texture side that gives about one texel per screen pixel, a power of two up to the asset's size.</summary>
        int NeededSide()
        {
            var cam = Camera.main;
            if (cam == null) return 64;
            var b = GetComponent<Renderer>().bounds;
            float pixels = b.size.magnitude / Mathf.Max(0.01f, Vector3.Distance(cam.transform.position, b.center)) * Screen.height;
            return Mathf.Clamp(Mathf.NextPowerOfTwo((int)pixels), 16, texture!.size);
        }

        void Request(int side)
        {
            var t = texture!;
            var model = t.model!.Model;
            string backendName = backend;
            _pendingSide = side;
            _pending = Task.Run(() =>
            {
                CrepsGenerator gen;
                lock (Gate) gen = _generator ??= CrepsGenerator.Create(model, backendName);
                using var latent = CrepsLatent.FromSeed(model, t.seed, t.psi);
                int levels = t.mips ? (int)System.Math.Log(side, 2) + 1 : 1;
                var data = new byte[levels][];
                for (int l = 0; l < levels; l++)
                {
                    var region = t.RegionAt(side, l);
                    data[l] = new byte[CrepsGenerator.ByteCount(region, CrepsFormat.Rgba8)];
                    gen.Render(latent, region, CrepsFormat.Rgba8, data[l]);
                }
                return data;
            });
        }

        /// <summary>Main thread: one RGBA32 texture with the rendered levels (rows top to bottom, as Unity's are bottom up: flipped by the UV).</summary>
        void Upload(byte[][] levels, int side)
        {
            var tex = new Texture2D(side, side, TextureFormat.RGBA32, levels.Length > 1, linear: false)
            {
                wrapMode = texture!.tileable ? TextureWrapMode.Repeat : TextureWrapMode.Clamp,
                name = $"Creps {texture.name} {side}",
            };
            int total = 0;
            foreach (var l in levels) total += l.Length;
            var all = new byte[total];
            int o = 0;
            foreach (var l in levels) { System.Buffer.BlockCopy(l, 0, all, o, l.Length); o += l.Length; }
            tex.LoadRawTextureData(all);      // mip 0 first, then each smaller level: Unity's layout for RGBA32
            tex.Apply(updateMipmaps: false, makeNoLongerReadable: true);
            GetComponent<Renderer>().material.SetTexture(materialProperty, tex);
            if (_current != null) Destroy(_current);
            _current = tex;
            _rendered = side;
        }

        void OnDestroy()
        {
            if (_current != null) Destroy(_current);
        }
    }
}
