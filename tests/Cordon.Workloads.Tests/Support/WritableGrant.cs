using System.Globalization;

namespace Cordon.Workloads.Tests.Support;

/// <summary>A host directory a user hands in with <c>--rw</c> or <c>--workdir</c>: owned by whoever runs the tests.</summary>
/// <remarks>
/// What must hold: the guest can write there, and what it writes lands owned by the directory's owner (as root, Cordon
/// idmaps the writable grant so the run's own host uid writes as that owner), not by a uid the user never chose.
/// </remarks>
public static class WritableGrant
{
    public static string Prepare(string directory)
    {
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        return directory;
    }

    /// <summary>Asserts that <paramref name="path"/>, written by the guest, belongs to the owner of the granted directory.</summary>
    public static void AssertOwnedLikeDirectory(string grantedDirectory, string path)
    {
        Assert.True(File.Exists(path) || Directory.Exists(path), $"{path} was not written");
        Assert.Equal(OwnerOf(grantedDirectory), OwnerOf(path));
    }

    private static int OwnerOf(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true };
        using var stat = System.Diagnostics.Process.Start(psi)!;
        string owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return int.Parse(owner, CultureInfo.InvariantCulture);
    }
}
