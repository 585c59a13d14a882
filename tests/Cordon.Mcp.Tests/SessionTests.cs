using System.Text.Json;
using Cordon.Mcp.Tests.Support;
using ModelContextProtocol;

namespace Cordon.Mcp.Tests;

/// <summary>Sessions: files persist between runs, move in and out as text or base64, stay inside their workspace, and end.</summary>
public sealed class SessionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private McpServerProcess Server => fixture.Server;

    private async Task<string> StartAsync() => (await Server.CallJsonAsync("session_start")).Str("sessionId");

    [Fact]
    public async Task Files_persist_between_runs_and_move_as_text_or_base64()
    {
        string id = await StartAsync();
        try
        {
            await Server.CallJsonAsync("write_file", new { session_id = id, path = "in/data.txt", content = "hello\n" });
            byte[] binary = [0, 1, 2, 0xFF, 0xFE, 10];
            await Server.CallJsonAsync("write_file", new { session_id = id, path = "blob.bin", content = Convert.ToBase64String(binary), encoding = "base64" });

            JsonElement first = (await Server.CallJsonAsync("session_run", new { session_id = id, runtime = "shell", code = "cat in/data.txt > out.txt; wc -c < blob.bin; printf '\\377\\000' > raw.bin" })).Result();
            Assert.Equal("6\n", first.Str("stdout"));
            JsonElement second = (await Server.CallJsonAsync("session_run", new { session_id = id, runtime = "python", code = "print(open('out.txt').read().upper(), end='')" })).Result();
            Assert.Equal("HELLO\n", second.Str("stdout"));

            JsonElement raw = await Server.CallJsonAsync("read_file", new { session_id = id, path = "raw.bin" });
            Assert.Equal("base64", raw.Str("encoding"));
            Assert.Equal(new byte[] { 0xFF, 0 }, Convert.FromBase64String(raw.Str("content")));
            JsonElement text = await Server.CallJsonAsync("read_file", new { session_id = id, path = "/work/out.txt" });
            Assert.Equal(("utf8", "hello\n"), (text.Str("encoding"), text.Str("content")));
            Assert.Contains("untrusted", text.Str("untrusted"), StringComparison.Ordinal);

            JsonElement list = await Server.CallJsonAsync("list_files", new { session_id = id });
            string[] paths = [.. list.GetProperty("files").EnumerateArray().Select(f => f.Str("path"))];
            Assert.Equal(["blob.bin", "in", "in/data.txt", "out.txt", "raw.bin"], paths.Order(StringComparer.Ordinal));
        }
        finally
        {
            await Server.CallJsonAsync("session_stop", new { session_id = id });
        }
    }

    [Fact]
    public async Task Links_and_fifos_the_guest_plants_are_never_followed_or_opened()
    {
        string id = await StartAsync();
        try
        {
            await Server.CallJsonAsync("session_run", new { session_id = id, runtime = "shell", code = "ln -s /etc/hostname host; mkdir d; ln -s /etc dir" });
            // The default ceiling refuses mknod, so the FIFO is planted from the host, as a guest under a wider policy could.
            string marker = $"marker-{Guid.NewGuid():N}";
            await Server.CallJsonAsync("write_file", new { session_id = id, path = marker, content = "" });
            string workspace = Directory.GetDirectories(Server.WorkRoot, "session-*").Single(d => File.Exists(Path.Combine(d, marker)));
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(workspace, "pipe")])) await mkfifo.WaitForExitAsync();
            foreach (string path in new[] { "host", "dir/passwd" })
            {
                var e = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("read_file", new { session_id = id, path }));
                Assert.Contains("'path'", e.Message, StringComparison.Ordinal);
                Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
            }

            var fifo = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("read_file", new { session_id = id, path = "pipe" }));
            Assert.Contains("FIFO", fifo.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Server.WorkRoot, fifo.Message, StringComparison.Ordinal);
            var write = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("write_file", new { session_id = id, path = "dir/evil", content = "x" }));
            Assert.Contains("symbolic link", write.Message, StringComparison.Ordinal);
            // Writing over the fifo replaces it instead of blocking on it.
            await Server.CallJsonAsync("write_file", new { session_id = id, path = "pipe", content = "now a file" });
            Assert.Equal("now a file", (await Server.CallJsonAsync("read_file", new { session_id = id, path = "pipe" })).Str("content"));
            Assert.True(File.Exists("/etc/hostname") && !File.Exists("/etc/evil"));
        }
        finally
        {
            await Server.CallJsonAsync("session_stop", new { session_id = id });
        }
    }

    [Fact]
    public async Task Content_limits_and_bad_encodings_name_the_field()
    {
        string id = await StartAsync();
        try
        {
            var big = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("write_file", new { session_id = id, path = "big", content = new string('x', 2 * 1024 * 1024) }));
            Assert.Contains("'content'", big.Message, StringComparison.Ordinal);
            var b64 = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("write_file", new { session_id = id, path = "b", content = "!!!", encoding = "base64" }));
            Assert.Contains("base64", b64.Message, StringComparison.Ordinal);
            var missing = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("read_file", new { session_id = id, path = "nope" }));
            Assert.Contains("'path'", missing.Message, StringComparison.Ordinal);
            await Server.CallJsonAsync("write_file", new { session_id = id, path = "ten", content = "0123456789" });
            JsonElement part = await Server.CallJsonAsync("read_file", new { session_id = id, path = "ten", max_bytes = 4 });
            Assert.Equal(("0123", true, 10L), (part.Str("content"), part.GetProperty("truncated").GetBoolean(), part.GetProperty("bytes").GetInt64()));
        }
        finally
        {
            await Server.CallJsonAsync("session_stop", new { session_id = id });
        }
    }

    [Fact]
    public async Task A_stopped_session_is_gone_and_its_workspace_deleted()
    {
        string id = await StartAsync();
        await Server.CallJsonAsync("write_file", new { session_id = id, path = "f", content = "x" });
        string[] before = Directory.GetDirectories(Server.WorkRoot, "session-*");
        Assert.NotEmpty(before);
        await Server.CallJsonAsync("session_stop", new { session_id = id });
        foreach ((string tool, object args) in new (string, object)[]
        {
            ("session_run", new { session_id = id, runtime = "shell", code = "true" }),
            ("read_file", new { session_id = id, path = "f" }),
            ("list_files", new { session_id = id }),
            ("session_stop", new { session_id = id }),
        })
        {
            var e = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync(tool, args));
            Assert.Contains("'session_id'", e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(before, d => Directory.Exists(d) && Directory.EnumerateFiles(d).Any(f => Path.GetFileName(f) == "f"));
    }
}
