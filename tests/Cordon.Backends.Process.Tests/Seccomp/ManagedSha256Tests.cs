using System.Security.Cryptography;
using Cordon.Backends.Process.Seccomp;

namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>The seccomp cache's own SHA-256 gives the runtime's digests, for every length around the block boundaries.</summary>
public sealed class ManagedSha256Tests
{
    [Fact]
    public void The_empty_input_and_abc_have_the_standards_digests()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(ManagedSha256.HashData([])));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(ManagedSha256.HashData("abc"u8)));
    }

    [Fact]
    public void Every_length_up_to_four_blocks_and_a_large_input_match_the_runtimes_sha256()
    {
        var random = new Random(15);
        for (int length = 0; length <= 256; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(SHA256.HashData(data), ManagedSha256.HashData(data));
        }

        byte[] large = new byte[(1 << 20) + 37];
        random.NextBytes(large);
        Assert.Equal(SHA256.HashData(large), ManagedSha256.HashData(large));
    }
}
