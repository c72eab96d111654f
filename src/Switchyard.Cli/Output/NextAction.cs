namespace Switchyard.Cli.Output;

/// <summary>A command worth running next, offered in every envelope so agents and people can follow up.</summary>
public sealed record NextAction(string Command, string Description);
