using Cordon.Errors;
using Cordon.Policy;
using Cordon.PolicyFiles;
using Cordon.PolicyFiles.Profiles;

public class Scratch
{
    [Fact]
    public void Dump()
    {
        foreach (var p in BuiltInProfiles.Profiles) { Console.WriteLine(p.Name + ": " + p.Summary); Console.WriteLine(PolicyFile.Format(p.Policy)); }
        bool ok = PolicyFile.TryParse("""
            extends = "pythn"
            [limits]
            memroy = "1G"
            time = true
            pids = 0
            [[mounts]]
            type = "ro"
            host = "/nope"
            guest = "rel/x"
            [[mounts]]
            type = "tmpfs"
            guest = "/proc"
            [syscalls]
            allow = ["read", "wrte", 3]
            """, "bad.toml", out _, out var errors);
        foreach (var e in errors) Console.WriteLine(e);
    }
}
