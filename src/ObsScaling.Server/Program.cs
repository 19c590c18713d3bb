using ObsScaling.Server.Hosting;

try
{
    var app = ObsScalingServer.Build(args);
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (InvalidOperationException ex) when (ex.Message.StartsWith("Refusing", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}
