using System.Reflection;
using System.Runtime.Loader;

namespace ObsScaling.PowerShell.Loader;

/// <summary>
/// The load context of the ObsScaling module: every assembly found in the module's folder (the module, gRPC,
/// Protobuf, the contracts, …) loads here, whatever versions of them the default context already holds; everything
/// else (PowerShell itself, the framework) comes from the default context, so the cmdlets share PowerShell's types.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private const string ModuleAssembly = "ObsScaling.PowerShell";

    private static readonly Lock Gate = new();
    private static Assembly? _module;

    private readonly string _folder;

    private ModuleLoadContext(string folder)
        : base("ObsScaling", isCollectible: false) => _folder = folder;

    /// <summary>
    /// The module assembly, loaded once per process from <paramref name="folder"/>. A host that ships the module
    /// itself (its own dependency versions, e.g. the in-process tests that reference it) gets that copy, since two
    /// copies would split the module's types and its session state.
    /// </summary>
    public static Assembly LoadModule(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        lock (Gate)
        {
            if (_module is not null)
            {
                return _module;
            }

            if (HostShips(ModuleAssembly + ".dll"))
            {
                return _module = Default.LoadFromAssemblyName(new AssemblyName(ModuleAssembly));
            }

            var context = new ModuleLoadContext(Path.GetFullPath(folder));
            return _module = context.LoadFromAssemblyPath(Path.Combine(context._folder, ModuleAssembly + ".dll"));
        }
    }

    /// <summary>Where the module's own copies are; null (the default context) for the rest.</summary>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || IsShared(assemblyName.Name))
        {
            return null;
        }

        var path = Path.Combine(_folder, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = Path.Combine(_folder, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }

    /// <summary>Assemblies whose types the module shares with its host: PowerShell's and this loader.</summary>
    private static bool IsShared(string name) =>
        name is "System.Management.Automation" or "Microsoft.PowerShell.Commands.Utility" or "Microsoft.PowerShell.CoreCLR.Eventing"
        || name == typeof(ModuleLoadContext).Assembly.GetName().Name;

    private static bool HostShips(string fileName) =>
        (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(p => string.Equals(Path.GetFileName(p), fileName, StringComparison.OrdinalIgnoreCase));
}
