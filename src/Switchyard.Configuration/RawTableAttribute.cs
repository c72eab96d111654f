namespace Switchyard.Configuration;

/// <summary>Marks an options property filled from the raw TOML table of the same name instead of the binder: its
/// contents are documents (pipelines), checked by their own parser with errors naming their own fields, not options.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RawTableAttribute : Attribute;
