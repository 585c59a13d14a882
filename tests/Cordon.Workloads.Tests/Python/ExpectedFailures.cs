namespace Cordon.Workloads.Tests.Python;

/// <summary>
/// Every CPython test that fails inside Cordon and passes bare, with the reason: each is containment doing its job,
/// and the reason names the grant that would change it, if any.
/// </summary>
public static class ExpectedFailures
{
    /// <summary>A test id prefix (test.MODULE.CLASS.METHOD), why it fails inside, and that reason in a few words.</summary>
    public sealed record Expected(string IdPrefix, string Reason, string Label);

    /// <summary>The sandbox's user namespace maps one uid and one gid; no grant changes it.</summary>
    private const string OneIdentity =
        "the guest's user namespace maps one uid and one gid, so setuid/setgid/chown to any other id is EINVAL: a guest cannot become another user (no grant changes this)";

    private const string OneIdentityLabel = "one uid and gid mapped: setuid/chown to another id is EINVAL";

    private const string NoNetworkLabel = "IP sockets refused without --net loopback";

    /// <summary>No network: IP sockets are refused.</summary>
    private const string NoNetwork = "no network by default: socket(AF_INET/AF_INET6) is refused with EPERM; --net loopback gives a private loopback";

    /// <summary>Fails under every policy.</summary>
    public static IReadOnlyList<Expected> Always { get; } =
    [
        new("test.test_subprocess.POSIXProcessTestCase.test_user", OneIdentity, OneIdentityLabel),
        new("test.test_subprocess.POSIXProcessTestCase.test_group", OneIdentity, OneIdentityLabel),
        new("test.test_os.ChownFileTests.test_chown_without_permission", OneIdentity, OneIdentityLabel),
    ];

    /// <summary>Fails without <c>--net loopback</c>: the tests build their own client and server on 127.0.0.1.</summary>
    public static IReadOnlyList<Expected> WithoutNetwork { get; } =
    [
        new("test.test_asyncio.test_base_events.BaseLoopSockSendfileTests.", NoNetwork, NoNetworkLabel),
        new("test.test_asyncio.test_base_events.BaseEventLoopWithSelectorTests.test_create_", NoNetwork, NoNetworkLabel),
        new("test.test_asyncio.test_base_events.TestSelectorUtils.test_set_nodelay", NoNetwork, NoNetworkLabel),
        new("test.test_os.TestSendfile.", NoNetwork, NoNetworkLabel),
        new("test.test_signal.WakeupFDTests.test_invalid_socket", NoNetwork, NoNetworkLabel),
        new("test.test_signal.WakeupFDTests.test_set_wakeup_fd_socket_result", NoNetwork, NoNetworkLabel),
    ];

    /// <summary>Why <paramref name="failedId"/> fails inside, or null when no listed reason explains it.</summary>
    public static Expected? For(string failedId, bool network)
        => Always.Concat(network ? [] : WithoutNetwork).FirstOrDefault(e => failedId.StartsWith(e.IdPrefix, StringComparison.Ordinal));
}
