using Cordon.Execution;

namespace Cordon.Backends.JavaScript.Tests;

public sealed class HelloTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    [Fact]
    public async Task Hello_prints_its_arguments_and_exits_zero()
    {
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("hello.js", "Ada", "Lovelace"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Equal("hello, Ada Lovelace, from a script with no require\n2 ** 64 = 18446744073709551616\n", run.Result.Stdout());
        Assert.Empty(run.Denials);
    }

    [Fact]
    public async Task Env_is_exactly_the_policy_environment()
    {
        JavaScriptRunResult run = await fixture.Backend.RunSourceAsync(TestSupport.Policy(b => b.SetEnvironment("GREETING", "hi")),
            "console.log(JSON.stringify(Object.keys(env)), env.GREETING, Object.getPrototypeOf(env), Object.isFrozen(env))", new SandboxCommand("env.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("[\"GREETING\"] hi null true\n", run.Result.Stdout());
    }

    [Fact]
    public async Task An_uncaught_error_exits_one_with_the_error_on_stderr()
    {
        JavaScriptRunResult run = await fixture.Backend.RunSourceAsync(TestSupport.Policy(), "function f() { null.x; }\nf();", new SandboxCommand("boom.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(1, run.Result.ExitCode);
        Assert.Equal("TypeError", run.ErrorName);
        Assert.StartsWith("Uncaught TypeError: ", run.Result.Stderr(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_exits_one_and_names_it()
    {
        JavaScriptRunResult run = await fixture.Backend.RunSourceAsync(TestSupport.Policy(), "let = = 1;", new SandboxCommand("bad.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(1, run.Result.ExitCode);
        Assert.Equal("SyntaxError", run.ErrorName);
    }

    [Fact]
    public async Task A_missing_script_is_exec_failed()
    {
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("no-such-script.js"));
        run.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Contains("does not exist", run.Result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdin_is_refused_with_a_precise_error()
    {
        var error = await Assert.ThrowsAsync<Cordon.Errors.SandboxSetupException>(() => fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(),
            TestSupport.Command("hello.js") with { StandardInput = new byte[] { 1 } }));
        Assert.Contains("no stdin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_one_run_does_to_the_standard_library_is_seen_by_the_next()
    {
        await fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("prototype-pollution.js"));
        JavaScriptRunResult clean = await fixture.Backend.RunSourceAsync(TestSupport.Policy(),
            "console.log(typeof Object.prototype.polluted, [1, 2].join('-'), typeof Object.prototype.toJSON)", new SandboxCommand("clean.js"));
        Assert.Equal("undefined 1-2 undefined\n", clean.Result.Stdout());
    }
}
