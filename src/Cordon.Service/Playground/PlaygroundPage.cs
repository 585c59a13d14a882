using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cordon.Service.Playground;

/// <summary>
/// The playground at <c>/</c> (only with <c>--playground</c> or <c>playground = true</c>): an editor that runs code
/// through this server's own API, so it needs the same key and gets the same limits as any client. Its page, script
/// and style sheet are the standalone playground's (src/Common/Playground), embedded in the executable; the script
/// finds which host served it.
/// </summary>
internal static class PlaygroundPage
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["playground.js"] = "text/javascript; charset=utf-8",
        ["playground.css"] = "text/css; charset=utf-8",
    };

    public static void Map(WebApplication app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html"));
        app.MapGet("/playground/{file}", (HttpContext context, string file) => Serve(context, file));
    }

    private static async Task Serve(HttpContext context, string file)
    {
        if (!Types.TryGetValue(file, out string? type) || file == "index.html" && context.Request.Path != "/")
        {
            await Api.Http.WriteProblemAsync(context, new Api.ProblemException(404, "not-found", "No such endpoint", $"the playground has no file '{(file.Length > 64 ? file[..64] : file)}'"));
            return;
        }

        await using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("playground/" + file)!;
        context.Response.ContentType = type;
        // The page talks to this origin only; nothing it shows can run as script.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        context.Response.Headers.CacheControl = "no-cache";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
