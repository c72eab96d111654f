using System.Collections;
using System.Text.RegularExpressions;

namespace Switchyard.Configuration;

/// <summary>Which <c>SWITCHYARD_*</c> environment variables mean what. Options of <c>yard.toml</c> are
/// <c>SWITCHYARD_&lt;KEY&gt;</c> with <c>__</c> between tables; the gateway's and the supervisor's own settings live
/// under <see cref="GatewayPrefix"/> and <see cref="SupervisorPrefix"/>; a few variables are read directly by a
/// component; and Kubernetes service links are not configuration at all.</summary>
public static partial class SwitchyardVariables
{
    /// <summary>Prefix of every variable.</summary>
    public const string Prefix = "SWITCHYARD_";

    /// <summary>Gateway settings: <c>SWITCHYARD_GATEWAY__CONTROL_TOKEN</c>, <c>SWITCHYARD_GATEWAY__CHANNELS__OPS__TOKEN</c>.</summary>
    public const string GatewayPrefix = "SWITCHYARD_GATEWAY__";

    /// <summary>Supervisor settings: <c>SWITCHYARD_SUPERVISOR__TELEMETRY_TOKEN</c>.</summary>
    public const string SupervisorPrefix = "SWITCHYARD_SUPERVISOR__";

    /// <summary>Variables a component reads by hand rather than as a <c>yard.toml</c> option: the configuration file,
    /// a worker's role and whether it allows shell, the event key of workers, SDK apps and the gateway, and the gateway
    /// control token of the CLI.</summary>
    public static readonly IReadOnlyList<string> ReadDirectly =
        ["SWITCHYARD_CONFIG", "SWITCHYARD_ROLE", "SWITCHYARD_WORKER_ALLOW_SHELL", "SWITCHYARD_EVENT_KEY", "SWITCHYARD_GATEWAY_TOKEN"];

    /// <summary>True for what Kubernetes injects for a Service (named e.g. <c>switchyard</c>): <c>*_SERVICE_HOST</c>,
    /// <c>*_SERVICE_PORT*</c>, <c>*_PORT_8288_TCP*</c>, and <c>*_PORT</c> whose value is <c>tcp://host:port</c>.
    /// <c>SWITCHYARD_PORT=9000</c> is still the port option.</summary>
    public static bool IsKubernetesServiceLink(string name, string? value) =>
        ServiceLinkName().IsMatch(name) ||
        (name.EndsWith("_PORT", StringComparison.OrdinalIgnoreCase) && value is not null && ServiceLinkValue().IsMatch(value));

    /// <summary>True for a variable that is not a <c>yard.toml</c> option: read directly, another component's, or a
    /// Kubernetes service link.</summary>
    public static bool IsNotAServerOption(string name, string? value) =>
        ReadDirectly.Contains(name, StringComparer.OrdinalIgnoreCase) ||
        name.StartsWith(GatewayPrefix, StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith(SupervisorPrefix, StringComparison.OrdinalIgnoreCase) ||
        IsKubernetesServiceLink(name, value);

    /// <summary>The variable of a dotted snake-case key path: <c>webhooks.github_secret</c> →
    /// <c>SWITCHYARD_WEBHOOKS__GITHUB_SECRET</c>. Dashes become underscores (channel names may have them).</summary>
    public static string For(string keyPath, string prefix = Prefix) =>
        prefix + keyPath.Replace(".", "__", StringComparison.Ordinal).Replace('-', '_').ToUpperInvariant();

    /// <summary>The process environment's <c>SWITCHYARD_*</c> variables.</summary>
    public static IReadOnlyDictionary<string, string> Current()
    {
        var vars = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            if (entry.Key is string name && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && entry.Value is string value)
                vars[name] = value;
        return vars;
    }

    [GeneratedRegex(@"(_SERVICE_HOST|_SERVICE_PORT(_[A-Z0-9_]+)?|_PORT_\d+_(TCP|UDP|SCTP)(_[A-Z]+)?)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ServiceLinkName();

    [GeneratedRegex(@"^(tcp|udp|sctp)://", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ServiceLinkValue();
}
