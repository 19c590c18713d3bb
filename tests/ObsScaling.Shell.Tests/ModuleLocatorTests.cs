namespace ObsScaling.Shell.Tests;

public class ModuleLocatorTests
{
    [Fact]
    public void Modules_are_found_in_the_modules_folder_one_level_deep_then_the_environment_then_options()
    {
        var app = Directory.CreateTempSubdirectory("obs-app-");
        try
        {
            var modules = Directory.CreateDirectory(Path.Combine(app.FullName, "modules"));
            File.WriteAllText(Path.Combine(modules.FullName, "Top.psd1"), "@{}");
            var nested = Directory.CreateDirectory(Path.Combine(modules.FullName, "ObsScaling"));
            File.WriteAllText(Path.Combine(nested.FullName, "ObsScaling.psd1"), "@{}");
            var deep = Directory.CreateDirectory(Path.Combine(nested.FullName, "en-US"));
            File.WriteAllText(Path.Combine(deep.FullName, "Data.psd1"), "@{}");

            var found = ModuleLocator.Find(app.FullName, "/elsewhere/Env.psd1", ["/opt/Option.psd1"]);

            Assert.Equal(
                [Path.Combine(modules.FullName, "Top.psd1"), Path.Combine(nested.FullName, "ObsScaling.psd1"), "/elsewhere/Env.psd1", "/opt/Option.psd1"],
                found);
            Assert.Empty(ModuleLocator.Find(Path.Combine(app.FullName, "nothing-here"), null, []));
        }
        finally
        {
            app.Delete(recursive: true);
        }
    }
}
