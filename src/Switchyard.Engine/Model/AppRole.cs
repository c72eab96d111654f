namespace Switchyard.Engine.Model;

/// <summary>The role an app runs in (e.g. <c>host</c> or <c>cluster</c>), from the optional <c>role</c> of its
/// registration. The C# SDK sends it when started in a role, with the app id <c>&lt;app&gt;-&lt;role&gt;</c> and function
/// ids <c>&lt;app&gt;-&lt;fn&gt;</c>. Roles live in the store's key-value state, written in the registration's
/// transaction, so they survive restarts and reach other replicas without a schema change.</summary>
public static class AppRole
{
    /// <summary>Key-value namespace: app id → role.</summary>
    public const string Namespace = "registry.roles";

    /// <summary>Why a registration's role is unacceptable, or null when it is fine (or absent).</summary>
    /// <param name="appName">The registered app id.</param>
    /// <param name="role">The registration's role.</param>
    public static string? Problem(string appName, string? role)
    {
        if (role is null) return null;
        if (role.Length is 0 or > 32 || !role.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            return $"role '{role}' must be 1–32 lower-case letters, digits or '_'";
        // Keeps the documented scheme true for whatever sends a role, so `yard apps` never shows a role the id hides.
        if (!appName.EndsWith("-" + role, StringComparison.Ordinal) || appName.Length == role.Length + 1)
            return $"an app in role '{role}' must register as <app>-{role}, not '{appName}'";
        return null;
    }
}
