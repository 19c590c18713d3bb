using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using ObsScaling.Server.Features;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using Prometheus;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Builds the server: Kestrel over HTTP/2 (cleartext on loopback by default, TLS by Kestrel configuration),
/// the obsscaling.v1 service, gRPC health checking and reflection, and the store (SQLite by default, see <see cref="StorageChoice"/>).
/// </summary>
public static class ObsScalingServer
{
    /// <summary>The line printed once serving, followed by the bound URL; the PowerShell module reads it.</summary>
    public const string ListeningBanner = "ObsScaling server listening on ";

    /// <summary>The line printed for each web endpoint address (a different prefix, so readers of the gRPC line are unaffected).</summary>
    public const string WebBanner = "ObsScaling web endpoint listening on ";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The gRPC URLs become named endpoints below; left among the host's arguments too, Kestrel would warn that it
        // overrides them (it reads them from the configuration as it starts), so they are taken out and read here.
        var (hostArgs, urlsArg) = WithoutUrls(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory });
        ConfigurationKeys.RequireKnown(builder.Configuration);
        builder.Services.Configure<ServerOptions>(builder.Configuration.GetSection(ServerOptions.Section));
        builder.Services.Configure<ConnectionLimits>(builder.Configuration.GetSection(ServerOptions.Section));
        var limits = builder.Configuration.GetSection(ServerOptions.Section).Get<ConnectionLimits>() ?? new ConnectionLimits();
        var options = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        var urls = (urlsArg ?? builder.Configuration["urls"] ?? ServerOptions.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        RequireKeyOffLoopback(urls, options);
        RequireKeyOffLoopback(builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"] ?? ""), options);
        var webUrls = WebEndpoint.Urls(builder.Configuration, urlsArg);
        RequireKeyOffLoopback(webUrls, options);
        var web = new WebEndpoint();
        builder.Services.AddSingleton(web);
        var corsOrigins = CorsOrigins.Parse(options.CorsOrigins);
        if (corsOrigins.Count > 0)
        {
            CorsOrigins.Register(builder.Services, corsOrigins);
        }

        // Kestrel ignores --urls once any endpoint is configured, so the gRPC URLs become named endpoints beside the web ones.
        var endpoints = new Dictionary<string, string?>();
        if (!builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            for (var i = 0; i < urls.Length; i++)
            {
                endpoints[$"Kestrel:Endpoints:Grpc{i}:Url"] = urls[i];
            }
        }

        for (var i = 0; i < webUrls.Count; i++)
        {
            endpoints[$"Kestrel:Endpoints:Web{i}:Url"] = webUrls[i];
            endpoints[$"Kestrel:Endpoints:Web{i}:Protocols"] = nameof(HttpProtocols.Http1AndHttp2);
        }

        builder.Configuration.AddInMemoryCollection(endpoints);

        // The pool starts with one thread per core and adds more only about twice a second; with analyses holding
        // workers, a fresh server's deadline timers and cheap calls waited 0.3-1.3 s for a thread. Start with more.
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, 4 * Environment.ProcessorCount + 8), completion);

        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            limits.Apply(k.Limits);
            k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2);
        });
        builder.WebHost.UseKestrel(k =>
        {
            var loader = k.Configure(builder.Configuration.GetSection("Kestrel"));
            for (var i = 0; i < webUrls.Count; i++)
            {
                loader.Endpoint($"Web{i}", e => web.Add(e.ListenOptions));
            }
        });

        if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole();
        }

        // Before AddGrpc and the binder swap below: AddGrpcSwagger calls AddGrpc itself, which would bring grpc-dotnet's binder back.
        Web.RestTranscoding.AddOpenApi(builder.Services);
        builder.Services.AddGrpc(g =>
        {
            g.MaxReceiveMessageSize = options.MaxReceiveMessageBytes;
            g.EnableDetailedErrors = false;
            // Outermost first: the metrics see the status CallInterceptor maps an exception to.
            g.Interceptors.Add<MetricsInterceptor>();
            g.Interceptors.Add<CallInterceptor>();
        }).AddJsonTranscoding(Web.RestTranscoding.Configure);
        // Our binder replaces grpc-dotnet's (same bindings; malformed single requests become INVALID_ARGUMENT).
        foreach (var binder in builder.Services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType?.Name == "BinderServiceMethodProvider`1").ToArray())
        {
            builder.Services.Remove(binder);
        }

        builder.Services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(CheckedServiceMethodProvider<>));
        builder.Services.AddSingleton<CallDiagnostics>();
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>(StoreHealthCheck.Name);
        StorageChoice.Register(builder.Services, options);
        builder.Services.AddSingleton<FitWatchHub>();
        builder.Services.AddSingleton<DecompositionCache>();
        builder.Services.AddSingleton(sp => new ComputeSlots(sp.GetRequiredService<IOptions<ServerOptions>>().Value.ComputeSlots));
        builder.Services.AddSingleton(sp => new AnswerBudget(sp.GetRequiredService<IOptions<ServerOptions>>().Value.MaxAnswerBytesInFlight));
        builder.Services.AddSingleton<HeavyWork>();
        builder.Services.AddSingleton<Decomposer>();
        FeatureHandlers.Register(builder.Services);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FitWatchHub>());
        builder.Services.AddHostedService<ParentProcessWatch>();
        builder.Services.AddSingleton<IdleShutdown>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IdleShutdown>());
        builder.Services.AddHostedService<LoopbackGuard>();
        configure?.Invoke(builder);

        var app = builder.Build();

        // In this order: the key before anything is parsed, then a connection's share of unary calls, then the framing.
        var idle = app.Services.GetRequiredService<IdleShutdown>();
        app.Use((HttpContext context, RequestDelegate next) => idle.Track(context, next));
        if (corsOrigins.Count > 0)
        {
            // Before the key checks: a preflight has no Authorization header by design and is answered here, and a 401
            // must carry the allow headers too, or the page on the other origin cannot read why it was refused.
            app.UseWhen(web.Serves, b => b.UseCors(CorsOrigins.PolicyName));
        }

        app.UseMiddleware<WebSecurity>();
        app.UseMiddleware<ApiKeyMiddleware>();
        // gRPC-Web on the web endpoint only: it turns a browser's call into an ordinary gRPC one (text mode decoded)
        // before the framing check reads it, and puts the trailers back in the body on the way out.
        app.UseWhen(web.Serves, b => b.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true }));
        app.Use((HttpContext context, RequestDelegate next) => Web.RestTranscoding.OnWebEndpointOnly(context, next, web));
        app.UseWhen(web.Serves, b => b.UseSwagger(o => o.RouteTemplate = Web.RestTranscoding.OpenApiRoute));
        app.UseMiddleware<UnaryCallGate>();
        app.UseMiddleware<RequestFraming>();
        app.MapGrpcService<ObsScalingService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.UseWhen(web.Serves, b => b.UseHttpMetrics(o => o.SetMetricFactory(Metrics.WithCustomRegistry(app.Services.GetRequiredService<ServerMetrics>().Registry))));
        Web.RefitEvents.Map(app);
        Web.MetricsEndpoint.Map(app, web, app.Services.GetRequiredService<ServerMetrics>().Registry);
        Web.ReadinessEndpoint.Map(app, web);
        Web.DashboardPage.Map(app, web);

        // Open (and if needed create) the database before serving, so a bad path fails at start, not on the first call.
        _ = app.Services.GetRequiredService<IDatasetStore>();
        _ = app.Services.GetRequiredService<ILedgerStore>();
        app.Lifetime.ApplicationStopping.Register(app.Services.GetRequiredService<FitWatchHub>().CloseAll);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var webAddresses = web.Addresses();
            foreach (var address in GrpcAddresses(app))
            {
                Console.Out.WriteLine(ListeningBanner + address);
            }

            foreach (var address in webAddresses)
            {
                Console.Out.WriteLine(WebBanner + address);
            }

            Console.Out.Flush();
            if (options.AddressFile is { Length: > 0 } addressFile && GrpcAddresses(app) is [var first, ..])
            {
                AddressFile.Write(addressFile, first, options.DatabasePath);
            }
        });
        if (options.AddressFile is { Length: > 0 } written)
        {
            app.Lifetime.ApplicationStopping.Register(() => AddressFile.Remove(written));
        }

        return app;
    }

    /// <summary>The gRPC addresses Kestrel bound: all but the web endpoint's.</summary>
    public static IReadOnlyList<string> GrpcAddresses(WebApplication app)
    {
        var web = WebAddresses(app);
        return BoundAddresses(app).Where(a => !web.Any(w => Port(w) == Port(a))).ToArray();
    }

    /// <summary>The web endpoint's bound addresses.</summary>
    public static IReadOnlyList<string> WebAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<WebEndpoint>().Addresses();
    }

    private static int Port(string url) => new Uri(url.Replace("://+", "://h", StringComparison.Ordinal).Replace("://*", "://h", StringComparison.Ordinal).Replace("[::]", "h", StringComparison.Ordinal)).Port;

    /// <summary>The addresses Kestrel actually bound (a port of 0 resolves to the ephemeral port).</summary>
    public static IReadOnlyList<string> BoundAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
    }

    /// <summary>The arguments without a <c>--urls</c> (or <c>/urls</c>) setting, and that setting's value.</summary>
    internal static (string[] HostArgs, string? Urls) WithoutUrls(string[] args)
    {
        var rest = new List<string>(args.Length);
        string? urls = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            var name = a.StartsWith("--", StringComparison.Ordinal) ? a[2..] : a.StartsWith('/') ? a[1..] : null;
            if (name is not null && name.StartsWith("urls=", StringComparison.OrdinalIgnoreCase))
            {
                urls = name["urls=".Length..];
            }
            else if (name is not null && name.Equals("urls", StringComparison.OrdinalIgnoreCase) && i + 1 < args.Length)
            {
                urls = args[++i];
            }
            else
            {
                rest.Add(a);
            }
        }

        return ([.. rest], urls);
    }

    private static void RequireKeyOffLoopback(IEnumerable<string> urls, ServerOptions options)
    {
        foreach (var url in urls)
        {
            BindingRules.Check(url, haveKey: !string.IsNullOrEmpty(options.ApiKey));
        }
    }
}
