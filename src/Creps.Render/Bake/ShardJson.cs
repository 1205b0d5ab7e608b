using System.Text.Json.Serialization;

namespace Creps.Render.Bake;

/// <summary>Source-generated JSON for shard headers (no reflection: the library is AOT-clean).</summary>
[JsonSerializable(typeof(ShardHeader))]
internal sealed partial class ShardJson : JsonSerializerContext;
