// Unity glue (needs UnityEngine: not compiled by this repository's tests). A .safetensors model imported as an asset.
using UnityEngine;

namespace Creps.Procedural
{
    /// <summary>The bytes of a CREPS model file, made by <c>SafetensorsImporter</c>; opened once per session from memory.</summary>
    public sealed class CrepsModelAsset : ScriptableObject
    {
        [SerializeField, HideInInspector] byte[] _bytes = new byte[0];
        [SerializeField] long _resolution, _zDim, _numWs, _wDim;
        [SerializeField] bool _tileable;

        CrepsModel? _model;
        readonly object _gate = new object();

        public long Resolution => _resolution;
        public bool Tileable => _tileable;

        /// <summary>Called by the importer: keeps the file and its header numbers (validated by libcreps while importing).</summary>
        public void Set(byte[] bytes, CrepsModelInfo info)
        {
            _bytes = bytes;
            _resolution = info.Resolution; _zDim = info.ZDim; _numWs = info.NumWs; _wDim = info.WDim;
            _tileable = info.Tileable != 0;
        }

        /// <summary>The opened model, shared by every texture of this asset (thread-safe: workers may ask).</summary>
        public CrepsModel Model
        {
            get
            {
                lock (_gate) return _model ??= CrepsModel.FromMemory(_bytes);
            }
        }

        void OnDisable()
        {
            lock (_gate) { _model?.Dispose(); _model = null; }
        }
    }
}
