using System.Text.Json.Serialization;

namespace Cordon.Contracts;

/// <summary>
/// Source-generated serialisation of the result document (NativeAOT-clean). Reading is strict: an unknown member, a
/// missing member or a null where the schema has none is an error, so a document that parses is a valid one.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RunDocument))]
public sealed partial class RunDocumentJsonContext : JsonSerializerContext;
