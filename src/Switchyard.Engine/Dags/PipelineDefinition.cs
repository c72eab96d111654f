using Switchyard.Engine.Expressions;
using Switchyard.Protocol.Dags;

namespace Switchyard.Engine.Dags;

/// <summary>A named DAG from configuration.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Spec">The DAG (its <see cref="DagSpec.Pipeline"/> is <paramref name="Name"/>).</param>
/// <param name="Schedule">When it runs by itself; null for on demand only.</param>
/// <param name="Concurrency">What a new request does while the last run is going.</param>
/// <param name="Notify">Gateway channel told when a run completes or fails; null for none.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Origin">Where it was declared (<c>yard.toml</c>, or its file).</param>
public sealed record PipelineDefinition(string Name, DagSpec Spec, CronSchedule? Schedule, PipelineConcurrency Concurrency, string? Notify, string? Description, string Origin);
