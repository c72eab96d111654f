using Microsoft.Extensions.Logging;

namespace Switchyard.Sdk.Execution;

/// <summary>Drops log entries written while the function is replaying memoized steps, so each line is logged once
/// per run rather than once per call.</summary>
internal sealed class ReplayAwareLogger(ILogger inner, Func<bool> isReplaying) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => !isReplaying() && inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!isReplaying()) inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
