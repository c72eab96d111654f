namespace Switchyard.Engine.Tests.Architecture;

/// <summary>Keeps the engine what issue 15 made it: no ASP.NET Core, no service location, and folders that form an
/// acyclic graph (as Go forbids package cycles in inngest's <c>pkg/execution</c>), so a reader can follow an event
/// from the bottom layer up.</summary>
public sealed class EngineBoundaryTests
{
    private static readonly string EnginePath = typeof(Switchyard.Engine.EngineServiceCollectionExtensions).Assembly.Location;

    [Fact]
    public void The_engine_folders_form_an_acyclic_graph()
    {
        var graph = FolderGraph.Read(EnginePath);
        var cycles = graph.Cycles();
        var message = string.Join("\n", cycles.Select(c =>
            $"cycle between {string.Join(", ", c)}:\n" + string.Join("\n", c.SelectMany(from =>
                graph.Edges.GetValueOrDefault(from)?.Where(e => c.Contains(e.Key)).Select(e => $"  {from} → {e.Key}: {e.Value}") ?? []))));
        Assert.True(cycles.Count == 0, message);
    }

    [Fact]
    public void The_folder_graph_sees_references_made_inside_method_bodies()
    {
        // Guards the guard: RunFinisher only calls RunLifecycle inside methods and takes it in its constructor; the
        // flow-control listener reads RunAdmission's constant inside a method. Both edges must be seen.
        var graph = FolderGraph.Read(EnginePath);
        Assert.Contains("Lifecycle", graph.Edges["Runs"].Keys);
        Assert.Contains("Model", graph.Edges["Runs"].Keys);
        Assert.Contains("Runs", graph.Edges["Events"].Keys);
    }

    [Fact]
    public void Only_the_root_registration_depends_on_the_work_queue()
    {
        // Work/ (yard queue) sits on top of ingest, telemetry and the pipeline contract; nothing below may reach back.
        var graph = FolderGraph.Read(EnginePath);
        Assert.Contains("Work", graph.Edges["(root)"].Keys);
        Assert.Equal([], graph.Edges.Where(e => e.Key != "(root)" && e.Value.ContainsKey("Work")).Select(e => $"{e.Key}: {e.Value["Work"]}").ToList());
    }

    [Fact]
    public void The_engine_references_no_ASP_NET_Core_assembly()
    {
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(EnginePath);
        var web = module.AssemblyReferences.Where(a => a.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).Select(a => a.Name).ToList();
        Assert.Empty(web);
    }

    [Fact]
    public void No_engine_type_pulls_services_out_of_an_IServiceProvider()
    {
        // Service location hid the engine's cycles (seven classes resolved their collaborators by hand). Only the DI
        // registration code (the *ServiceCollectionExtensions classes) may mention IServiceProvider, to register one
        // singleton under two types.
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(EnginePath);
        var offenders = module.GetTypes()
            .Where(t => !(t.DeclaringType ?? t).Name.EndsWith("ServiceCollectionExtensions", StringComparison.Ordinal))
            .SelectMany(t => t.Methods.Where(m => m.HasBody).SelectMany(m => m.Body.Instructions
                .Where(i => i.Operand is Mono.Cecil.MethodReference mr &&
                            (mr.DeclaringType.FullName is "System.IServiceProvider" ||
                             mr.DeclaringType.FullName.StartsWith("Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions", StringComparison.Ordinal)))
                .Select(_ => $"{t.FullName}.{m.Name}")))
            .Distinct().ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_layers_read_from_the_model_up_to_the_operator_answers()
    {
        var layers = FolderGraph.Read(EnginePath).Layers().ToList();
        Assert.True(layers.IndexOf("Model") < layers.IndexOf("Storage"));
        Assert.True(layers.IndexOf("Runs") < layers.IndexOf("FlowControl"));
        Assert.True(layers.IndexOf("FlowControl") < layers.IndexOf("Events"));
        Assert.True(layers.IndexOf("Events") < layers.IndexOf("Execution"));
        Assert.Equal("(root)", layers[^1]);
    }
}
