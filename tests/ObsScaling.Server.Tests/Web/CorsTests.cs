using System.Net;
using Microsoft.AspNetCore.Builder;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Support;

namespace ObsScaling.Server.Tests.Web;

/// <summary>
/// CORS on the web endpoint (<c>ObsScaling:CorsOrigins</c>): off by default; a listed origin's preflight is allowed
/// with the headers a page needs (the key, the feed's Last-Event-ID), any other origin's is not; a bad origin stops
/// the server naming the key and the value.
/// </summary>
public sealed class CorsTests
{
    private const string Allowed = "https://dash.example.org";
    private const string Key = "cors-key";

    [Fact]
    public async Task A_listed_origin_may_preflight_the_REST_and_SSE_routes_with_the_key_and_Last_Event_ID()
    {
        await using var server = await WebServerAsync($"--ObsScaling:CorsOrigins=http://localhost:8080; {Allowed}");
        using var http = new HttpClient();
        foreach (var (path, method) in new[] { ("/v1/datasets", "GET"), ("/v1/datasets/zoo/fits:watch", "GET"), ("/v1/plots:render", "POST"), ("/v1/datasets/zoo", "DELETE") })
        {
            using var preflight = await PreflightAsync(http, Web(server) + path, Allowed, method, "authorization, last-event-id, content-type");
            Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
            Assert.Equal(Allowed, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
            var methods = string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Methods"));
            Assert.Contains(method, methods, StringComparison.Ordinal);
            var headers = string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant();
            Assert.Contains("AUTHORIZATION", headers, StringComparison.Ordinal);
            Assert.Contains("LAST-EVENT-ID", headers, StringComparison.Ordinal);
            Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"), "no cookies: the key is a header the page sends itself");
        }

        // The other listed origin, written with a port, matches too.
        using var local = await PreflightAsync(http, Web(server) + "/v1/datasets", "http://localhost:8080", "GET", "authorization");
        Assert.Equal("http://localhost:8080", local.Headers.GetValues("Access-Control-Allow-Origin").Single());

        // The answer itself carries the allow header, so the page can read it.
        using var get = new HttpRequestMessage(HttpMethod.Get, Web(server) + "/v1/datasets");
        get.Headers.Add("Origin", Allowed);
        using var answer = await http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(Allowed, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", answer.Headers.Vary);
    }

    [Theory]
    [InlineData("https://evil.example.org")]
    [InlineData("https://dash.example.org.evil.example")]
    [InlineData("http://dash.example.org")]
    [InlineData("https://dash.example.org:8443")]
    [InlineData("null")]
    public async Task Any_other_origin_gets_no_allow_headers(string origin)
    {
        await using var server = await WebServerAsync($"--ObsScaling:CorsOrigins={Allowed}");
        using var http = new HttpClient();
        using var preflight = await PreflightAsync(http, Web(server) + "/v1/datasets", origin, "GET", "authorization");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"), $"{origin} was allowed");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Headers"));

        using var get = new HttpRequestMessage(HttpMethod.Get, Web(server) + "/v1/datasets");
        get.Headers.Add("Origin", origin);
        using var answer = await http.SendAsync(get);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task By_default_no_origin_is_allowed()
    {
        await using var server = await WebServerAsync();
        using var http = new HttpClient();
        using var preflight = await PreflightAsync(http, Web(server) + "/v1/datasets", Allowed, "GET", "authorization");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        using var get = new HttpRequestMessage(HttpMethod.Get, Web(server) + "/v1/datasets");
        get.Headers.Add("Origin", Allowed);
        using var answer = await http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task With_a_key_the_preflight_needs_none_but_the_call_does_and_its_401_is_readable()
    {
        await using var server = await WebServerAsync($"--ObsScaling:CorsOrigins={Allowed}", $"--ObsScaling:ApiKey={Key}");
        using var http = new HttpClient();
        using var preflight = await PreflightAsync(http, Web(server) + "/v1/datasets/zoo/fits:watch", Allowed, "GET", "authorization, last-event-id");
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Allowed, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var bare = new HttpRequestMessage(HttpMethod.Get, Web(server) + "/v1/datasets");
        bare.Headers.Add("Origin", Allowed);
        using var refused = await http.SendAsync(bare);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(Allowed, refused.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var keyed = new HttpRequestMessage(HttpMethod.Get, Web(server) + "/v1/datasets");
        keyed.Headers.Add("Origin", Allowed);
        keyed.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        using var served = await http.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Theory]
    [InlineData("*", "'*'")]
    [InlineData("https://dash.example.org/", "'https://dash.example.org/'")]
    [InlineData("https://dash.example.org/app", "'https://dash.example.org/app'")]
    [InlineData("dash.example.org", "'dash.example.org'")]
    [InlineData("ftp://dash.example.org", "'ftp://dash.example.org'")]
    [InlineData("https://dash.example.org;https://x.example.org?a=1", "'https://x.example.org?a=1'")]
    public void A_value_that_is_not_an_origin_stops_the_server_naming_the_key_and_the_value(string value, string named)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build(["--urls=http://127.0.0.1:0", $"--ObsScaling:CorsOrigins={value}", "--ObsScaling:DatabasePath=" + Path.Combine(Path.GetTempPath(), "never-" + Guid.NewGuid().ToString("N") + ".db")]));
        Assert.StartsWith("Refusing to start", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ObsScaling:CorsOrigins", ex.Message, StringComparison.Ordinal);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Origins_are_normalised_and_the_key_is_a_known_one()
    {
        Assert.Equal(["https://dash.example.org", "http://127.0.0.1:8080"], CorsOrigins.Parse(" HTTPS://Dash.Example.org ;http://127.0.0.1:8080;https://dash.example.org:443"));
        Assert.Empty(CorsOrigins.Parse(null));
        Assert.Empty(CorsOrigins.Parse(" "));
        Assert.Contains(nameof(ServerOptions.CorsOrigins), ConfigurationKeys.Known);
    }

    private static Task<ServerHandle> WebServerAsync(params string[] args) =>
        ServerHandle.KestrelAsync(["--ObsScaling:WebUrls=http://127.0.0.1:0", .. args]);

    private static string Web(ServerHandle server) => ObsScalingServer.WebAddresses((WebApplication)server.App).Single();

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient http, string url, string origin, string method, string headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, url);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await http.SendAsync(request);
    }
}
