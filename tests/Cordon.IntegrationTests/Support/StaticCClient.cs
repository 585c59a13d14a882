namespace Cordon.IntegrationTests.Support;

/// <summary>Builds <c>DIR/client.c</c> into a static <c>DIR/client</c> (no libc in the sandbox needed): a client that reads no proxy variables.</summary>
internal static class StaticCClient
{
    public static async Task CompileAsync(string dir)
    {
        using var gcc = System.Diagnostics.Process.Start("gcc", ["-static", "-O2", "-pthread", "-o", Path.Combine(dir, "client"), Path.Combine(dir, "client.c")]);
        await gcc!.WaitForExitAsync();
        Assert.Equal(0, gcc.ExitCode);
    }
}
