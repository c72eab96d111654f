using System.Text.RegularExpressions;

namespace Switchyard.Sdk.Hosting;

/// <summary>What a role may be called. No <c>-</c>: the registered app id is <c>&lt;app&gt;-&lt;role&gt;</c>, and the
/// server reads the role back as the part after the last <c>-</c>.</summary>
internal static partial class RoleName
{
    public const int MaxLength = 32;

    public static bool IsValid(string? role) => role is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(role);

    public static void Validate(string? role, string parameter)
    {
        if (!IsValid(role))
            throw new ArgumentException($"Role \"{role}\" is not valid: use lower-case letters, digits and '_' (1–{MaxLength} characters), e.g. host or cluster.", parameter);
    }

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex Pattern();
}
