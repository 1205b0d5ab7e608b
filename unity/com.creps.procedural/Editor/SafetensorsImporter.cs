// Unity glue (needs UnityEditor: not compiled by this repository's tests).
using System.IO;
using UnityEditor.AssetImporters;
using UnityEngine;

namespace Creps.Procedural.Editor
{
    /// <summary>
    /// Imports a .safetensors CREPS model as a <see cref="CrepsModelAsset"/>. libcreps validates the whole file while
    /// importing (a truncated or foreign file becomes an import error with libcreps' one-line message, not a crash).
    /// </summary>
    [ScriptedImporter(1, "safetensors")]
    public sealed class SafetensorsImporter : ScriptedImporter
    {
        public override void OnImportAsset(AssetImportContext ctx)
        {
            var bytes = File.ReadAllBytes(ctx.assetPath);
            CrepsModelInfo info;
            try
            {
                using var model = CrepsModel.FromMemory(bytes);
                info = model.Info;
            }
            catch (CrepsException e)
            {
                ctx.LogImportError($"{ctx.assetPath}: {e.Message}");
                return;
            }
            var asset = ScriptableObject.CreateInstance<CrepsModelAsset>();
            asset.Set(bytes, info);
            asset.name = Path.GetFileNameWithoutExtension(ctx.assetPath);
            ctx.AddObjectToAsset("model", asset);
            ctx.SetMainObject(asset);
        }
    }
}
