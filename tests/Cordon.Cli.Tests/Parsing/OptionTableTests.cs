using Cordon.Cli.Commands;

namespace Cordon.Cli.Tests.Parsing;

/// <summary>--help, the man page and the completions come from one table, so none of them can miss an option.</summary>
public class OptionTableTests
{
    [Fact]
    public void Help_man_page_and_every_completion_list_every_option()
    {
        string help = RunOptionTable.Default.Usage();
        string man = ManPage.Render();
        foreach (RunOption option in RunOptionTable.Default.All)
        {
            Assert.Contains(option.Long, help);
            Assert.Contains(option.Long.Replace("-", "\\-", StringComparison.Ordinal), man);
            Assert.Contains(option.Long, CompletionsCommand.Script("bash"));
            Assert.Contains(option.Long, CompletionsCommand.Script("zsh"));
            Assert.Contains("-l " + option.Long[2..], CompletionsCommand.Script("fish"));
            if (option.Short is { } s)
            {
                Assert.Contains($"-{s}, {option.Long}", help);
                Assert.Contains("-" + s, CompletionsCommand.Script("bash"));
            }
        }
    }

    [Fact]
    public void Names_are_unique_and_short_letters_are_the_expected_ones()
    {
        Assert.Equal(RunOptionTable.Default.All.Length, RunOptionTable.Default.All.Select(o => o.Long).Distinct().Count());
        var shorts = RunOptionTable.Default.All.Where(o => o.Short is not null).Select(o => o.Short!.Value).ToList();
        Assert.Equal(shorts.Count, shorts.Distinct().Count());
        foreach ((char letter, string name) in new[] { ('e', "--env"), ('v', "--volume"), ('w', "--workdir"), ('i', "--interactive"), ('t', "--tty") })
            Assert.Equal(name, RunOptionTable.Default.Find("-" + letter)?.Long);
    }

    [Fact]
    public void The_help_lists_every_exit_code_of_the_readme_table()
    {
        string help = RunOptionTable.Default.Usage();
        foreach (string code in new[] { "124", "152", "137", "123", "122", "120", "159", "121", "141", "130", "143", "125", "126", "127" }) Assert.Contains(code, help);
    }

    [Fact]
    public void Unknown_shells_are_a_usage_error()
        => Assert.Null(CompletionsCommand.Script("tcsh"));
}
