using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cordon.Service.Tests;

/// <summary>The OpenAPI document matches the routes the service maps, both ways; the playground is served only when enabled.</summary>
public sealed partial class OpenApiTests
{
    private static readonly string[] Methods = ["get", "post", "delete", "put", "patch"];

    /// <summary>src/Cordon.Service, found from this test's output directory.</summary>
    private static string ServiceSource => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Cordon.Service"));

    [GeneratedRegex("""app\.Map(Get|Post|Delete|Put|Patch)\(\s*"([^"]+)"\s*,""")]
    private static partial Regex MapCall();

    /// <summary>Every route the service's code maps, as "METHOD path". The MCP endpoint is described by its own protocol, not here.</summary>
    private static SortedSet<string> MappedRoutes()
    {
        SortedSet<string> routes = new(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(ServiceSource, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(ServiceSource, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("Mcp", StringComparison.Ordinal)) continue;
            foreach (Match m in MapCall().Matches(File.ReadAllText(file))) routes.Add($"{m.Groups[1].Value.ToUpperInvariant()} {m.Groups[2].Value}");
        }

        return routes;
    }

    private static SortedSet<string> DocumentedRoutes(JsonElement document)
    {
        SortedSet<string> routes = new(StringComparer.Ordinal);
        foreach (JsonProperty path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (JsonProperty operation in path.Value.EnumerateObject())
            {
                if (Methods.Contains(operation.Name)) routes.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
            }
        }

        return routes;
    }

    [Fact]
    public async Task The_document_lists_exactly_the_mapped_routes_and_each_one_answers()
    {
        await using ServeProcess serve = await ServeProcess.StartAsync("--playground");
        var (status, document, response) = await serve.SendAsync(HttpMethod.Get, "/v1/openapi.json");
        Assert.Equal(200, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);

        SortedSet<string> mapped = MappedRoutes(), documented = DocumentedRoutes(document);
        Assert.True(mapped.Count >= 10, string.Join(", ", mapped));
        Assert.Equal(mapped, documented);

        // Each documented operation reaches its endpoint, not the fallback that answers unknown routes.
        foreach (string route in documented)
        {
            string[] parts = route.Split(' ');
            string path = parts[1].Replace("{id}", new string('a', 32), StringComparison.Ordinal).Replace("{file}", "playground.js", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(parts[0]), path);
            if (parts[0] == "POST") request.Content = ServeProcess.Json("{}");
            using HttpResponseMessage answer = await serve.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.NotEqual(405, (int)answer.StatusCode);
            if ((int)answer.StatusCode == 404)
            {
                string body = await answer.Content.ReadAsStringAsync();
                Assert.DoesNotContain("see /v1/openapi.json", body, StringComparison.Ordinal);
            }
        }

        Assert.Equal(0, await serve.StopAsync());
    }

    [Fact]
    public async Task The_playground_is_served_only_when_enabled()
    {
        await using ServeProcess off = await ServeProcess.StartAsync();
        var (status, problem, _) = await off.SendAsync(HttpMethod.Get, "/");
        Assert.Equal(404, status);
        Assert.Equal("urn:cordon:problem:not-found", problem.GetProperty("type").GetString());
        Assert.Equal(0, await off.StopAsync());

        await using ServeProcess on = await ServeProcess.StartAsync("--playground");
        using HttpResponseMessage page = await on.Client.GetAsync("/");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("/playground/playground.js", html, StringComparison.Ordinal);
        // One page for both playgrounds: the service serves the standalone playground's files as they are.
        string shared = Path.Combine(ServiceSource, "..", "Common", "Playground");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(shared, "index.html")), html);
        foreach (string file in new[] { "playground.js", "playground.css" })
        {
            using HttpResponseMessage asset = await on.Client.GetAsync("/playground/" + file);
            Assert.Equal(200, (int)asset.StatusCode);
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(shared, file)), await asset.Content.ReadAsStringAsync());
        }

        Assert.Equal(404, (int)(await on.Client.GetAsync("/playground/index.html")).StatusCode);
        Assert.Equal(404, (int)(await on.Client.GetAsync("/playground/..%2fopenapi.json")).StatusCode);
        Assert.Equal(0, await on.StopAsync());
    }
}
