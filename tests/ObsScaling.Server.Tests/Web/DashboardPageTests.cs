using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Support;

namespace ObsScaling.Server.Tests.Web;

/// <summary>
/// The dashboard's files as served: every one the page names is there with its media type, nothing in the page is
/// inline (so the CSP's script-src/style-src 'self' hold without 'unsafe-inline'), and the page is public when a key
/// is set while its data is not. What the page does in a browser is <see cref="DashboardBrowserTests"/>.
/// </summary>
public sealed partial class DashboardPageTests
{
    private const string Key = "page-key";

    [Fact]
    public async Task The_page_and_every_file_it_names_are_served_with_their_media_types_and_the_CSP()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        var web = Web(server);
        using var http = new HttpClient();
        using var page = await http.GetAsync(new Uri(web + "/"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WebSecurity.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();

        var named = Referenced().Matches(html).Select(m => m.Groups["path"].Value).Distinct().ToArray();
        Assert.Contains("/ui/dashboard.js", named);
        Assert.Contains("/ui/dashboard.css", named);
        foreach (var path in named.Concat(["/ui/api.js", "/ui/feed.js"]))
        {
            using var file = await http.GetAsync(new Uri(web + path));
            Assert.True(file.StatusCode == HttpStatusCode.OK, $"{path}: {file.StatusCode}");
            Assert.Equal(path.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/css", file.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-cache", file.Headers.CacheControl?.ToString());
            Assert.NotNull(file.Headers.ETag);
        }

        // The modules import each other by relative path; each must be one the server has.
        foreach (var module in new[] { "dashboard.js", "api.js", "feed.js" })
        {
            var text = await http.GetStringAsync(new Uri(web + "/ui/" + module));
            foreach (Match import in Imported().Matches(text))
            {
                using var target = await http.GetAsync(new Uri(web + "/ui/" + import.Groups["file"].Value));
                Assert.True(target.StatusCode == HttpStatusCode.OK, $"{module} imports {import.Groups["file"].Value}: {target.StatusCode}");
            }
        }

        using var missing = await http.GetAsync(new Uri(web + "/ui/nothing.js"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Nothing_in_the_page_is_inline_so_the_CSP_needs_no_unsafe_inline()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = new HttpClient();
        var html = await http.GetStringAsync(new Uri(Web(server) + "/"));
        Assert.DoesNotContain("unsafe-inline", WebSecurity.ContentSecurityPolicy, StringComparison.Ordinal);
        foreach (Match script in Script().Matches(html))
        {
            Assert.Matches("src=\"/ui/[a-z]+\\.js\"", script.Groups["attributes"].Value);
            Assert.Equal("", script.Groups["body"].Value.Trim());
        }

        Assert.DoesNotMatch("<style[\\s>]", html);
        Assert.DoesNotMatch("\\sstyle=", html);
        Assert.DoesNotMatch("\\son[a-z]+=", html);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_revalidation_with_the_ETag_is_304()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = new HttpClient();
        using var first = await http.GetAsync(new Uri(Web(server) + "/ui/dashboard.js"));
        using var again = new HttpRequestMessage(HttpMethod.Get, Web(server) + "/ui/dashboard.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task With_a_key_the_page_is_public_but_its_data_is_not()
    {
        await using var server = await ServerHandle.KestrelAsync($"--ObsScaling:ApiKey={Key}", "--ObsScaling:WebUrls=http://127.0.0.1:0");
        var web = Web(server);
        using var http = new HttpClient();
        foreach (var path in new[] { "/", "/ui/dashboard.js", "/ui/feed.js", "/ui/api.js", "/ui/dashboard.css" })
        {
            using var file = await http.GetAsync(new Uri(web + path));
            Assert.True(file.StatusCode == HttpStatusCode.OK, $"{path}: {file.StatusCode}");
            Assert.Equal(WebSecurity.ContentSecurityPolicy, file.Headers.GetValues("Content-Security-Policy").Single());
        }

        // Only the page's own files: anything else under /ui/, and every data route, still needs the key.
        foreach (var path in new[] { "/ui/nothing.js", "/v1/datasets", "/metrics", "/v1/datasets/zoo/fits:watch" })
        {
            using var refused = await http.GetAsync(new Uri(web + path));
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {refused.StatusCode}");
        }

        using var post = await http.PostAsync(new Uri(web + "/"), new StringContent(""));
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);

        using var keyed = new HttpRequestMessage(HttpMethod.Get, web + "/v1/datasets");
        keyed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var data = await http.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
    }

    [Fact]
    public async Task The_page_is_not_served_on_the_gRPC_port()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var page = await http.GetAsync(new Uri(server.Address + "/"));
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using var script = await http.GetAsync(new Uri(server.Address + "/ui/dashboard.js"));
        Assert.Equal(HttpStatusCode.NotFound, script.StatusCode);
    }

    private static string Web(ServerHandle server) => ObsScalingServer.WebAddresses((WebApplication)server.App).Single();

    [GeneratedRegex("(?:src|href)=\"(?<path>/ui/[^\"]+)\"")]
    private static partial Regex Referenced();

    [GeneratedRegex("from \"\\./(?<file>[a-z]+\\.js)\"")]
    private static partial Regex Imported();

    [GeneratedRegex("<script(?<attributes>[^>]*)>(?<body>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex Script();
}
