using ObsScaling.Server.Hosting;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>
/// The gRPC URLs are lifted out of the host's arguments (Kestrel would otherwise warn that its endpoints override
/// them) in every form the command-line configuration accepts, and nothing else is touched. That the server then
/// logs no warning at all is checked end to end by WatchTests.
/// </summary>
public class UrlArgumentTests
{
    [Theory]
    [InlineData(new[] { "--urls=http://127.0.0.1:0" }, "http://127.0.0.1:0")]
    [InlineData(new[] { "--urls", "http://127.0.0.1:7000" }, "http://127.0.0.1:7000")]
    [InlineData(new[] { "/urls=http://[::1]:0" }, "http://[::1]:0")]
    [InlineData(new[] { "--URLS=http://127.0.0.1:1;http://127.0.0.1:2" }, "http://127.0.0.1:1;http://127.0.0.1:2")]
    public void The_urls_setting_is_taken_out_with_its_value(string[] args, string urls)
    {
        var (rest, found) = ObsScalingServer.WithoutUrls(["--ObsScaling:DatabasePath=a.db", .. args, "--Logging:LogLevel:Default=Warning"]);
        Assert.Equal(urls, found);
        Assert.Equal(["--ObsScaling:DatabasePath=a.db", "--Logging:LogLevel:Default=Warning"], rest);
    }

    [Theory]
    [InlineData("--ObsScaling:WebUrls=http://127.0.0.1:0")]
    [InlineData("--urlsx=1")]
    [InlineData("--urls")]
    [InlineData("")]
    public void Other_arguments_are_left_alone(string arg)
    {
        string[] args = arg.Length == 0 ? [] : [arg];
        var (rest, found) = ObsScalingServer.WithoutUrls(args);
        Assert.Null(found);
        Assert.Equal(args, rest);
    }
}
