namespace Switchyard.Worker.Health;

/// <summary>A cron that has not succeeded for longer than twice its cadence.</summary>
/// <param name="FunctionId">The function id.</param>
/// <param name="Cron">The cron trigger.</param>
/// <param name="CadenceSeconds">Longest gap between its fires.</param>
/// <param name="LastSuccessAt">When its last successful run ended (Unix ms), or null if it never succeeded.</param>
/// <param name="Reason">What is wrong.</param>
internal sealed record StaleCron(string FunctionId, string Cron, double CadenceSeconds, long? LastSuccessAt, string Reason);
