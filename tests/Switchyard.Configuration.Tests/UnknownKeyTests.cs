using Switchyard.Configuration;

namespace Switchyard.Configuration.Tests;

public sealed class UnknownKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("yard-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string toml)
    {
        var path = Path.Combine(_dir, "yard.toml");
        File.WriteAllText(path, toml);
        return path;
    }

    [Fact]
    public void A_misspelt_key_in_yard_toml_is_an_error_naming_the_key_and_the_file()
    {
        var file = Write("dta_dir = \"/var/yard\"\n");
        var ex = Assert.Throws<InvalidDataException>(() => SwitchyardConfiguration.Load(configFile: file));
        Assert.Contains("dta_dir", ex.Message, StringComparison.Ordinal);
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
    }
}
