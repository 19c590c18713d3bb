using System.Diagnostics;
using System.Globalization;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using PuppeteerSharp;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Web;

/// <summary>
/// The dashboard in a real browser (the machine's Chromium, headless) against a real server on loopback: it shows the
/// data, takes a refit from the feed without a reload, says when the server is gone, and after the server comes back
/// on the same ports and database it recovers and shows a refit made after the restart. Skipped only when Chromium is
/// not installed. Screenshots go to TestResults/ beside the test assembly.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const int WaitMs = 20_000;

    private static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "TestResults");

    [SkippableFact]
    public async Task The_page_shows_refits_live_says_when_the_server_is_gone_and_recovers_after_a_restart()
    {
        var chromium = Chromium.Find();
        Skip.If(chromium is null, "chromium is not installed (apt-get install chromium)");
        var directory = Path.Combine(Path.GetTempPath(), "obs-dash-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "obs.db");
        var server = await RunningServer.StartAsync(database, 0, 0);
        try
        {
            var (zoo, later) = await SeedAsync(server.Client);
            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            });
            await using var page = await browser.NewPageAsync();
            page.DefaultTimeout = WaitMs;
            var problems = new List<string>();
            var serverDown = false;
            page.PageError += (_, e) => problems.Add("page error: " + e.Message);
            page.Console += (_, e) =>
            {
                // The browser logs each refused reconnect itself while the server is down; any other error is the page's.
                if (e.Message.Type == ConsoleType.Error && !(Volatile.Read(ref serverDown) && e.Message.Text.Contains("Failed to load resource", StringComparison.Ordinal)))
                {
                    problems.Add("console: " + e.Message.Text);
                }
            };
            await page.EvaluateExpressionOnNewDocumentAsync("window.cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
            await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });

            // First load: the datasets, the fit with its law and figures, the forecasts, the ledger's scored entries.
            await page.GoToAsync(server.Web + "/?ledger=prereg", new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
            var fitted = (await server.Client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/zoo/fits/law" })).DatasetRevision;
            await WaitForRevisionAsync(page, fitted);
            await WaitAsync(page, "() => !document.querySelector('#fit-law .fit-plot').hidden && document.querySelector('#fit-law .fit-plot').naturalWidth > 0");
            await WaitAsync(page, "() => !document.querySelector('#ledger-entries').hidden && !document.querySelector('#fit-law .forecast-table').hidden");
            await WaitForConnectionAsync(page, "live");
            var cold = await TimingsAsync(page);
            output.WriteLine($"first load (cold server): load event {cold.Load:F0} ms, data shown {cold.Data:F0} ms, figure shown {cold.Figure:F0} ms");
            Assert.Equal(V1Text(fitted), await page.EvaluateExpressionAsync<string>("document.querySelector('#fit-law').dataset.revision"));
            Assert.Contains("σ", await TextAsync(page, "#fit-law .fit-formula"), StringComparison.Ordinal);
            Assert.Matches("%", await TextAsync(page, "#fit-law .fit-coverage"));
            Assert.Equal(3, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#fit-law .forecast-table tbody tr').length"));
            Assert.Equal(2, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#ledger-entries tbody tr').length"));
            Assert.Contains("zoo", await TextAsync(page, "#datasets"), StringComparison.Ordinal);
            await page.EvaluateExpressionAsync("window.sameDocument = 'yes'");

            // A refit arrives on the feed: shown within seconds, and the page was not reloaded for it.
            var clock = Stopwatch.StartNew();
            var appended = (await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([later[0]], zoo.OrderedMetrics()), V1.ImportMode.Append)).Dataset.Revision;
            await WaitForRevisionAsync(page, appended);
            output.WriteLine($"refit of revision {appended} shown {clock.ElapsedMilliseconds} ms after the import was sent");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the refit took {clock.Elapsed} to show");
            Assert.Contains($"revision {appended}", await TextAsync(page, "#announcer"), StringComparison.Ordinal);
            await WaitAsync(page, $"() => document.querySelector('#fit-law .plot-status').textContent.includes('revision {appended}')");

            // The server goes away: the page says so.
            var webPort = new Uri(server.Web).Port;
            var grpcPort = new Uri(server.Address).Port;
            Volatile.Write(ref serverDown, true);
            await server.DisposeAsync();
            await WaitForConnectionAsync(page, "lost");
            Assert.Contains("Connection lost", await TextAsync(page, "#connection"), StringComparison.Ordinal);
            await Screenshot(page, "dashboard-connection-lost.png");

            // Back on the same ports and database: the page recovers by itself and shows a refit made after the restart.
            server = await RunningServer.StartAsync(database, grpcPort, webPort);
            await WaitForConnectionAsync(page, "live");
            Volatile.Write(ref serverDown, false);
            var afterRestart = (await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([later[1]], zoo.OrderedMetrics()), V1.ImportMode.Append)).Dataset.Revision;
            await WaitForRevisionAsync(page, afterRestart);
            await WaitAsync(page, $"() => document.querySelector('#fit-law .plot-status').textContent.includes('revision {afterRestart}')");
            Assert.Equal("yes", await page.EvaluateExpressionAsync<string>("window.sameDocument"));
            Assert.Equal(1, await page.EvaluateExpressionAsync<int>("performance.getEntriesByType('navigation').length"));
            Assert.Contains($"revision {afterRestart}", await TextAsync(page, "#datasets"), StringComparison.Ordinal);
            await Screenshot(page, "dashboard.png");

            // Keyboard: the first Tab reaches the skip link, then the key field; the focus ring is drawn.
            await page.Keyboard.PressAsync("Tab");
            Assert.Equal("skip", await page.EvaluateExpressionAsync<string>("document.activeElement.className"));
            Assert.NotEqual("none", await page.EvaluateExpressionAsync<string>("getComputedStyle(document.activeElement).outlineStyle"));
            await page.Keyboard.PressAsync("Tab");
            Assert.Equal("api-key", await page.EvaluateExpressionAsync<string>("document.activeElement.id"));
            Assert.Equal("polite", await page.EvaluateExpressionAsync<string>("document.querySelector('#announcer').getAttribute('aria-live')"));

            // A narrow window: one column, nothing wider than the window.
            await page.SetViewportAsync(new ViewPortOptions { Width = 380, Height = 800 });
            await Screenshot(page, "dashboard-narrow.png");
            var wider = await page.EvaluateExpressionAsync<string[]>(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest('.table-wrap') && e.getClientRects().length > 0).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))");
            Assert.True(await page.EvaluateExpressionAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 380 px: " + string.Join(", ", wider));

            // A warm first load in a fresh tab, as a user opening the page would see it.
            await using var second = await browser.NewPageAsync();
            await second.GoToAsync(server.Web + "/?ledger=prereg", new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
            await WaitForRevisionAsync(second, afterRestart);
            await WaitAsync(second, "() => !document.querySelector('#fit-law .fit-plot').hidden");
            var warm = await TimingsAsync(second);
            output.WriteLine($"first load (warm server, new tab): load event {warm.Load:F0} ms, data shown {warm.Data:F0} ms, figure shown {warm.Figure:F0} ms");

            Assert.Empty(await page.EvaluateExpressionAsync<string[]>("window.cspViolations"));
            Assert.Empty(problems);
        }
        finally
        {
            await server.DisposeAsync();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [SkippableFact]
    public async Task With_a_key_the_page_asks_for_it_and_then_reads_the_data_and_the_feed_with_it()
    {
        var chromium = Chromium.Find();
        Skip.If(chromium is null, "chromium is not installed (apt-get install chromium)");
        const string key = "dash-key";
        var directory = Path.Combine(Path.GetTempPath(), "obs-dash-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        var server = await RunningServer.StartAsync(Path.Combine(directory, "obs.db"), 0, 0, key);
        try
        {
            var (zoo, later) = await SeedAsync(server.Client);
            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
            await using var page = await browser.NewPageAsync();
            page.DefaultTimeout = WaitMs;
            await page.GoToAsync(server.Web + "/", new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
            await WaitForConnectionAsync(page, "unauthorized");
            Assert.Equal("api-key", await page.EvaluateExpressionAsync<string>("document.activeElement.id"));
            Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('.fit').length"));

            await page.Keyboard.TypeAsync(key);
            await page.Keyboard.PressAsync("Enter");
            var fitted = (await server.Client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/zoo/fits/law" })).DatasetRevision;
            await WaitForRevisionAsync(page, fitted);
            await WaitForConnectionAsync(page, "live");
            var appended = (await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([later[0]], zoo.OrderedMetrics()), V1.ImportMode.Append)).Dataset.Revision;
            await WaitForRevisionAsync(page, appended);

            // The key is kept for the tab only and never put in the address.
            Assert.DoesNotContain(key, page.Url, StringComparison.Ordinal);
            Assert.Equal(key, await page.EvaluateExpressionAsync<string>("sessionStorage.getItem('obsscaling.apiKey')"));
            Assert.Null(await page.EvaluateExpressionAsync<string?>("localStorage.getItem('obsscaling.apiKey')"));
        }
        finally
        {
            await server.DisposeAsync();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string V1Text(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    /// <summary>Until the script is true in the page (or <see cref="WaitMs"/> has passed: then it throws).</summary>
    private static async Task WaitAsync(IPage page, string script)
    {
        await using var _ = await page.WaitForFunctionAsync(script);
    }

    private static Task WaitForRevisionAsync(IPage page, long revision) =>
        WaitAsync(page, $"() => document.querySelector('#fit-law')?.dataset.revision === '{V1Text(revision)}'");

    private static Task WaitForConnectionAsync(IPage page, string state) =>
        WaitAsync(page, $"() => document.querySelector('#connection').dataset.state === '{state}'");

    private static Task<string> TextAsync(IPage page, string selector) =>
        page.EvaluateExpressionAsync<string>($"document.querySelector('{selector}').textContent");

    private static async Task<(double Load, double Data, double Figure)> TimingsAsync(IPage page)
    {
        var values = await page.EvaluateExpressionAsync<double[]>(
            "[performance.getEntriesByType('navigation')[0].loadEventEnd, performance.getEntriesByName('obs:data-shown')[0].startTime, performance.getEntriesByName('obs:figure-shown')[0].startTime]");
        return (values[0], values[1], values[2]);
    }

    private async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(Artifacts);
        var path = Path.Combine(Artifacts, name);
        await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    /// <summary>
    /// A dataset "zoo" with a fit "law" (parametric 90 % intervals), three recorded forecasts, and a ledger "prereg"
    /// with two scored entries; models held back to append later, one refit each.
    /// </summary>
    private static async Task<(ModelSet Zoo, IReadOnlyList<ModelRecord> Later)> SeedAsync(V1.ObsScaling.ObsScalingClient client)
    {
        var zoo = Rpc.SmallZoo(families: 6, perFamily: 6);
        var later = zoo.Models.Where((_, i) => i % 6 == 5).ToArray();
        var initial = new ModelSet(zoo.Models.Where(m => !later.Contains(m)).ToArray(), zoo.OrderedMetrics());
        await Uploads.ImportAsync(client, "zoo", initial, V1.ImportMode.Create);
        var spec = Rpc.DownstreamSpec();
        spec.Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.Parametric, Level = 0.9 };
        var fit = await Uploads.FitAsync(client, "zoo", spec, "law");

        var benches = (ModelRecord m) => m.Scores.Where(kv => kv.Key.StartsWith("bench-", StringComparison.Ordinal)).ToDictionary();
        await Rpc.ForecastAsync(client, [
            new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name, Record = true } },
            .. later.Take(3).Select(m => new V1.ForecastRequest { Input = new V1.ForecastInput { Model = m.Name, Scores = new V1.MetricScores { Values = { benches(m) } } } }),
        ]);

        var entries = new V1.CreatePreregistrationsRequest { Parent = "ledgers/prereg", Fit = fit.Name };
        entries.Inputs.AddRange(later.Skip(3).Take(2).Select(m => new V1.PreregistrationInput { Model = m.Name, Scores = { benches(m) } }));
        await client.CreatePreregistrationsAsync(entries);
        await client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest
        {
            Parent = "ledgers/prereg",
            Observed = { later.Skip(3).Take(2).Select(m => new V1.ObservedValue { Model = m.Name, Metric = "downstream", Value = m.Score("downstream") }) },
        });
        return (zoo, later);
    }

    /// <summary>A server on given loopback ports (0: any) over a given SQLite file, stopped and disposed by DisposeAsync.</summary>
    private sealed class RunningServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly GrpcChannel _channel;
        private bool _disposed;

        private RunningServer(WebApplication app, string? key)
        {
            _app = app;
            Address = ObsScalingServer.GrpcAddresses(app).Single();
            Web = ObsScalingServer.WebAddresses(app).Single();
            _channel = GrpcChannel.ForAddress(Address);
            Client = key is null
                ? new V1.ObsScaling.ObsScalingClient(_channel)
                : new V1.ObsScaling.ObsScalingClient(_channel.CreateCallInvoker().Intercept(m =>
                {
                    m.Add("authorization", "Bearer " + key);
                    return m;
                }));
        }

        public string Address { get; }

        public string Web { get; }

        public V1.ObsScaling.ObsScalingClient Client { get; }

        public static async Task<RunningServer> StartAsync(string database, int grpcPort, int webPort, string? key = null)
        {
            var app = ObsScalingServer.Build([
                $"--ObsScaling:DatabasePath={database}",
                $"--urls=http://127.0.0.1:{grpcPort.ToString(CultureInfo.InvariantCulture)}",
                $"--ObsScaling:WebUrls=http://127.0.0.1:{webPort.ToString(CultureInfo.InvariantCulture)}",
                "--Logging:LogLevel:Default=Warning",
                .. key is null ? Array.Empty<string>() : [$"--ObsScaling:ApiKey={key}"],
            ]);
            await app.StartAsync();
            return new RunningServer(app, key);
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _channel.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
