using System.Text.RegularExpressions;

namespace Cordon.Workloads.Tests.Python;

/// <summary>What <c>python3 -m test -v</c> printed, read back: passed tests, failed tests (by id), and modules that crashed.</summary>
public sealed partial record RegrtestReport(int Passed, IReadOnlySet<string> Failed, IReadOnlyList<string> CrashedModules)
{
    public static RegrtestReport Parse(string output)
    {
        int passed = PassedLine().Count(output);
        HashSet<string> failed = [.. FailedHeader().Matches(output).Select(m => m.Groups["id"].Value + m.Groups["params"].Value)];
        List<string> crashed = [.. CrashedLine().Matches(output).Select(m => m.Groups["module"].Value).Distinct()];
        return new RegrtestReport(passed, failed, crashed);
    }

    [GeneratedRegex(@" \.\.\. ok$", RegexOptions.Multiline)]
    private static partial Regex PassedLine();

    // unittest's summary block: "ERROR: test_user (test.test_subprocess.POSIXProcessTestCase.test_user) (user=65534, ...)"
    [GeneratedRegex(@"^(?:FAIL|ERROR): \S+ \((?<id>[^)]+)\)(?<params> \(.*\))?$", RegexOptions.Multiline)]
    private static partial Regex FailedHeader();

    [GeneratedRegex(@"^test (?<module>\S+) crashed", RegexOptions.Multiline)]
    private static partial Regex CrashedLine();
}
