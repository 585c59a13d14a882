using System.Diagnostics;
using System.Text.Json;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;
using Cordon.PolicyFiles;

namespace Cordon.IntegrationTests.Profiles;

/// <summary>The policy commands of the cordon binary, run as real processes: run --policy/--profile, policy check/show, profiles, audit, doctor.</summary>
public class PolicyCliTests : SandboxTest
{
    private static readonly string Repository = CordonBinary.Repository;

    private static string Example(string name) => Path.Combine(Repository, "examples", name);

    private static async Task<(int Code, string Stdout, string Stderr)> CordonAsync(string? workingDirectory, bool asNobody, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "cordon.dll");
        ProcessStartInfo start;
        if (asNobody)
        {
            start = new ProcessStartInfo("setpriv");
            foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "DOTNET_NOLOGO=1", "dotnet", dll })
                start.ArgumentList.Add(a);
        }
        else
        {
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add(dll);
        }

        foreach (string a in args) start.ArgumentList.Add(a);
        start.RedirectStandardOutput = start.RedirectStandardError = start.RedirectStandardInput = true;
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static Task<(int Code, string Stdout, string Stderr)> CordonAsync(params string[] args) => CordonAsync(null, false, args);

    [Fact]
    public async Task Run_with_the_python_example_runs_a_script_from_the_current_directory()
    {
        string project = HostTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(project, "script.py"), "import os, sys\nprint('hello from', os.getcwd(), sys.flags.no_user_site)\n");
        File.SetUnixFileMode(Path.Combine(project, "script.py"), (UnixFileMode)0b110_100_100);
        var (code, stdout, stderr) = await CordonAsync(project, false, "run", "--policy", Example("python.toml"), "--", "python3", "script.py");
        Assert.True(code == 0, stderr);
        Assert.Equal("hello from /work 1\n", stdout);
    }

    [Fact]
    public async Task Run_with_a_profile_applies_it_and_flags_still_override_it()
    {
        var (code, stdout, stderr) = await CordonAsync("run", "--profile", "python", "--env", "EXTRA=yes", "--", "python3", "-c", "import os; print(os.environ['PYTHONNOUSERSITE'], os.environ['EXTRA'])");
        Assert.True(code == 0, stderr);
        Assert.Equal("1 yes\n", stdout);
        (code, _, stderr) = await CordonAsync("run", "--profile", "minimal", "--", "/bin/sh", "-c", "true");
        Assert.Equal(127, code); // minimal mounts no /bin
    }

    [Fact]
    public async Task A_typo_in_a_policy_key_is_reported_with_its_line_number()
    {
        string dir = HostTempDirectory();
        string file = Path.Combine(dir, "typo.toml");
        await File.WriteAllTextAsync(file, "extends = \"python\"\n\n[limits]\nmemroy = \"1G\"\n");
        var (code, stdout, stderr) = await CordonAsync(dir, false, "policy", "check", "typo.toml");
        Assert.Equal(1, code);
        Assert.Contains("typo.toml:4:1: limits.memroy: unknown key 'memroy' in [limits] (did you mean 'memory'?)", stderr);
        Assert.Contains("typo.toml: 1 error(s)", stdout);

        (code, _, stderr) = await CordonAsync(dir, false, "run", "--policy", "typo.toml", "--", "true");
        Assert.Equal(125, code);
        Assert.Contains("typo.toml:4:1", stderr);
    }

    [Fact]
    public async Task Policy_check_accepts_every_example_and_show_prints_a_policy_that_loads_back_equal()
    {
        string[] examples = [.. Directory.EnumerateFiles(Path.Combine(Repository, "examples"), "*.toml").Order(StringComparer.Ordinal)];
        var (code, stdout, stderr) = await CordonAsync(Repository, false, ["policy", "check", .. examples]);
        Assert.True(code == 0, stderr);
        // A tier may refuse an example the default tier accepts (the gvisor tier refuses risky.toml's host network): still ok.
        Assert.Equal(examples.Length, stdout.Split('\n').Count(l => (l.EndsWith(')') || l.Contains("); refused by the ", StringComparison.Ordinal)) && l.Contains(": ok (", StringComparison.Ordinal)));

        foreach (string example in examples)
        {
            (code, stdout, stderr) = await CordonAsync(Repository, false, "policy", "show", example);
            Assert.True(code == 0, stderr);
            SandboxPolicy loaded = PolicyFile.Load(example, new PolicyFileOptions { BaseDirectory = Repository });
            Assert.Equal(loaded, PolicyFile.Parse(stdout, "shown.toml"));
        }
    }

    [Fact]
    public async Task Profiles_lists_each_profile_on_one_line()
    {
        var (code, stdout, _) = await CordonAsync("profiles");
        Assert.Equal(0, code);
        foreach (string name in new[] { "minimal", "shell", "python", "node", "gcc" })
            Assert.Single(stdout.Split('\n'), l => l.StartsWith(name + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_of_a_risky_policy_fails_the_threshold_and_names_each_open_door()
    {
        var (code, stdout, _) = await CordonAsync(Repository, false, "audit", "examples/risky.toml", "--threshold", "5");
        Assert.Equal(1, code);
        foreach (string door in new[] { "network: host network", "mounts[0]: host /home", "env.AWS_SECRET_ACCESS_KEY", "env.DEPLOY_TOKEN", "limits.memory is unlimited", "limits.pids is unlimited", "workdir:" })
            Assert.Contains(door, stdout);
        Assert.Contains("Above the threshold 5.0", stdout);

        (code, stdout, _) = await CordonAsync(Repository, false, "audit", "--json", "examples/risky.toml", "--threshold", "5");
        Assert.Equal(1, code);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("score").GetDouble() > 5);
        Assert.True(json.RootElement.GetProperty("exceeded").GetBoolean());
    }

    [Fact]
    public async Task Audit_passes_a_tight_policy_and_refuses_bad_input()
    {
        var (code, stdout, _) = await CordonAsync(Repository, false, "audit", "--json", "examples/allowlist.toml", "--threshold", "5");
        Assert.Equal(0, code);
        using (JsonDocument json = JsonDocument.Parse(stdout)) Assert.True(json.RootElement.GetProperty("score").GetDouble() <= 5);
        (code, _, string stderr) = await CordonAsync("audit", "pyhton");
        Assert.Equal(125, code); // usage errors are 125 in every command
        Assert.Contains("unknown profile 'pyhton'", stderr);
        (code, _, _) = await CordonAsync("audit", "minimal", "--threshold", "eleven");
        Assert.Equal(125, code);
    }

    private static void AssertDoctorReport(int code, string stdout, string stderr)
    {
        using JsonDocument json = JsonDocument.Parse(stdout);
        bool enforced = json.RootElement.GetProperty("defaultPolicyEnforced").GetBoolean();
        Assert.True(code == (enforced ? 0 : 1), $"exit {code} but defaultPolicyEnforced={enforced}; {stderr}");
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("layer").GetString()!);
        foreach (string layer in new[] { "bubblewrap", "launcher", "user-namespaces", "seccomp", "landlock", "cgroups", "privileges", "default policy", "container", "microvm tier (planned)", "process tier", "wasm tier", "js tier", "gvisor tier" })
            Assert.True(checks.ContainsKey(layer), "doctor has no row for " + layer);
        foreach (JsonElement check in checks.Values)
        {
            string status = check.GetProperty("status").GetString()!;
            Assert.Contains(status, new[] { "available", "degraded", "missing", "info" });
            if (status is "degraded" or "missing") Assert.False(string.IsNullOrEmpty(check.GetProperty("fix").GetString()), check.GetProperty("layer").GetString());
        }

        Assert.Equal("available", checks["bubblewrap"].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Doctor_on_this_machine_reports_every_layer_and_exits_by_the_default_policy()
    {
        var (code, stdout, stderr) = await CordonAsync("doctor", "--json");
        AssertDoctorReport(code, stdout, stderr);
        if (Environment.GetEnvironmentVariable("CORDON_REQUIRE_ISOLATION") == "1" && Environment.UserName == "root")
            Assert.Equal(0, code); // CI runs as root on a host where every layer is expected

        (code, stdout, _) = await CordonAsync("doctor");
        Assert.Contains("LAYER", stdout);
        Assert.Contains(code == 0 ? "The default policy is fully enforced on this host." : "NOT fully enforced", stdout);
    }

    [Fact]
    public async Task Doctor_as_an_unprivileged_user_names_what_it_cannot_enforce()
    {
        if (Environment.UserName != "root") return; // setpriv needs root; an unprivileged run of the suite is itself this case
        var (code, stdout, stderr) = await CordonAsync(null, asNobody: true, "doctor", "--json");
        AssertDoctorReport(code, stdout, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(65534, json.RootElement.GetProperty("uid").GetInt32());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("layer").GetString()!);
        Assert.Contains("rootless (uid 65534)", checks["privileges"].GetProperty("detail").GetString());
        Assert.Equal("available", checks["user-namespaces"].GetProperty("status").GetString());
        if (checks["cgroups"].GetProperty("status").GetString() == "degraded")
        {
            Assert.Equal(1, code);
            Assert.Contains("delegated cgroup v2", checks["cgroups"].GetProperty("fix").GetString());
        }

        (code, stdout, _) = await CordonAsync(null, asNobody: true, "doctor");
        Assert.Contains(code == 0 ? "fully enforced" : "NOT fully enforced", stdout);
    }
}
