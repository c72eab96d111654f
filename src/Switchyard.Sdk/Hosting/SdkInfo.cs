namespace Switchyard.Sdk.Hosting;

/// <summary>How this SDK identifies itself on the wire.</summary>
internal static class SdkInfo
{
    public const string Version = "0.1.0";
    public const string Language = "dotnet";
    public const string Framework = "aspnetcore";

    /// <summary><c>x-inngest-sdk</c> header value.</summary>
    public const string Header = "switchyard-dotnet:v" + Version;

    /// <summary><c>sdk</c> field of the registration.</summary>
    public const string RegisterName = Language + ":v" + Version;

    /// <summary>Protocol version answered in <c>x-inngest-req-version</c>: optimized parallelism.</summary>
    public const string RequestVersion = "2";

    public const string SchemaVersion = "2024-05-24";
}
