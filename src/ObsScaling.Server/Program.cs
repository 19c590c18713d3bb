using System.Net.Sockets;
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
catch (Exception ex) when (ex is IOException or SocketException)
{
    // Kestrel could not bind (address in use, not an address of this machine): say so, without a stack trace.
    await Console.Error.WriteLineAsync($"Refusing to start: could not listen ({ex.Message}).").ConfigureAwait(false);
    return 2;
}
