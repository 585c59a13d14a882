namespace Cordon.Selftest.Tests;

internal static class Host
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    public static bool IsRoot => GetEuid() == 0;

    /// <summary>Runs the suite with <paramref name="options"/>; the probes and the launcher are beside this assembly.</summary>
    public static Task<SelftestReport> RunAsync(SelftestOptions options) => new SelftestRunner(options).RunAsync();
}
