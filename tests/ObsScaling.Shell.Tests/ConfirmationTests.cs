namespace ObsScaling.Shell.Tests;

/// <summary>
/// Remove-ObsDataset (ConfirmImpact High) against the embedded server and a real database file: the prompt
/// must really ask, and a run with no one to answer must not delete. Whether the dataset survived is read
/// back by a separate obs process.
/// </summary>
public sealed class ConfirmationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("obs-confirm-").FullName;

    private Dictionary<string, string?> Environment => new() { ["OBSSCALING_DATABASE"] = Path.Combine(_directory, "obs.db") };

    private void Import()
    {
        var (code, _, error) = ObsProcess.Run(["-Command", "New-ObsSyntheticZoo -Seed 4 -Families 3 | Import-ObsModel -Dataset keep | Out-Null"], environment: Environment);
        Assert.True(code == 0, error);
    }

    private bool Exists()
    {
        var (code, output, error) = ObsProcess.Run(["-Command", "(Get-ObsDataset).Dataset -contains 'keep'"], environment: Environment);
        Assert.True(code == 0, error);
        return bool.Parse(output.Trim());
    }

    [Theory]
    [InlineData("n\n")]
    [InlineData("\n")]
    [InlineData("no thanks\n")]
    public void An_answer_that_is_not_yes_on_stdin_keeps_the_dataset(string answer)
    {
        Import();

        var (code, _, error) = ObsProcess.Run(["-Command", "Remove-ObsDataset keep"], stdin: answer, environment: Environment);

        Assert.Equal(0, code);
        Assert.Contains("Are you sure you want to perform this action?", error, StringComparison.Ordinal);
        Assert.True(Exists());
    }

    [Fact]
    public void With_no_answer_to_read_the_prompt_is_refused_and_nothing_is_deleted()
    {
        Import();

        var (code, _, error) = ObsProcess.Run(["-Command", "Remove-ObsDataset keep"], stdin: null, environment: Environment);
        var nonInteractive = ObsProcess.Run(["-NonInteractive", "-Command", "Remove-ObsDataset keep"], stdin: "y\n", environment: Environment);

        Assert.Equal(1, code);
        Assert.Contains("standard input is not a terminal and holds no answer", error, StringComparison.Ordinal);
        Assert.Equal(1, nonInteractive.ExitCode);
        Assert.Contains("-NonInteractive", nonInteractive.Err, StringComparison.Ordinal);
        Assert.True(Exists());
    }

    [Fact]
    public void Yes_on_stdin_or_Confirm_false_deletes()
    {
        Import();
        var (code, _, error) = ObsProcess.Run(["-Command", "Remove-ObsDataset keep"], stdin: "y\n", environment: Environment);
        Assert.True(code == 0, error);
        Assert.False(Exists());

        Import();
        (code, _, error) = ObsProcess.Run(["-Command", "Remove-ObsDataset keep -Confirm:$false"], stdin: null, environment: Environment);
        Assert.True(code == 0, error);
        Assert.False(Exists());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
