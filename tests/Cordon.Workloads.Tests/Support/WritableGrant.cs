namespace Cordon.Workloads.Tests.Support;

/// <summary>A host directory a user hands in with <c>--rw</c> or <c>--workdir</c>: owned by whoever runs the tests.</summary>
/// <remarks>
/// What must hold: the guest can write there, and what it writes lands owned by the directory's owner. As root, Cordon
/// before per-run host uids (issue 11) runs every guest as host uid 65534, which cannot write a root-owned directory, so
/// these tests fail as root until that is merged.
/// TEMPORARY, remove with issue 11: CORDON_WORKLOADS_CHOWN_GRANTS=1 gives the directory to 65534 first, so the rest of
/// each test can be checked meanwhile; the ownership assertion then compares with 65534, the directory's owner.
/// </remarks>
public static class WritableGrant
{
    private const int SandboxHostUid = 65534;

    public static string Prepare(string directory)
    {
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        if (Environment.GetEnvironmentVariable("CORDON_WORKLOADS_CHOWN_GRANTS") == "1" && Environment.UserName == "root")
        {
            Chown(directory, SandboxHostUid);
        }

        return directory;
    }

    /// <summary>Asserts that <paramref name="path"/>, written by the guest, belongs to the owner of the granted directory.</summary>
    public static void AssertOwnedLikeDirectory(string grantedDirectory, string path)
    {
        Assert.True(File.Exists(path) || Directory.Exists(path), $"{path} was not written");
        Assert.Equal(OwnerOf(grantedDirectory), OwnerOf(path));
    }

    public static int OwnerOf(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true };
        using var stat = System.Diagnostics.Process.Start(psi)!;
        string owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return int.Parse(owner, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Chown(string directory, int uid)
    {
        using var chown = System.Diagnostics.Process.Start("chown", ["-R", $"{uid}:{uid}", directory])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
