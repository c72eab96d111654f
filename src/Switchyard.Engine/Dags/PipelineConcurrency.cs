using Switchyard.Engine.Model;

namespace Switchyard.Engine.Dags;

/// <summary>What a pipeline does with a new request while its last run is still going.</summary>
public enum PipelineConcurrency
{
    /// <summary>Start another run alongside.</summary>
    [WireName("allow")]
    Allow,
    /// <summary>Skip the request, and record why.</summary>
    [WireName("forbid")]
    Forbid,
    /// <summary>Cancel the running one, then start.</summary>
    [WireName("replace")]
    Replace,
}
