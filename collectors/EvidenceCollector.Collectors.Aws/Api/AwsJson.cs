using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using EvidenceCollector.Model;

namespace EvidenceCollector.Collectors.Aws.Api;

/// <summary>
/// SDK model objects as JSON in the API's own shape names (PascalCase), enumerations as their wire value,
/// times as RFC 3339 UTC. Unset (null) members are left out; empty lists stay empty lists.
/// </summary>
public static class AwsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new ConstantClassConverterFactory(), new UtcDateTimeConverter() },
    };

    public static JsonNode ToNode(object? value) => JsonSerializer.SerializeToNode(value, value?.GetType() ?? typeof(object), Options) ?? new JsonObject();

    public static JsonObject ToObject(object value) => ToNode(value) as JsonObject ?? new JsonObject();

    /// <summary>A failed sub-call as a payload section: <c>{"error":{"code":..,"message":..}}</c>.</summary>
    public static JsonObject SectionError(AwsApiException e) => Common.Fanout.ErrorSection(e.Code, e.AwsMessage);

    public static string Time(DateTimeOffset at) => at.ToWire();

    private sealed class ConstantClassConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeof(ConstantClass).IsAssignableFrom(typeToConvert);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ConstantClassConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class ConstantClassConverter<T> : JsonConverter<T>
        where T : ConstantClass
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
        {
            var utc = value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();
            writer.WriteStringValue(new DateTimeOffset(utc).ToWire());
        }
    }
}
