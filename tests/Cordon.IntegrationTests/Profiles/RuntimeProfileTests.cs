using System.Diagnostics;
using System.Text;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;
using Cordon.PolicyFiles;

namespace Cordon.IntegrationTests.Profiles;

/// <summary>Each built-in profile runs a real program, and one hostile probe shows what the profile does not grant.</summary>
public class RuntimeProfileTests : SandboxTest
{
    private static SandboxPolicy Profile(string name, Func<SandboxPolicyBuilder, SandboxPolicyBuilder>? more = null)
    {
        SandboxPolicy policy = PolicyFile.LoadReference(name);
        return more is null ? policy : more(new SandboxPolicyBuilder(policy)).Build();
    }

    private static Task<SandboxResult> RunAsync(SandboxPolicy policy, string stdin, string program, params string[] args)
        => Sandbox.RunAsync(policy, new SandboxCommand(program, args) { StandardInput = Encoding.UTF8.GetBytes(stdin) });

    /// <summary>Compiles C on the host (the unprivileged sandbox user must be able to read and run the result).</summary>
    private string CompileStatic(string source)
    {
        string dir = HostTempDirectory();
        File.WriteAllText(Path.Combine(dir, "p.c"), source);
        var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O2", "-static", "-o", Path.Combine(dir, "p"), Path.Combine(dir, "p.c")]) { RedirectStandardError = true })!;
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, "gcc -static failed (libc6-dev installed?): " + errors);
        return Path.Combine(dir, "p");
    }

    private const string Greeter = """
        #include <stdio.h>
        int main(void) { char name[64]; if (!fgets(name, sizeof name, stdin)) return 1; printf("hello, %s", name); return 0; }
        """;

    [Fact]
    public async Task Minimal_runs_a_static_binary_with_nothing_else_mounted()
    {
        string binary = CompileStatic(Greeter);
        SandboxResult r = await RunAsync(Profile("minimal", b => b.MountReadOnly(binary, "/prog")), "judge\n", "/prog");
        AssertExited(r);
        Assert.Equal("hello, judge\n", Stdout(r));
    }

    [Fact]
    public async Task Minimal_kills_a_binary_that_tries_to_open_a_file()
    {
        string binary = CompileStatic("""
            #include <fcntl.h>
            #include <unistd.h>
            int main(void) {
                write(1, "started\n", 8);
                int fd = open("/etc/passwd", O_RDONLY);
                char buf[256]; int n = fd >= 0 ? read(fd, buf, sizeof buf) : 0;
                if (n > 0) write(1, buf, n);
                write(1, "survived\n", 9);
                return 0;
            }
            """);
        SandboxResult r = await RunAsync(Profile("minimal", b => b.MountReadOnly(binary, "/prog")), "", "/prog");
        Assert.Equal(SandboxOutcome.SyscallDenied, r.Outcome);
        Assert.Equal("started\n", Stdout(r));
        Assert.Contains(r.Violations, v => v.Syscall is "openat" or "open");
    }

    [Fact]
    public async Task Shell_runs_coreutils_pipelines()
    {
        SandboxResult r = await RunAsync(Profile("shell"), "b\na\n", "/bin/sh", "-c", "sort | tr a-z A-Z; echo $((6 * 7)); ls /usr/bin | wc -l | tr -d ' ' | grep -qv '^0$' && echo listed");
        AssertExited(r);
        Assert.Equal("A\nB\n42\nlisted\n", Stdout(r));
    }

    [Fact]
    public async Task Shell_does_not_grant_host_secrets_or_writes_to_system_dirs()
    {
        SandboxResult r = await RunAsync(Profile("shell"), "", "/bin/sh", "-c",
            "for p in /etc/shadow /root /home /var/run/docker.sock; do [ -e $p ] && echo VISIBLE $p || echo absent $p; done; touch /usr/cordon-evil 2>&1 || echo refused write");
        AssertExited(r);
        Assert.DoesNotContain("VISIBLE", Stdout(r));
        Assert.Contains("absent /etc/shadow", Stdout(r));
        Assert.Contains("refused write", Stdout(r));
        Assert.False(File.Exists("/usr/cordon-evil"));
    }

    [Fact]
    public async Task Python_runs_the_standard_library()
    {
        SandboxResult r = await RunAsync(Profile("python"), "", "python3", "-c", """
            import hashlib, json, re, threading, sqlite3
            out = []
            t = threading.Thread(target=lambda: out.append(hashlib.sha256(b"cordon").hexdigest()[:12])); t.start(); t.join()
            db = sqlite3.connect(":memory:"); db.execute("create table t(x)"); db.execute("insert into t values (7)")
            print(json.dumps({"sha": out[0], "re": bool(re.match(r"c\w+", "cordon")), "db": db.execute("select x from t").fetchone()[0]}))
            """);
        AssertExited(r);
        Assert.Equal("{\"sha\": \"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("cordon"u8))[..12] + "\", \"re\": true, \"db\": 7}\n", Stdout(r));
    }

    [Fact]
    public async Task Python_gets_no_user_site_packages_no_host_files_and_no_network()
    {
        string dir = HostTempDirectory();
        string secret = Path.Combine(dir, "token.txt");
        await File.WriteAllTextAsync(secret, "PYTHON-CANARY");
        SandboxResult r = await RunAsync(Profile("python"), "", "python3", "-c", $$"""
            import os, site, socket, sys
            print("no_user_site", sys.flags.no_user_site, site.ENABLE_USER_SITE)
            print("foreign paths", [p for p in sys.path if p and not p.startswith(("/usr/lib/python3", "/usr/local/lib/python3", "/work"))])
            for p in ["{{secret}}", os.path.expanduser("~/.local/lib"), "/root", "/home"]:
                print("VISIBLE" if os.path.exists(p) else "absent", p)
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=2); print("CONNECTED")
            except OSError as e:
                print("no network", type(e).__name__)
            """);
        AssertExited(r);
        Assert.Contains("no_user_site 1 False", Stdout(r));
        Assert.Contains("foreign paths []", Stdout(r));
        Assert.DoesNotContain("VISIBLE", Stdout(r));
        Assert.DoesNotContain("CONNECTED", Stdout(r));
        Assert.Contains("no network", Stdout(r));
        Assert.Contains(r.Violations, v => v.Syscall == "socket");
    }

    [Fact]
    public async Task Node_runs_a_script()
    {
        SandboxResult r = await RunAsync(Profile("node"), "", "node", "-e",
            "const c = require('crypto'); console.log(JSON.stringify({ sum: [1, 2, 3].map(x => x * 2).reduce((a, b) => a + b), id: c.createHash('sha1').update('x').digest('hex').slice(0, 6) }))");
        AssertExited(r);
        Assert.Equal("{\"sum\":12,\"id\":\"11f6ad\"}\n", Stdout(r));
    }

    [Fact]
    public async Task Node_does_not_grant_host_files_writes_or_network()
    {
        SandboxResult r = await RunAsync(Profile("node"), "", "node", "-e", """
            const fs = require('fs'), net = require('net');
            for (const p of ['/etc/shadow', '/root', '/home']) { try { fs.statSync(p); console.log('VISIBLE', p); } catch (e) { console.log('absent', p, e.code); } }
            try { fs.writeFileSync('/usr/cordon-evil', 'x'); console.log('WROTE'); } catch (e) { console.log('refused write', e.code); }
            const s = net.connect({ host: '1.1.1.1', port: 80 });
            s.on('connect', () => { console.log('CONNECTED'); process.exit(0); });
            s.on('error', e => { console.log('no network', e.code); process.exit(0); });
            setTimeout(() => { console.log('no network', 'timeout'); process.exit(0); }, 5000);
            """);
        AssertExited(r);
        Assert.DoesNotContain("VISIBLE", Stdout(r));
        Assert.Contains("refused write", Stdout(r));
        Assert.Contains("no network", Stdout(r));
        Assert.DoesNotContain("CONNECTED", Stdout(r));
        Assert.False(File.Exists("/usr/cordon-evil"));
    }

    [Fact]
    public async Task Gcc_compiles_in_the_work_dir_and_minimal_runs_the_result_the_judge_pattern()
    {
        string job = HostTempDirectory(worldWritable: true);
        await File.WriteAllTextAsync(Path.Combine(job, "prog.c"), Greeter);
        SandboxResult compile = await RunAsync(Profile("gcc", b => b.WithWorkDirectory(job)), "", "gcc", "-O2", "-static", "-o", "prog", "prog.c");
        AssertExited(compile);
        Assert.True(File.Exists(Path.Combine(job, "prog")));

        SandboxResult run = await RunAsync(Profile("minimal", b => b.MountReadOnly(Path.Combine(job, "prog"), "/prog")), "world\n", "/prog");
        AssertExited(run);
        Assert.Equal("hello, world\n", Stdout(run));
    }

    [Fact]
    public async Task Gcc_cannot_include_host_secrets_and_its_output_cannot_spawn_a_shell_under_minimal()
    {
        string job = HostTempDirectory(worldWritable: true);
        await File.WriteAllTextAsync(Path.Combine(job, "steal.c"), "#include \"/etc/shadow\"\nint main(void) { return 0; }\n");
        SandboxResult steal = await RunAsync(Profile("gcc", b => b.WithWorkDirectory(job)), "", "gcc", "-o", "steal", "steal.c");
        Assert.Equal(SandboxOutcome.Exited, steal.Outcome);
        Assert.NotEqual(0, steal.ExitCode);
        Assert.Contains("/etc/shadow: No such file or directory", Stderr(steal));

        await File.WriteAllTextAsync(Path.Combine(job, "shell.c"), "#include <stdlib.h>\n#include <stdio.h>\nint main(void) { puts(\"before\"); fflush(stdout); return system(\"id\"); }\n");
        AssertExited(await RunAsync(Profile("gcc", b => b.WithWorkDirectory(job)), "", "gcc", "-static", "-o", "shell", "shell.c"));
        SandboxResult shell = await RunAsync(Profile("minimal", b => b.MountReadOnly(Path.Combine(job, "shell"), "/prog")), "", "/prog");
        Assert.Equal(SandboxOutcome.SyscallDenied, shell.Outcome);
        Assert.Equal("before\n", Stdout(shell));
        Assert.DoesNotContain("uid=", Stdout(shell));
    }
}
