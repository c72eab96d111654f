using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary><c>POST /fn/register</c> (an app announcing its functions, Inngest SDK protocol): the outcome. Snake-case
/// <c>app_id</c> and the <c>status</c> field are what Inngest SDKs expect.</summary>
/// <param name="Ok">Always true (failures are <see cref="RegisterError"/>).</param>
/// <param name="Modified">The app's functions changed.</param>
/// <param name="AppId">The app id.</param>
/// <param name="Removed">Ids of functions the app no longer registers.</param>
/// <param name="Status">Always 200.</param>
public sealed record RegisterResult(bool Ok, bool Modified, [property: JsonPropertyName("app_id")] string AppId, IReadOnlyList<string> Removed, int Status);

/// <summary><c>POST /fn/register</c> failure, in the flat shape the Inngest SDKs read.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="Code"><c>unauthorized</c> or <c>invalid_registration</c>.</param>
public sealed record RegisterError(int Status, string Error, string Code);
