using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Faults;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>
/// ObsScaling:Storage picks the database; a name the server does not know is refused at start-up (exit code 2,
/// the name in the message) instead of quietly falling back to a local file that replicas would not share.
/// </summary>
public class StorageChoiceTests
{
    [Theory]
    [InlineData("mysql")]
    [InlineData("postgresql")]
    [InlineData("sqlite3")]
    public void An_unknown_storage_is_refused_before_anything_is_opened(string storage)
    {
        var dir = Directory.CreateTempSubdirectory("obs-storage-").FullName;
        try
        {
            var db = Path.Combine(dir, "obs.db");
            var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build(["--urls=http://127.0.0.1:0", $"--ObsScaling:Storage={storage}", $"--ObsScaling:DatabasePath={db}"]));
            Assert.StartsWith("Refusing", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"'{storage}'", ex.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(db));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_server_process_exits_2_naming_the_storage()
    {
        var (code, stderr) = await BindUrlFaultTests.RunServerAsync("--ObsScaling:Storage=mongo");
        Assert.Equal(2, code);
        Assert.Contains("ObsScaling:Storage is 'mongo'", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("SQLite")]
    [InlineData("")]
    public async Task Sqlite_is_the_default_and_is_named_in_any_case(string storage)
    {
        var dir = Directory.CreateTempSubdirectory("obs-storage-").FullName;
        try
        {
            var db = Path.Combine(dir, "obs.db");
            await using var app = ObsScalingServer.Build(["--urls=http://127.0.0.1:0", $"--ObsScaling:Storage={storage}", $"--ObsScaling:DatabasePath={db}"]);
            Assert.True(File.Exists(db));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
