using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Cordon.Service.Api;

/// <summary>Reading bounded JSON bodies and writing JSON and problem documents.</summary>
internal static class Http
{
    /// <summary>The body, at most <paramref name="maxBytes"/> bytes, as <typeparamref name="T"/>; a problem for anything else.</summary>
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, long maxBytes) where T : class
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        bool tooLarge = context.Request.ContentLength > maxBytes;
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                // Past the bound the rest is read and dropped (Kestrel stops it at a few times the bound), so the
                // client, still sending, gets the 422 instead of a reset connection.
                if (tooLarge || buffer.Length + read > maxBytes) tooLarge = true;
                else buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException)
        {
            tooLarge = true;
        }

        if (tooLarge) throw TooLarge(maxBytes);
        if (buffer.Length == 0) throw ProblemException.Malformed("the body is empty; send a JSON object");
        try
        {
            return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type)
                ?? throw ProblemException.Malformed("the body is null; send a JSON object");
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 1 } p ? $" at {p}" : "";
            throw ProblemException.Malformed($"the body is not a valid request{where}: {e.Message}", e.Path);
        }
    }

    private static ProblemException TooLarge(long maxBytes) => ProblemException.TooLarge($"the body is larger than {maxBytes} bytes, this server's bound");

    public static Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(value, type)).AsTask();
    }

    public static Task WriteProblemAsync(HttpContext context, ProblemException problem)
    {
        context.Response.StatusCode = problem.Problem.Status;
        context.Response.ContentType = "application/problem+json; charset=utf-8";
        if (problem.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (problem.Problem.Status == 401) context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(problem.Problem, ServiceJson.Default.Problem)).AsTask();
    }

    /// <summary>Runs <paramref name="handler"/>, answering every <see cref="ProblemException"/> as its problem document.</summary>
    public static RequestDelegate Handle(Func<HttpContext, Task> handler) => async context =>
    {
        try
        {
            await handler(context);
        }
        catch (ProblemException problem) when (!context.Response.HasStarted)
        {
            await WriteProblemAsync(context, problem);
        }
    };
}
