using System.Text.Json.Serialization;

namespace Cordon.Backends.Gvisor.Bundle;

/// <summary>Source-generated writer of config.json (no reflection: the tier stays trimmable and AOT-clean).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(OciSpec))]
internal sealed partial class OciSpecJsonContext : JsonSerializerContext;
