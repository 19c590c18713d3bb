using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Hosting;
using ObsScaling.Server.Tests.Support;

namespace ObsScaling.Server.Tests.Web;

/// <summary>The web endpoint on a real loopback Kestrel: HTTP/1.1, security headers, the key rule.</summary>
public class WebEndpointTests
{
    private const string Key = "secret";

    [Fact]
    public async Task The_web_endpoint_answers_HTTP_1_1_with_the_security_headers()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        var web = Assert.Single(ObsScalingServer.WebAddresses((Microsoft.AspNetCore.Builder.WebApplication)server.App));
        Assert.NotEqual(new Uri(server.Address).Port, new Uri(web).Port);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, web + "/") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);

        // gRPC still works on its own port.
        await WireTests.AssertServingAsync(server);
    }

    [Fact]
    public async Task With_a_key_every_data_request_needs_the_bearer_header_and_a_key_in_the_URL_is_not_enough()
    {
        await using var server = await ServerHandle.KestrelAsync($"--ObsScaling:ApiKey={Key}", "--ObsScaling:WebUrls=http://127.0.0.1:0");
        var web = ObsScalingServer.WebAddresses((Microsoft.AspNetCore.Builder.WebApplication)server.App).Single();
        using var http = new HttpClient();

        using var bare = await http.GetAsync(new Uri(web + "/v1/datasets"));
        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Contains("frame-ancestors", bare.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var body = await bare.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":16", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, body, StringComparison.Ordinal);

        using var inUrl = await http.GetAsync(new Uri(web + "/v1/datasets?key=" + Key + "&access_token=" + Key));
        Assert.Equal(HttpStatusCode.Unauthorized, inUrl.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, web + "/v1/datasets");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        using var wrongResponse = await http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);

        using var good = new HttpRequestMessage(HttpMethod.Get, web + "/v1/datasets");
        good.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var goodResponse = await http.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, goodResponse.StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    [InlineData("http://example.com:0")]
    public void A_web_URL_off_loopback_without_a_key_is_refused(string webUrls)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build(["--urls=http://127.0.0.1:0", $"--ObsScaling:WebUrls={webUrls}", "--ObsScaling:DatabasePath=" + Path.Combine(Path.GetTempPath(), "never-" + Guid.NewGuid().ToString("N") + ".db")]));
        Assert.StartsWith("Refusing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("API key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_web_URL_comes_only_with_the_default_gRPC_URL()
    {
        Assert.Equal([ServerOptions.DefaultWebUrl], WebEndpoint.Urls(new ConfigurationBuilder().Build()));
        Assert.Empty(WebEndpoint.Urls(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" }).Build()));
        Assert.Empty(WebEndpoint.Urls(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ObsScaling:WebUrls"] = "none" }).Build()));
    }
}
