using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cordon.Errors;
using Cordon.HostFiles;
using Cordon.Mcp.Sessions;
using Cordon.Policy;
using Cordon.PolicyFiles;
using Cordon.PolicyFiles.Audit;
using Cordon.Tiers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Cordon.Mcp.Tools;

/// <summary>Dispatches <c>tools/call</c>: reads the arguments strictly, runs the tool, and returns its typed result as both structured content and text.</summary>
internal sealed class CordonTools(ServerConfiguration configuration, TierRegistry tiers, SessionStore sessions)
{
    private static readonly FrozenSet<string> SessionOnly = FrozenSet.Create(StringComparer.Ordinal, "session_id");
    private static readonly FrozenSet<string> WriteFields = FrozenSet.Create(StringComparer.Ordinal, "session_id", "path", "content", "encoding");
    private static readonly FrozenSet<string> ReadFields = FrozenSet.Create(StringComparer.Ordinal, "session_id", "path", "max_bytes");
    private static readonly FrozenSet<string> AuditFields = FrozenSet.Create(StringComparer.Ordinal, "policy", "tier");
    private static readonly FrozenSet<string> NoFields = FrozenSet<string>.Empty;

    private readonly RunExecutor _runs = new(configuration, tiers);

    /// <summary>One <c>tools/call</c> by <paramref name="caller"/> (whose sessions, tiers and quota apply).</summary>
    public async ValueTask<CallToolResult> CallAsync(RequestContext<CallToolRequestParams> context, McpCaller caller, CancellationToken cancellationToken)
    {
        CallToolRequestParams call = context.Params ?? throw new McpProtocolException("tools/call needs params", McpErrorCode.InvalidParams);
        IDictionary<string, JsonElement>? values = call.Arguments;
        ProgressToken? progress = call.ProgressToken;
        try
        {
            CallToolResult result = call.Name switch
            {
                "run" => Reply(await RunAsync(new ToolArguments("run", values, RunRequest.RunFields), caller, context.Server, progress, cancellationToken).ConfigureAwait(false), McpJson.Default.RunToolResult),
                "session_start" => SessionStart(new ToolArguments("session_start", values, NoFields), caller),
                "session_run" => Reply(await SessionRunAsync(new ToolArguments("session_run", values, RunRequest.SessionRunFields), caller, context.Server, progress, cancellationToken).ConfigureAwait(false), McpJson.Default.RunToolResult),
                "session_stop" => await SessionStopAsync(new ToolArguments("session_stop", values, SessionOnly), caller).ConfigureAwait(false),
                "write_file" => await WriteFileAsync(new ToolArguments("write_file", values, WriteFields), caller, cancellationToken).ConfigureAwait(false),
                "read_file" => await ReadFileAsync(new ToolArguments("read_file", values, ReadFields), caller, cancellationToken).ConfigureAwait(false),
                "list_files" => await ListFilesAsync(new ToolArguments("list_files", values, SessionOnly), caller, cancellationToken).ConfigureAwait(false),
                "audit_policy" => Audit(new ToolArguments("audit_policy", values, AuditFields)),
                _ => throw new McpProtocolException($"unknown tool '{call.Name}'; tools/list names them: {string.Join(", ", ToolCatalog.All.Select(t => t.Name))}", McpErrorCode.InvalidParams),
            };
            // Runs log their own verdict line (outcome, reason, violations); the other tools log that they succeeded.
            if (call.Name is not ("run" or "session_run")) McpLog.Write($"{call.Name} by {caller.Owner} {(result.IsError == true ? "failed" : "ok")}");
            return result;
        }
        catch (McpProtocolException e)
        {
            McpLog.Write($"{call.Name} by {caller.Owner} refused: {e.Message}");
            throw;
        }
    }

    private async Task<RunToolResult> RunAsync(ToolArguments args, McpCaller caller, McpServer server, ProgressToken? progress, CancellationToken cancellationToken)
    {
        RunRequest request = RunRequest.Read(args, configuration);
        Workspace workspace = Workspace.Create(configuration.WorkRoot, "run-");
        try
        {
            return await _runs.RunAsync("run", args, request, workspace, caller, server, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            workspace.Delete();
        }
    }

    private CallToolResult SessionStart(ToolArguments args, McpCaller caller)
    {
        _ = args;
        Session session = sessions.Start("session_start", caller);
        return Reply(new SessionStarted(session.Id, SandboxPolicy.WorkDirectoryGuestPath, configuration.SessionMaxBytes, configuration.SessionIdle.TotalSeconds), McpJson.Default.SessionStarted);
    }

    private async Task<RunToolResult> SessionRunAsync(ToolArguments args, McpCaller caller, McpServer server, ProgressToken? progress, CancellationToken cancellationToken)
    {
        string id = args.RequiredString("session_id");
        RunRequest request = RunRequest.Read(args, configuration);
        using SessionLease lease = await sessions.AcquireAsync("session_run", id, caller, cancellationToken).ConfigureAwait(false);
        Workspace workspace = lease.Session.Workspace;
        long room = configuration.SessionMaxBytes - workspace.Size();
        if (room <= 0) throw args.Invalid("session_id", $"the session's workspace is full ({Units.ByteSize.Format(configuration.SessionMaxBytes)}); delete files with a run, or start a new session");
        // No single file the run writes may be larger than the room left.
        if (request.Policy.Build().Limits.FileSizeBytes is not { } fsize || fsize > room) request.Policy.WithFileSize(room);
        RunToolResult result = await _runs.RunAsync("session_run", args, request, workspace, caller, server, progress, cancellationToken).ConfigureAwait(false);
        long size = workspace.Size();
        if (size > configuration.SessionMaxBytes)
        {
            EndOverflowing(lease.Session);
            result = result with { Explanations = result.Explanations.Add($"the session's workspace grew to {Units.ByteSize.Format(size)}, over its {Units.ByteSize.Format(configuration.SessionMaxBytes)} bound: the session was stopped and its files deleted; start a new session and write less") };
        }

        return result with { SessionId = id };
    }

    /// <summary>Ends a session whose run grew its workspace past the bound: it refuses every call from now on, and its files go.</summary>
    private void EndOverflowing(Session session)
    {
        session.Stopped = true;
        session.Workspace.Delete();
        // The caller holds the session's lock; the store forgets it once that is released.
        _ = Task.Run(() => sessions.StopAsync(session.Id));
    }

    private async Task<CallToolResult> SessionStopAsync(ToolArguments args, McpCaller caller)
    {
        string id = args.RequiredString("session_id");
        if (!await sessions.StopAsync(id, caller).ConfigureAwait(false)) throw args.Invalid("session_id", "there is no such session (already stopped or expired)");
        return Reply(new SessionStopped(id, true), McpJson.Default.SessionStopped);
    }

    private async Task<CallToolResult> WriteFileAsync(ToolArguments args, McpCaller caller, CancellationToken cancellationToken)
    {
        string id = args.RequiredString("session_id");
        string path = args.RequiredString("path");
        string content = args.RequiredString("content");
        string encoding = args.Choice("encoding", "utf8", "base64") ?? "utf8";
        byte[] bytes;
        if (encoding == "base64")
        {
            if (content.Length / 4 * 3 > configuration.MaxFileBytes + 3) throw args.Invalid("content", $"is larger than {Units.ByteSize.Format(configuration.MaxFileBytes)}");
            try
            {
                bytes = Convert.FromBase64String(content);
            }
            catch (FormatException)
            {
                throw args.Invalid("content", "is not valid base64 (encoding is base64)");
            }
        }
        else bytes = Encoding.UTF8.GetBytes(content);

        if (bytes.Length > configuration.MaxFileBytes) throw args.Invalid("content", $"is {bytes.Length} bytes; one file may be at most {Units.ByteSize.Format(configuration.MaxFileBytes)}");
        using SessionLease lease = await sessions.AcquireAsync("write_file", id, caller, cancellationToken).ConfigureAwait(false);
        Workspace workspace = lease.Session.Workspace;
        if (!workspace.TryResolve(path, forWriting: true, out string hostPath, out string problem)) throw args.Invalid("path", problem);
        long existing = File.Exists(hostPath) ? new FileInfo(hostPath).Length : 0;
        long after = workspace.Size() - existing + bytes.Length;
        if (after > configuration.SessionMaxBytes)
            throw args.Invalid("content", $"would bring the workspace to {Units.ByteSize.Format(after)}, over its {Units.ByteSize.Format(configuration.SessionMaxBytes)} bound; delete files first");
        await Workspace.WriteAsync(hostPath, bytes, cancellationToken).ConfigureAwait(false);
        return Reply(new FileWritten(path, bytes.Length, after), McpJson.Default.FileWritten);
    }

    private async Task<CallToolResult> ReadFileAsync(ToolArguments args, McpCaller caller, CancellationToken cancellationToken)
    {
        string id = args.RequiredString("session_id");
        string path = args.RequiredString("path");
        long max = args.Integer("max_bytes", 1, configuration.MaxFileBytes) ?? configuration.MaxFileBytes;
        using SessionLease lease = await sessions.AcquireAsync("read_file", id, caller, cancellationToken).ConfigureAwait(false);
        if (!lease.Session.Workspace.TryResolve(path, forWriting: false, out string hostPath, out string problem)) throw args.Invalid("path", problem);
        OpenedHostPath opened;
        try
        {
            // Regular files only, no link in any component, never blocking on a FIFO the guest left.
            opened = HostPath.OpenFile(hostPath, "read_file");
        }
        catch (SandboxSetupException e)
        {
            // Name the path as the caller gave it, not by the server's own directory.
            throw args.Invalid("path", e.Message.Replace(hostPath, path, StringComparison.Ordinal));
        }

        using Microsoft.Win32.SafeHandles.SafeFileHandle handle = opened.Handle;
        long length = RandomAccess.GetLength(handle);
        byte[] buffer = new byte[Math.Min(length, max)];
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(total), total, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }

        if (total < buffer.Length) buffer = buffer[..total];
        bool text = System.Text.Unicode.Utf8.IsValid(buffer);
        return Reply(new FileRead(path, length, text ? "utf8" : "base64", text ? Encoding.UTF8.GetString(buffer) : Convert.ToBase64String(buffer), length > buffer.Length, RunExecutor.UntrustedNote), McpJson.Default.FileRead);
    }

    private async Task<CallToolResult> ListFilesAsync(ToolArguments args, McpCaller caller, CancellationToken cancellationToken)
    {
        string id = args.RequiredString("session_id");
        using SessionLease lease = await sessions.AcquireAsync("list_files", id, caller, cancellationToken).ConfigureAwait(false);
        (ImmutableArray<FileEntry> entries, bool truncated) = lease.Session.Workspace.List();
        return Reply(new FileList(entries, lease.Session.Workspace.Size(), configuration.SessionMaxBytes, truncated), McpJson.Default.FileList);
    }

    private CallToolResult Audit(ToolArguments args)
    {
        string toml = args.RequiredString("policy");
        string tier = args.Choice("tier", "process", "js") ?? "process";
        if (toml.Length > 256 * 1024) throw args.Invalid("policy", "is longer than 256K characters");
        // A proposed policy is audited, never run; `extends` may name a built-in profile, and a file path resolves in an empty directory of the server, never in its working directory.
        var options = new PolicyFileOptions { BaseDirectory = configuration.AuditDirectory };
        if (!PolicyFile.TryParse(toml, "policy.toml", out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors, options))
        {
            return Reply(new AuditResult(false, null, null, [], [.. errors.Select(e => $"{e.Key}: {e.Message}")]), McpJson.Default.AuditResult, isError: true);
        }

        AuditReport report = tier == "js" ? PolicyAudit.AuditJavaScriptTier(policy, contained: false) : PolicyAudit.Audit(policy);
        return Reply(new AuditResult(true, report.Score, report.Rating,
            [.. report.Dimensions.Select(d => new AuditDimensionResult(d.Name, Math.Round(d.Exposure, 1),
                [.. d.Findings.Select(f => new AuditFindingResult(f.Id, f.Severity.ToString().ToLowerInvariant(), f.Key, f.Title, f.Why, f.Fix))]))], []),
            McpJson.Default.AuditResult);
    }

    private static CallToolResult Reply<T>(T value, JsonTypeInfo<T> type, bool isError = false)
    {
        JsonElement structured = JsonSerializer.SerializeToElement(value, type);
        return new CallToolResult
        {
            StructuredContent = structured,
            Content = [new TextContentBlock { Text = structured.GetRawText() }],
            IsError = isError,
        };
    }
}
