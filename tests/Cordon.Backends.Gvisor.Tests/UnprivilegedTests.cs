using System.Diagnostics;
using System.Text.Json;

namespace Cordon.Backends.Gvisor.Tests;

/// <summary>runsc runs rootless as an unprivileged user too: the CLI, dropped to nobody with setpriv, runs the tier.</summary>
public sealed class UnprivilegedTests
{
    [Fact]
    public async Task The_cli_runs_the_gvisor_tier_as_nobody()
    {
        if (Environment.UserName != "root") return; // setpriv needs root; an unprivileged run of the suite is itself this case
        string cordon = Path.Combine(AppContext.BaseDirectory, "cordon.dll");
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "TMPDIR=/tmp",
                     "dotnet", cordon, "run", "--tier", "gvisor", "--json", "--", "sh", "-c", "uname -r; id -u; cat /etc/shadow" })
            start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        using JsonDocument doc = JsonDocument.Parse(stdout.Length > 0 ? stdout : throw new InvalidOperationException(await stderr));
        Assert.Equal("gvisor", doc.RootElement.GetProperty("tier").GetString());
        Assert.Equal("4.4.0\n1000\n", doc.RootElement.GetProperty("stdout").GetString());
        Assert.Contains("No such file", doc.RootElement.GetProperty("stderr").GetString());
        Assert.Empty(Supervision.StrayProcesses.Find("cordon-gvisor-65534/"));
    }
}
