// Unity glue (needs UnityEngine and the native plugin Plugins/CrepsUnityVulkan.c: neither is built or run by this
// repository's tests).
using System;
using System.Runtime.InteropServices;
using UnityEngine;
using UnityEngine.Rendering;

namespace Creps.Procedural
{
    /// <summary>
    /// The Vulkan path: Creps renders on Unity's own VkDevice (IUnityGraphicsVulkan::Instance(), read by the native
    /// plugin) into a VkImage the plugin creates, on Unity's render thread (so Unity's queue is never used from two
    /// threads), and Unity samples it through Texture2D.CreateExternalTexture — no host round trip.
    /// </summary>
    public sealed class VulkanProceduralTexture : MonoBehaviour
    {
        const string Plugin = "CrepsUnityVulkan";
        [DllImport(Plugin)] static extern int CrepsUnity_Begin(IntPtr modelBytes, UIntPtr size, uint seed, float psi, int side);
        [DllImport(Plugin)] static extern IntPtr CrepsUnity_RenderEventFunc();
        [DllImport(Plugin)] static extern IntPtr CrepsUnity_ImagePointer();   // VkImage* of the rendered image, once ready
        [DllImport(Plugin)] static extern int CrepsUnity_Status();             // 0 pending, 1 ready, <0 the creps_status negated
        [DllImport(Plugin)] static extern IntPtr CrepsUnity_Error();

        public ProceduralTexture? texture;
        public string materialProperty = "_MainTex";
        Texture2D? _external;
        bool _issued;

        void Start()
        {
            if (SystemInfo.graphicsDeviceType != GraphicsDeviceType.Vulkan)
            {
                Debug.LogWarning("Creps: not on Vulkan; use ProceduralTextureLoader (host upload) instead");
                enabled = false;
                return;
            }
            var bytes = ModelBytes();
            var pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            try
            {
                if (CrepsUnity_Begin(pin.AddrOfPinnedObject(), (UIntPtr)bytes.Length, texture!.seed, texture.psi, texture.size) != 0)
                    throw new InvalidOperationException(Marshal.PtrToStringAnsi(CrepsUnity_Error()));
            }
            finally { pin.Free(); }
            GL.IssuePluginEvent(CrepsUnity_RenderEventFunc(), 1);   // render thread: adopt Unity's device, create the image, render
            _issued = true;
        }

        byte[] ModelBytes()
        {
            // The asset keeps the file bytes; the plugin opens its own creps_model from them (libcreps is shared).
            var field = typeof(CrepsModelAsset).GetField("_bytes", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
            return (byte[])field!.GetValue(texture!.model);
        }

        void Update()
        {
            if (!_issued || _external != null) return;
            int s = CrepsUnity_Status();
            if (s == 0) return;
            if (s < 0) { Debug.LogError($"Creps: {Marshal.PtrToStringAnsi(CrepsUnity_Error())}"); enabled = false; return; }
            _external = Texture2D.CreateExternalTexture(texture!.size, texture.size, TextureFormat.RGBAFloat, false, true, CrepsUnity_ImagePointer());
            GetComponent<Renderer>().material.SetTexture(materialProperty, _external);
        }
    }
}
