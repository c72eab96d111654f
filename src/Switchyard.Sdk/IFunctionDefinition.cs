namespace Switchyard.Sdk;

/// <summary>Declares a function's metadata statically, so that the app reads it at start-up (and a
/// <see cref="FunctionRef{TData, TResult}"/> reads its id) without constructing the function or any of its
/// dependencies. Implemented by the function class next to its base class:
/// <code>
/// public sealed class SendReport(IMailer mailer) : SwitchyardFunction&lt;ReportRequest, Report&gt;, IFunctionDefinition
/// {
///     public static void Define(FunctionBuilder f) => f.Id("send-report").OnEvent("app/report.requested").Retries(2);
///     public override async Task&lt;Report&gt; RunAsync(FunctionContext&lt;ReportRequest&gt; ctx) => …;
/// }
/// </code></summary>
public interface IFunctionDefinition
{
    /// <summary>Describes the function: id, name, triggers, retries, flow control. Called once per function class.</summary>
    /// <param name="function">The builder to describe the function with.</param>
    static abstract void Define(FunctionBuilder function);
}
