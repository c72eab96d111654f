namespace Switchyard.Sdk.Tests.Functions;

public interface IGreeter
{
    string Greet(string name);
}

internal sealed class Greeter : IGreeter
{
    public string Greet(string name) => $"Hello, {name}!";
}
