using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cordon.Service.Tests;

/// <summary>
/// A real <c>cordon-serve</c> process on a free loopback port, with its own TMPDIR so that what it leaves behind (work
/// directories, the process tier's temporary files) can be checked after it stops.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private ServeProcess(Process process, Uri address, string temporary)
    {
        _process = process;
        Address = address;
        Temporary = temporary;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(3) };
    }

    public Uri Address { get; }
    public string Temporary { get; }
    public HttpClient Client { get; }
    public int Pid => _process.Id;
    public string Stderr => _stderr.ToString();

    /// <summary>The built executable: src/Cordon.Service/bin/CONFIG/TFM/cordon-serve, found from this test's output directory.</summary>
    public static string Executable
    {
        get
        {
            DirectoryInfo output = new(AppContext.BaseDirectory.TrimEnd('/'));
            DirectoryInfo root = output.Parent!.Parent!.Parent!.Parent!.Parent!;
            string path = Path.Combine(root.FullName, "src", "Cordon.Service", "bin", output.Parent.Name, output.Name, "cordon-serve");
            return File.Exists(path) ? path : throw new FileNotFoundException("build src/Cordon.Service first", path);
        }
    }

    public static async Task<ServeProcess> StartAsync(params string[] extra)
    {
        string temporary = Directory.CreateTempSubdirectory("cordon-serve-test-").FullName;
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--listen");
        start.ArgumentList.Add("127.0.0.1:0");
        foreach (string a in extra) start.ArgumentList.Add(a);
        start.Environment["TMPDIR"] = temporary;
        Process process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr) stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await process.WaitForExitAsync(timeout.Token);
                throw new InvalidOperationException($"cordon-serve exited {process.ExitCode} before listening: {stderr}");
            }

            Match m = Listening().Match(line);
            if (m.Success)
            {
                var serve = new ServeProcess(process, new Uri(m.Groups[1].Value), temporary);
                _ = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync() is not null)
                    {
                    }
                });
                return serve;
            }
        }
    }

    /// <summary>Runs cordon-serve with <paramref name="args"/> to completion (for the start-up refusals).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunToExitAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(string path, string json, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        HttpResponseMessage response = await Client.SendAsync(request);
        return ((int)response.StatusCode, await BodyAsync(response), response);
    }

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        HttpResponseMessage response = await Client.SendAsync(request);
        return ((int)response.StatusCode, await BodyAsync(response), response);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Stops the service with SIGTERM, as a service manager does, and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _process.WaitForExitAsync(timeout.Token);
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the service outright, as a crash or the OOM killer would: nothing of its own shutdown runs.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        using Process kill = Process.Start("kill", ["-KILL", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync();
    }

    /// <summary>What the stopped service left: files under its TMPDIR, run cgroups named after its pid.</summary>
    public IReadOnlyList<string> Leftovers() => LeftoversOf(Temporary, Pid);

    /// <summary>Files under <paramref name="temporary"/> and run cgroups of supervisor <paramref name="pid"/>.</summary>
    public static IReadOnlyList<string> LeftoversOf(string temporary, int pid)
    {
        // The gvisor tier keeps its runs under one directory per user, shared by every Cordon process of that user, so
        // it stays; only what is inside it would be a run's leftover.
        List<string> left = [.. Directory.EnumerateFileSystemEntries(temporary)
            .Where(e => !(Path.GetFileName(e).StartsWith("cordon-gvisor-", StringComparison.Ordinal) && Directory.Exists(e) && !Directory.EnumerateFileSystemEntries(e).Any()))];
        string prefix = $"cordon-{pid}-";
        var pending = new Queue<(string Path, int Depth)>();
        pending.Enqueue(("/sys/fs/cgroup", 0));
        while (pending.Count > 0)
        {
            (string dir, int depth) = pending.Dequeue();
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(dir).ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (string child in children)
            {
                if (Path.GetFileName(child).StartsWith(prefix, StringComparison.Ordinal)) left.Add(child);
                else if (depth < 5) pending.Enqueue((child, depth + 1));
            }
        }

        return left;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(Temporary, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();
}
