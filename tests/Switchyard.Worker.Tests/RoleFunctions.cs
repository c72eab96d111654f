using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchyard.Sdk;

namespace Switchyard.Worker.Tests;

/// <summary>One codebase of functions split by role; each answers with the app that ran it, so routing shows.</summary>
public abstract class RoleFunction(IOptions<SwitchyardOptions> options, string id, params string[] roles) : SwitchyardFunction<JsonObject>
{
    public const string Trigger = "shop/order.placed";

    public override void Configure(FunctionBuilder function)
    {
        function.Id(id).OnEvent(Trigger);
        if (roles.Length > 0) function.Roles(roles);
    }

    public override Task<object?> RunAsync(FunctionContext<JsonObject> context) =>
        Task.FromResult<object?>(new { function = id, app = options.Value.RegisteredAppId });
}

public sealed class HostOnly(IOptions<SwitchyardOptions> o) : RoleFunction(o, "host-only", "host");

public sealed class ClusterOnly(IOptions<SwitchyardOptions> o) : RoleFunction(o, "cluster-only", "cluster");

/// <summary>Put in both roles by mistake: both apps register its id.</summary>
public sealed class InBothRoles(IOptions<SwitchyardOptions> o) : RoleFunction(o, "both", "host", "cluster");

public sealed class NoRoles(IOptions<SwitchyardOptions> o) : RoleFunction(o, "anywhere");

public sealed class GpuOnly(IOptions<SwitchyardOptions> o) : RoleFunction(o, "gpu-only", "gpu");

/// <summary>A cron that fires every second and never succeeds, for the function-health check to find.</summary>
public sealed class FailingTick : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder function) => function.Id("tick").OnCron("* * * * * *").Retries(0);

    public override Task<object?> RunAsync(FunctionContext<JsonObject> context) => throw new NonRetriableException("always fails");
}
