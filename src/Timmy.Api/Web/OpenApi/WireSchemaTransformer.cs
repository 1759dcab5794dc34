using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Timmy.Api.Web.OpenApi;

/// <summary>
/// Makes generated schemas say what the API actually writes: plain numbers (the serializer may read numbers
/// from strings but never writes them), timestamps as date-time strings (our converter hides their type),
/// string enums with each value once, and only never-null properties as required (null ones are left out of the JSON).
/// </summary>
public sealed class WireSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        WriteNumbersAsNumbers(schema);
        DescribeTimestamp(schema, context.JsonTypeInfo.Type);
        if (schema.Enum is { Count: > 0 } values)
        {
            schema.Enum = values.DistinctBy(value => value?.ToJsonString()).ToList();
            // Our enums are written as their string names (JsonStringEnumConverter).
            schema.Type ??= JsonSchemaType.String;
        }

        foreach (var name in schema.Required?.ToList() ?? [])
        {
            if (MayBeNull(context, name))
            {
                schema.Required!.Remove(name);
            }
        }

        return Task.CompletedTask;
    }

    private static void WriteNumbersAsNumbers(OpenApiSchema schema)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    private static void DescribeTimestamp(OpenApiSchema schema, Type type)
    {
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            schema.Type = JsonSchemaType.String;
            schema.Format = "date-time";
        }
        else if (type == typeof(DateTime?) || type == typeof(DateTimeOffset?))
        {
            schema.Type = JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }
    }

    /// <summary>From the CLR property's nullability, which is known before any nested schema is transformed.</summary>
    private static bool MayBeNull(OpenApiSchemaTransformerContext context, string name)
    {
        var property = context.JsonTypeInfo.Properties.FirstOrDefault(p => p.Name == name);
        return property switch
        {
            null => false,
            _ when Nullable.GetUnderlyingType(property.PropertyType) is not null => true,
            { AttributeProvider: PropertyInfo info } => new NullabilityInfoContext().Create(info).ReadState == NullabilityState.Nullable,
            _ => false,
        };
    }
}
