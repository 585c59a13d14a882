using System.Text;
using Cordon.Backends.Process.Bubblewrap;

namespace Cordon.Backends.Process.Tests.Bubblewrap;

public class BwrapInfoTests
{
    [Fact]
    public void The_child_pid_is_read_from_bwraps_document_in_pieces()
    {
        // bwrap writes the object in parts: the pid, the namespace ids, the closing brace.
        var info = new BwrapInfo();
        foreach (string part in new[] { "{\n    \"child-pid\": 4321", ",\n    \"cgroup-namespace\": 4026532290,\n    \"ipc-namespace\": 4026532288", "\n}\n" })
            info.Feed(Encoding.UTF8.GetBytes(part));
        Assert.Null(info.ChildPid);
        info.Complete();
        Assert.Equal(4321, info.ChildPid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"child-pid\": 12")]
    [InlineData("{\"child-pid\": \"12\"}")]
    [InlineData("{\"child-pid\": -1}")]
    [InlineData("{\"child-pid\": 0}")]
    [InlineData("{\"child-pid\": 1.5}")]
    [InlineData("[12]")]
    [InlineData("{\"other\": {\"child-pid\": 12}}")]
    public void Anything_but_a_positive_integer_child_pid_gives_no_pid(string json)
    {
        Assert.Null(BwrapInfo.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void An_oversized_document_gives_no_pid()
    {
        var info = new BwrapInfo();
        info.Feed(Encoding.UTF8.GetBytes("{\"child-pid\": 7, \"pad\": \"" + new string('x', 10_000) + "\"}"));
        info.Complete();
        Assert.Null(info.ChildPid);
    }
}
