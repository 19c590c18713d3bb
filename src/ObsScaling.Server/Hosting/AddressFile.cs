using System.Diagnostics;
using System.Globalization;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// ObsScaling:AddressFile: once serving, the server writes its gRPC address there, as four lines — address,
/// process id, the process's start time (UTC ticks, which tells it from a later process reusing the id) and the
/// full database path — and removes the file when it stops. The PowerShell module puts it beside the database
/// (<c>{database}.server</c>) to find a running server for that database instead of starting a second one, which
/// the database lock would refuse. The file is replaced atomically, so a reader never sees half of it.
/// </summary>
internal static class AddressFile
{
    public static void Write(string path, string address, string database)
    {
        var full = Path.GetFullPath(path);
        using var self = Process.GetCurrentProcess();
        var text = string.Join('\n',
            address,
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            self.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture),
            Path.GetFullPath(database)) + "\n";
        var temp = full + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Removes the file if it is still this process's (a later server may have replaced it).</summary>
    public static void Remove(string path)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length > 1 && lines[1] == Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
