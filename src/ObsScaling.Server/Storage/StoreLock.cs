namespace ObsScaling.Server.Storage;

/// <summary>
/// Exclusive ownership of a database file by one server process: <c>{database}.lock</c> beside it, held open with
/// <see cref="FileShare.None"/> (an flock on Unix, a share lock on Windows) for the life of the store. The caches
/// and the write gate assume they see every change to the file; a second process writing the same file would
/// have them serve deleted or superseded data. The operating system drops the lock when the process dies
/// (kill -9 included), so a crash never leaves the file locked.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream _file;

    private StoreLock(FileStream file) => _file = file;

    public static string PathFor(string database) => database + ".lock";

    public static StoreLock Acquire(string database)
    {
        var path = PathFor(database);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            try
            {
                // The owner's process id, for whoever finds the file (the lock keeps other processes from reading
                // it through .NET, but cat works); the lock itself is what counts.
                file.SetLength(0);
                var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
                file.Write(pid);
                file.Flush();
            }
            catch (IOException)
            {
                // Writing the owner's id is a courtesy; holding the handle is the lock.
            }

            return new StoreLock(file);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidOperationException(
                $"Refusing to open the database {database}: another ObsScaling server is using it (it holds {path}, which names its process id). " +
                "One server process per database file: stop the other one, connect to it, or give this one another --ObsScaling:DatabasePath.", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
