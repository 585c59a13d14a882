using Cordon.Execution;

namespace Cordon.Backends.JavaScript.Tests;

/// <summary>Script-chosen text reaches a result's detail and denials, which callers print as Cordon's own words.</summary>
public sealed class HostileTextTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    [Fact]
    public async Task An_error_message_cannot_drive_the_callers_terminal()
    {
        JavaScriptRunResult run = await fixture.Backend.RunSourceAsync(TestSupport.Policy(),
            """throw new Error("\u001b]52;c;aGk=\u0007 \u202egnp.exe \ue000\nnext");""", new SandboxCommand("hostile.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        string detail = run.Result.Detail ?? "";
        Assert.Contains("\\x1b]52;c;aGk=\\x07 \\u202egnp.exe \\ue000\\nnext", detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', detail);
        Assert.DoesNotContain('\u202e', detail);
        Assert.DoesNotContain('\n', detail);
    }

    [Fact]
    public async Task A_module_specifier_in_a_denial_is_escaped()
    {
        JavaScriptRunResult run = await fixture.Backend.RunSourceAsync(TestSupport.Policy(),
            """import("\u001b[2J\u2066fs").catch(() => console.log("refused"));""", new SandboxCommand("hostile.js"));
        string denial = Assert.Single(run.Denials, d => d.StartsWith("import ", StringComparison.Ordinal));
        Assert.Contains("'\\x1b[2J\\u2066fs'", denial, StringComparison.Ordinal);
    }
}
