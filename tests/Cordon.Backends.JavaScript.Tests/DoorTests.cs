using System.Text.Json;
using Cordon.Execution;

namespace Cordon.Backends.JavaScript.Tests;

/// <summary>Deny by default: no door of Node or the browser exists, and every try is recorded by name.</summary>
public sealed class DoorTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    [Fact]
    public async Task Every_node_and_browser_door_is_missing_and_named_as_a_denial()
    {
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("doors.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        using JsonDocument doc = JsonDocument.Parse(run.Result.Stdout());
        foreach (string door in (string[])["require", "process", "fetch", "XMLHttpRequest", "WebSocket", "WebAssembly", "setTimeout", "Deno", "document", "readFile", "importScripts"])
        {
            string got = doc.RootElement.GetProperty(door).GetString()!;
            Assert.True(got.StartsWith("ReferenceError: ", StringComparison.Ordinal), $"{door}: {got}");
            Assert.Contains(run.Denials, d => d.StartsWith(door + ": not defined", StringComparison.Ordinal));
        }

        Assert.StartsWith("rejected with string: Could not load module", doc.RootElement.GetProperty("import").GetString(), StringComparison.Ordinal);
        Assert.Contains(run.Denials, d => d.StartsWith("import 'fs': refused", StringComparison.Ordinal));
        Assert.Equal("require=undefined process=undefined fetch=undefined XMLHttpRequest=undefined WebAssembly=undefined setTimeout=undefined Deno=undefined window=undefined document=undefined navigator=undefined globalThis.ShadowRealm=undefined",
            doc.RootElement.GetProperty("typeofs").GetString());
    }

    [Fact]
    public async Task Prototype_pollution_of_the_handed_in_objects_reaches_nothing_of_the_host()
    {
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("prototype-pollution.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        string[] lines = run.Result.Stdout().TrimEnd('\n').Split('\n');
        Dictionary<string, string> found = lines.Where(l => l.Contains(": ", StringComparison.Ordinal) && !l.StartsWith('{'))
            .Select(l => l.Split(": ", 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
        Assert.Equal("true", found["console.log.constructor"]);          // the script's own Function, nothing of the host
        Assert.Equal("undefined", found["Function(\"return this\")().System"]);
        Assert.Equal("ReferenceError", found["console.log.constructor(\"return process\")()"]);
        Assert.Equal("ReferenceError", found["console.constructor.constructor(\"return importNamespace\")()"]);
        Assert.Equal("undefined", found["console.log.GetType"]);
        Assert.Equal("TypeError", found["args.push"]);                   // frozen
        Assert.Equal("[object Null]", found["env.__proto__"]);
        Assert.Equal("TypeError", found["env.PATH = /evil"]);
        Assert.Equal("TypeError", found["console.log = evil"]);
        Assert.Equal("TypeError", found["delete console.log"]);
        Assert.Equal("ReferenceError", found["clr"]);
        Assert.Equal("ReferenceError", found["importNamespace"]);
        Assert.Equal("ReferenceError", found["System"]);
        Assert.Equal("printed", found["console.log(cyclic)"]);
        Assert.Equal("printed", found["console.log(throwing getter)"]);
    }
}
