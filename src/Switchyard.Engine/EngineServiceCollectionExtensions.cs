using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchyard.Configuration;
using Switchyard.Engine.Dags;
using Switchyard.Engine.Diagnostics;
using Switchyard.Engine.Events;
using Switchyard.Engine.Execution;
using Switchyard.Engine.Expressions;
using Switchyard.Engine.FlowControl;
using Switchyard.Engine.Insight;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Operations;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Scheduling;
using Switchyard.Engine.Telemetry;
using Switchyard.Engine.Triggers;
using Switchyard.Engine.Work;

namespace Switchyard.Engine;

/// <summary>Registers the engine. A store (with its <see cref="IWorkScheduler"/>) is added separately:
/// <c>AddSqliteStore</c> or <c>AddPostgresStore</c>.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>Adds the engine's services for <paramref name="options"/>, in the order an event flows through them.</summary>
    public static IServiceCollection AddSwitchyardEngine(this IServiceCollection s, ServerOptions options)
    {
        s.TryAddSingleton(options);
        s.TryAddSingleton(TimeProvider.System);
        s.AddHttpClient(AppClient.HttpClientName, c => c.Timeout = options.CallTimeout + TimeSpan.FromSeconds(5))
            // No redirects: a redirect would re-send the signed request (and its signature) to a host nobody
            // registered, and let a sync reach addresses the allow-list refuses (issue 21, finding 4).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 1024, AllowAutoRedirect = false });

        // Registry and triggers.
        s.AddSingleton<ExpressionEvaluator>();
        s.AddSingleton<FunctionRegistry>();
        s.AddSingleton<TriggerMatcher>();
        s.AddSingleton<AppUrlPolicy>();
        s.AddSingleton<AppRegistration>();
        s.AddSingleton<AppSync>();
        s.AddSingleton<AppResync>();
        s.AddHostedService(sp => sp.GetRequiredService<AppResync>());

        // Transition listeners, in the order they see each transition: the history row first.
        s.AddSingleton<RunLifecycle>();
        s.AddSingleton<IRunListener, HistoryWriter>();
        s.AddSingleton<IRunListener, TelemetryMirror>();
        s.AddSingleton<IRunListener, RunSpans>();
        s.AddSingleton<IRunListener, SentEventTraces>();
        s.AddSingleton<IRunListener, SingletonRelease>();
        s.AddSingleton<IRunListener, DagTelemetry>();
        s.AddSingleton<IRunListener, PipelineNotifier>();
        s.AddSingleton<RunCompletions>();
        s.AddSingleton<IRunListener>(sp => sp.GetRequiredService<RunCompletions>());
        // The live feed (GET /v1/feed, the dashboard): new events and run transitions, after commit.
        s.AddSingleton<Feed.LiveFeed>();
        s.AddSingleton<Feed.FeedListener>();
        s.AddSingleton<IRunListener>(sp => sp.GetRequiredService<Feed.FeedListener>());
        // A cancelled run's in-flight app call is aborted, so the SDK's step token fires.
        s.AddSingleton<InFlightCalls>();
        s.AddSingleton<IRunListener, CallAborter>();
        s.AddSingleton<IEventListener>(sp => sp.GetRequiredService<Feed.FeedListener>());

        // Ingest → admission → runs → queue.
        s.AddSingleton<WorkQueue>();
        s.AddSingleton<RunAdvancer>();
        s.AddSingleton<RunStarter>();
        s.AddSingleton<RunFinisher>();
        s.AddSingleton<WaitResolver>();
        s.AddSingleton<FlowKeys>();
        s.AddSingleton<RunAdmission>();
        s.AddSingleton<EventIngest>();

        // Executor → app → apply answer.
        s.AddSingleton<RetryPolicy>();
        s.AddSingleton<AppClient>();
        s.AddSingleton<ResponseApplier>();
        s.AddSingleton<Executor>();

        // Operator commands and answers.
        s.AddSingleton<RunCanceller>();
        s.AddSingleton<RunReplayer>();
        s.AddSingleton<RunInvoker>();
        s.AddSingleton<WhyExplainer>();
        s.AddSingleton<TraceBuilder>();
        s.AddSingleton<StatusReport>();
        s.AddSingleton<TopologyBuilder>();

        // DAG runs and pipelines: the orchestrator is a worker function; the server validates, starts and explains.
        // The catalog is read here, so a bad pipeline stops the server at start with every problem named.
        s.AddSingleton(new PipelineCatalog(options));
        s.AddSingleton<DagRuns>();
        s.AddSingleton<DagSubmitter>();
        s.AddSingleton<PipelineLauncher>();
        s.AddSingleton<IPipelineLauncher>(sp => sp.GetRequiredService<PipelineLauncher>());
        s.AddSingleton<DagViews>();
        s.AddSingleton<PipelineTicker>();
        s.AddHostedService(sp => sp.GetRequiredService<PipelineTicker>());

        s.AddTelemetry();
        s.AddSingleton<Retention.RetentionSweeper>();
        s.AddSingleton<Retention.RetentionService>();
        s.AddHostedService(sp => sp.GetRequiredService<Retention.RetentionService>());
        s.AddSingleton<CronTicker>();
        s.AddHostedService(sp => sp.GetRequiredService<CronTicker>());

        // The work queue (yard queue); the pipeline handler uses an IPipelineLauncher when one is registered.
        s.AddHttpClient(WorkHttpSender.HttpClientName);
        s.AddSingleton<WorkHttpSender>();
        s.AddSingleton<QueueFamilies>();
        s.AddSingleton<WorkSignal>();
        s.AddSingleton<QueueTelemetry>();
        s.AddSingleton<QueuePauses>();
        s.AddSingleton<QueueEmitter>();
        s.AddSingleton<QueueInsight>();
        s.AddSingleton<QueueDispatcher>();
        s.AddHostedService(sp => sp.GetRequiredService<QueueDispatcher>());
        return s;
    }
}
