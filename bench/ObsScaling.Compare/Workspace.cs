namespace ObsScaling.Compare;

/// <summary>Where things are: the repository (for reference.py and the built obs), the paper's data and a scratch folder.</summary>
internal sealed class Workspace : IDisposable
{
    private Workspace(string root, string? data, string scratch, bool quick)
    {
        Root = root;
        Data = data;
        Scratch = scratch;
        Quick = quick;
        Python = new PythonReference(root);
    }

    public string Root { get; }

    public string? Data { get; }

    public string Scratch { get; }

    public bool Quick { get; }

    public PythonReference Python { get; }

    public static Workspace Create(bool quick)
    {
        var root = FindRoot(AppContext.BaseDirectory) ?? FindRoot(Environment.CurrentDirectory)
            ?? throw new InvalidOperationException("run from inside the repository: ObsScaling.Grpc.sln not found above " + AppContext.BaseDirectory);
        var scratch = Directory.CreateTempSubdirectory("obs-compare-").FullName;
        return new Workspace(root, ObsScaling.Testing.PaperDataDirectory.Path, scratch, quick);
    }

    public TextReader Open(string file) =>
        File.OpenText(Path.Combine(Data ?? throw new InvalidOperationException(ObsScaling.Testing.PaperDataDirectory.SkipReason), file));

    public string ScratchFile(string name) => Path.Combine(Scratch, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    internal static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ObsScaling.Grpc.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
