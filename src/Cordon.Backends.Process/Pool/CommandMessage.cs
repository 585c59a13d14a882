using System.Globalization;
using System.Text;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Backends.Process.Supervision;
using Cordon.Execution;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Pool;

/// <summary>
/// The one message a warm member's launcher waits for: a sealed memfd with the guest's working directory, argv and
/// environment and where each inherited descriptor goes, then stdin, stdout, stderr and the inherited descriptors
/// themselves, all in one <c>SCM_RIGHTS</c> message (native/launcher/command.c reads it).
/// </summary>
internal static class CommandMessage
{
    /// <summary>Sends the command; 0, or the errno (the member is then unusable and nothing of the command ran).</summary>
    public static int Send(SafeFileHandle socket, SandboxPolicy policy, SandboxCommand command, GuestStdio stdio, RunResources resources)
    {
        SafeFileHandle spec = resources.SealedFile("cordon-command", Spec(policy, command));
        List<int> fds = [Interop.FileDescriptors.Number(spec)];
        foreach (int guestFd in (int[])[0, 1, 2]) fds.Add(Interop.FileDescriptors.Number(stdio.ChildDescriptors.Single(d => d.Fd == guestFd).Handle));
        foreach (InheritedFile file in command.InheritedFiles) fds.Add(Interop.FileDescriptors.Number(file.Handle));
        return Interop.Libc.SendFds(socket, (byte)'C', [.. fds]);
    }

    /// <summary>The memfd's contents: NUL-terminated fields.</summary>
    internal static byte[] Spec(SandboxPolicy policy, SandboxCommand command)
    {
        var text = new StringBuilder("cordon-command/1\0");
        text.Append(command.WorkingDirectory ?? SandboxPolicy.WorkDirectoryGuestPath).Append('\0');
        text.Append((command.Arguments.Length + 1).ToString(CultureInfo.InvariantCulture)).Append('\0');
        text.Append(command.Program).Append('\0');
        foreach (string argument in command.Arguments) text.Append(argument).Append('\0');
        List<string> environment = Environment(policy);
        text.Append(environment.Count.ToString(CultureInfo.InvariantCulture)).Append('\0');
        foreach (string variable in environment) text.Append(variable).Append('\0');
        text.Append(command.InheritedFiles.Length.ToString(CultureInfo.InvariantCulture)).Append('\0');
        foreach (InheritedFile file in command.InheritedFiles) text.Append(file.GuestFd.ToString(CultureInfo.InvariantCulture)).Append('\0');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// The environment a cold run's bwrap builds (<c>--clearenv</c>, then each <c>--setenv</c> in order, a repeated
    /// name replacing the value in place), so the guest sees the same <c>environ</c> either way.
    /// </summary>
    internal static List<string> Environment(SandboxPolicy policy)
    {
        List<(string Name, string Value)> variables =
        [
            ("PATH", LaunchCommandLine.GuestPath), ("HOME", SandboxPolicy.WorkDirectoryGuestPath), ("LANG", "C.UTF-8"), ("LC_ALL", "C.UTF-8"),
        ];
        foreach ((string name, string value) in policy.Environment)
        {
            int at = variables.FindIndex(v => v.Name == name);
            if (at >= 0) variables[at] = (name, value);
            else variables.Add((name, value));
        }

        return [.. variables.Select(v => v.Name + "=" + v.Value)];
    }
}
