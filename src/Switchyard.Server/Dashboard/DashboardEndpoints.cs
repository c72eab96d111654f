using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchyard.Configuration;
using Switchyard.Server.Api;
using Switchyard.Server.Dashboard.Components;

namespace Switchyard.Server.Dashboard;

/// <summary>The web dashboard under <see cref="Prefix"/>: server-rendered Razor components (static SSR), the actions
/// its forms post to, its embedded assets and its live feed. Outside dev mode every route but the login form and the
/// assets needs the session cookie that logging in with the API token sets.</summary>
internal static class DashboardEndpoints
{
    /// <summary>Where every dashboard route lives.</summary>
    public const string Prefix = "/ui";

    /// <summary>Routes reachable without a session outside dev mode: the login form (and its post) and the
    /// stylesheet/script the login form needs, and <c>/ui</c> itself, which only redirects to the (guarded) runs page. <c>DashboardRouteTests</c> holds every other route to auth.</summary>
    public static readonly IReadOnlySet<string> PublicRoutes = new HashSet<string>(StringComparer.Ordinal) { "/ui", "/ui/login", "/ui/assets/{name}" };

    /// <summary>Registers components, cookie authentication and anti-forgery.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection s)
    {
        s.AddRazorComponents();
        s.AddHttpClient();
        s.AddSingleton<DashboardGateway>();
        // Keys live in memory: a restart ends every session (log in again) and no key material is written to disk.
        // Replicas behind a load balancer therefore need sticky sessions for the dashboard.
        s.AddDataProtection().UseEphemeralDataProtectionProvider();
        s.AddAntiforgery(o =>
        {
            o.Cookie.Name = "switchyard.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.Path = Prefix;
        });
        s.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "switchyard.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = Prefix;
            o.LoginPath = Prefix + "/login";
            o.LogoutPath = Prefix + "/logout";
            o.AccessDeniedPath = Prefix + "/login";
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context =>
            {
                // A script (the live feed) cannot follow a redirect to a form; it gets a plain 401.
                if (context.Request.Path.StartsWithSegments(Prefix + "/feed")) context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                else context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });
        s.AddAuthorization();
        // AddDataProtection also registers a hosted service that loads (and, with none, creates and writes) a key ring
        // under ~/.aspnet/DataProtection-Keys at start. With the ephemeral provider nothing reads that ring: starting it
        // cost the server an XML parse, a key written to disk and ~3 MB of resident System.Private.Xml for nothing.
        for (var i = s.Count - 1; i >= 0; i--)
            if (s[i].ServiceType == typeof(IHostedService) && s[i].ImplementationType?.FullName == DataProtectionHostedService) s.RemoveAt(i);
        return s;
    }

    /// <summary>The (internal) type of data protection's key-ring warm-up service.</summary>
    private const string DataProtectionHostedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>Adds the dashboard's middleware (after routing and <see cref="RequestGate"/>) and maps its routes.</summary>
    public static WebApplication MapDashboard(this WebApplication app, ServerOptions options)
    {
        app.Use(SecurityHeaders);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapGet("/", () => Results.Redirect(Prefix + "/runs")).ExcludeFromDescription();
        app.MapGet(Prefix, () => Results.Redirect(Prefix + "/runs")).ExcludeFromDescription();
        app.MapGet(Prefix + "/assets/{name}", DashboardAssets.Serve).AllowAnonymous().ExcludeFromDescription();

        var pages = app.MapRazorComponents<App>();
        var feed = app.MapGet(Prefix + "/feed", FeedApi.Stream).ExcludeFromDescription();
        var actions = app.MapGroup(Prefix).ExcludeFromDescription();
        DashboardActions.Map(actions);
        if (!options.Dev)
        {
            pages.RequireAuthorization();
            feed.RequireAuthorization();
            actions.RequireAuthorization();
        }
        return app;
    }

    /// <summary>Every dashboard answer forbids inline script and style, framing, and sniffing; the pages need nothing
    /// but their own origin.</summary>
    private static Task SecurityHeaders(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Path == "/" || http.Request.Path.StartsWithSegments(Prefix))
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
        }
        return next(http);
    }
}
