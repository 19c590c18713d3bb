using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Faults;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>A key of the ObsScaling section that no option has stops the server, named, before anything is opened.</summary>
public class ConfigurationKeyTests
{
    [Fact]
    public void A_misspelt_key_is_refused_with_the_key_it_was_meant_to_be_and_no_file_is_written()
    {
        var dir = Directory.CreateTempSubdirectory("obs-keys-").FullName;
        var cwd = Environment.CurrentDirectory;
        try
        {
            // The old failure wrote obsscaling.db into the working directory: run from an empty one and look.
            Environment.CurrentDirectory = dir;
            var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build(["--urls=http://127.0.0.1:0", $"--ObsScaling:DatabsePath={Path.Combine(dir, "mine.db")}"]));
            Assert.StartsWith("Refusing to start: unknown configuration key ObsScaling:DatabsePath (did you mean ObsScaling:DatabasePath?)", ex.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_unknown_key_is_named_and_one_far_from_any_known_key_gets_no_guess()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build(["--urls=http://127.0.0.1:0", "--ObsScaling:computeslot=2", "--ObsScaling:Colour=blue"]));
        Assert.Contains("keys ObsScaling:Colour; ObsScaling:computeslot (did you mean ObsScaling:ComputeSlots?)", ex.Message, StringComparison.Ordinal);
        var known = ex.Message[(ex.Message.IndexOf("Known keys: ", StringComparison.Ordinal) + "Known keys: ".Length)..].TrimEnd('.').Split(", ");
        Assert.Equal(ConfigurationKeys.Known, known);
        Assert.Contains("ApiKey", known);
    }

    [Fact]
    public async Task Keys_of_every_option_type_in_any_case_and_from_the_environment_are_accepted()
    {
        var dir = Directory.CreateTempSubdirectory("obs-keys-").FullName;
        try
        {
            Assert.Contains("MaxUnaryCallsPerConnection", ConfigurationKeys.Known);
            Assert.Contains("ParentProcessId", ConfigurationKeys.Known);
            Assert.Contains("MaxAnswerBytesInFlight", ConfigurationKeys.Known);
            await using var app = ObsScalingServer.Build(["--urls=http://127.0.0.1:0", $"--obsscaling:databasepath={Path.Combine(dir, "obs.db")}", "--ObsScaling:MaxUnaryCallsPerConnection=3", "--ObsScaling:computeslots=1", "--ObsScaling:WebUrls=none"]);
            Assert.True(File.Exists(Path.Combine(dir, "obs.db")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_server_process_exits_2_naming_the_key()
    {
        var (code, stderr) = await BindUrlFaultTests.RunServerAsync("--ObsScaling:RefitTimout=00:01:00");
        Assert.Equal(2, code);
        Assert.Contains("ObsScaling:RefitTimout (did you mean ObsScaling:RefitTimeout?)", stderr, StringComparison.Ordinal);
    }
}
