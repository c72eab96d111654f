using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Configuration;

namespace Switchyard.Server.Tests.Deploy;

/// <summary>deploy/k8s: both overlays render with <c>kubectl kustomize</c>, every rendered object validates against
/// the Kubernetes OpenAPI schemas (Deploy/k8s-validate, node + kubernetes-models, which also rejects unknown fields),
/// and no Service is named so that Kubernetes would inject <c>SWITCHYARD_*</c> variables into the pods.</summary>
public sealed partial class KubernetesManifestTests
{
    /// <summary>The pinned kubernetes-models; node_modules holding another version is reinstalled.</summary>
    private const string ModelsVersion = "5.1.0";

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    public static TheoryData<string> Overlays => new() { "single", "ha" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Overlay_renders_and_every_object_matches_the_kubernetes_schemas(string overlay)
    {
        var rendered = await RenderAsync(overlay);
        var (code, output) = await ValidateAsync(rendered);
        Assert.True(code == 0, $"{overlay}: the schema check failed:\n{output}");
        Assert.Contains(overlay == "single" ? "ok StatefulSet/yard-server" : "ok Deployment/yard-server", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_check_rejects_a_wrong_type_and_an_unknown_field()
    {
        // Proof that the check above can fail: kubectl kustomize itself accepts both mistakes.
        var rendered = (await RenderAsync("ha"))
            .Replace("replicas: 3", "replicas: three", StringComparison.Ordinal)
            .Replace("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", StringComparison.Ordinal);
        var (code, output) = await ValidateAsync(rendered);
        Assert.Equal(1, code);
        Assert.Contains("Deployment/yard-server: /spec/replicas type", output, StringComparison.Ordinal);
        Assert.Contains("/securityContext/readOnlyRootFileSystem: unknown field", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task No_service_makes_kubernetes_inject_switchyard_variables(string overlay)
    {
        var services = Services(await RenderAsync(overlay));
        Assert.NotEmpty(services);
        Assert.Equal([], services.Where(s => s.Name.StartsWith("switchyard", StringComparison.OrdinalIgnoreCase)).Select(s => s.Name).ToList());
        var injected = services.SelectMany(s => ServiceLinks(s.Name, s.Ports)).Select(v => v.Name).ToList();
        Assert.Equal([], injected.Where(n => n.StartsWith(SwitchyardVariables.Prefix, StringComparison.Ordinal)).ToList());

        // And were someone to rename one to "switchyard", what Kubernetes would inject is ignored by the configuration.
        var trap = ServiceLinks("switchyard", services.First(s => s.Name == "yard-server").Ports).ToList();
        Assert.Contains(trap, v => v.Name == "SWITCHYARD_PORT" && v.Value.StartsWith("tcp://", StringComparison.Ordinal));
        Assert.Equal([], trap.Where(v => !SwitchyardVariables.IsNotAServerOption(v.Name, v.Value)).Select(v => $"{v.Name}={v.Value}").ToList());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Server_pods_run_non_root_read_only_with_probes_on_live_and_ready(string overlay)
    {
        var server = Documents(await RenderAsync(overlay)).Single(d => d.Contains("\n  name: yard-server\n", StringComparison.Ordinal) && Regex.IsMatch(d, "^kind: (StatefulSet|Deployment)$", RegexOptions.Multiline));
        foreach (var expected in new[] { "runAsNonRoot: true", "readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false", "path: /health/live", "path: /health/ready", "enableServiceLinks: false", "mountPath: /tmp", "limits:", "requests:" })
            Assert.Contains(expected, server, StringComparison.Ordinal);
    }

    /// <summary>The rendered output of <c>kubectl kustomize deploy/k8s/OVERLAY</c>.</summary>
    private static async Task<string> RenderAsync(string overlay)
    {
        var (code, stdout, stderr) = await DeployFiles.RunAsync("kubectl", ["kustomize", DeployFiles.Path("k8s", overlay)]);
        Assert.True(code == 0, $"kubectl kustomize {overlay} failed ({code}):\n{stderr}");
        return stdout;
    }

    /// <summary>Runs Deploy/k8s-validate/validate.mjs on <paramref name="rendered"/>.</summary>
    private static async Task<(int Code, string Output)> ValidateAsync(string rendered)
    {
        var dir = ValidatorDirectory();
        await EnsureInstalledAsync(dir);
        var file = Path.Combine(TempDir.Create(), "rendered.yaml");
        await File.WriteAllTextAsync(file, rendered);
        var (code, stdout, stderr) = await DeployFiles.RunAsync("node", ["validate.mjs", file], dir);
        return (code, stdout + stderr);
    }

    private static string ValidatorDirectory() => Path.Combine(DeployFiles.RepoRoot(), "tests", "Switchyard.Server.Tests", "Deploy", "k8s-validate");

    /// <summary><c>npm ci</c> once into the validator's node_modules (kept between runs, gitignored), as the Compat
    /// tests do for their app: a warm run costs nothing, a cold one a few seconds.</summary>
    private static async Task EnsureInstalledAsync(string dir)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_installed) return;
            var manifest = Path.Combine(dir, "node_modules", "kubernetes-models", "package.json");
            if (!File.Exists(manifest) || (string?)JsonNode.Parse(await File.ReadAllTextAsync(manifest))?["version"] != ModelsVersion)
            {
                var (code, stdout, stderr) = await DeployFiles.RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], dir, TimeSpan.FromMinutes(5));
                Assert.True(code == 0, $"npm ci failed ({code}) in {dir}:\n{stdout}{stderr}");
            }
            _installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static IEnumerable<string> Documents(string rendered) =>
        rendered.Split("\n---\n").Select(d => d.Trim('\n') + "\n");

    /// <summary>Name and ports of each rendered Service (kubectl kustomize writes keys sorted, metadata.name at two
    /// spaces' indent, ports as <c>- name: …</c> / <c>port: …</c> items).</summary>
    private static List<(string Name, List<(string? Name, int Port, string Protocol)> Ports)> Services(string rendered) =>
        Documents(rendered).Where(d => Regex.IsMatch(d, "^kind: Service$", RegexOptions.Multiline)).Select(d =>
        {
            var name = MetadataName().Match(d).Groups[1].Value;
            var ports = PortItem().Matches(d).Select(m => (m.Groups["name"].Success ? m.Groups["name"].Value : null, int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture), "TCP")).ToList();
            return (name, ports);
        }).ToList();

    /// <summary>The docker-link variables the kubelet injects for a Service (unless enableServiceLinks is false):
    /// <c>NAME_SERVICE_HOST</c>, <c>NAME_SERVICE_PORT[_PORTNAME]</c>, <c>NAME_PORT</c>, <c>NAME_PORT_N_TCP[_PROTO|_PORT|_ADDR]</c>.</summary>
    private static IEnumerable<(string Name, string Value)> ServiceLinks(string service, List<(string? Name, int Port, string Protocol)> ports)
    {
        const string ip = "10.96.0.10";
        var prefix = service.ToUpperInvariant().Replace('-', '_');
        yield return ($"{prefix}_SERVICE_HOST", ip);
        yield return ($"{prefix}_SERVICE_PORT", ports[0].Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ($"{prefix}_PORT", $"tcp://{ip}:{ports[0].Port}");
        foreach (var (name, port, protocol) in ports)
        {
            if (name is not null) yield return ($"{prefix}_SERVICE_PORT_{name.ToUpperInvariant().Replace('-', '_')}", $"{port}");
            var link = $"{prefix}_PORT_{port}_{protocol}";
            yield return (link, $"{protocol.ToLowerInvariant()}://{ip}:{port}");
            yield return (link + "_PROTO", protocol.ToLowerInvariant());
            yield return (link + "_PORT", $"{port}");
            yield return (link + "_ADDR", ip);
        }
    }

    [GeneratedRegex(@"^metadata:\n(?:    .*\n|  (?!name:).*\n)*?  name: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex MetadataName();

    [GeneratedRegex(@"^  - name: (?<name>\S+)\n    port: (?<port>\d+)$|^  - port: (?<port>\d+)$", RegexOptions.Multiline)]
    private static partial Regex PortItem();
}
