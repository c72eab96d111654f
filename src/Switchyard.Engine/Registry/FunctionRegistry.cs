using Switchyard.Engine.Storage;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Registry;

/// <summary>In-memory view of the registry (apps, functions, trigger index), reloaded from the store after every
/// change. Readers get a consistent snapshot without locks.</summary>
public sealed class FunctionRegistry(IStore store)
{
    private volatile Snapshot _snapshot = new([], [], TriggerIndex.Empty);

    /// <summary>The current snapshot.</summary>
    public Snapshot Current => _snapshot;

    /// <summary>Reloads from the store.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var apps = await store.Reader.ListAppsAsync(cancellationToken);
        var functions = await store.Reader.ListFunctionsAsync(cancellationToken);
        var roles = await store.Reader.KvListAsync(AppRole.Namespace, cancellationToken);
        _snapshot = new Snapshot(apps, functions, new TriggerIndex(Owners(apps, functions)), roles.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal));
    }

    /// <summary>When two apps register the same function id, the app that registered first (then the smaller app
    /// id) owns it: that is the copy runs are routed to. The other copies stay visible as conflicts.</summary>
    internal static IEnumerable<FunctionRecord> Owners(IReadOnlyList<AppRecord> apps, IReadOnlyList<FunctionRecord> functions)
    {
        var created = apps.ToDictionary(a => a.Id, a => a.CreatedAt, StringComparer.Ordinal);
        return functions
            .GroupBy(f => f.Id, StringComparer.Ordinal)
            .Select(g => g.OrderBy(f => created.GetValueOrDefault(f.AppId, long.MaxValue)).ThenBy(f => f.AppId, StringComparer.Ordinal).First());
    }

    /// <summary>A consistent view of apps, functions and the trigger index.</summary>
    public sealed class Snapshot
    {
        private readonly Dictionary<string, FunctionRecord> _owners;
        private readonly Dictionary<string, AppRecord> _apps;

        internal Snapshot(IReadOnlyList<AppRecord> apps, IReadOnlyList<FunctionRecord> functions, TriggerIndex index, IReadOnlyDictionary<string, string>? roles = null)
        {
            Apps = apps;
            Functions = functions;
            Triggers = index;
            _apps = apps.ToDictionary(a => a.Id, StringComparer.Ordinal);
            _owners = Owners(apps, functions).ToDictionary(f => f.Id, StringComparer.Ordinal);
            _roles = roles ?? new Dictionary<string, string>();
        }

        private readonly IReadOnlyDictionary<string, string> _roles;

        /// <summary>The role an app runs in (see <see cref="AppRole"/>), or null.</summary>
        public string? Role(string appId) => _roles.GetValueOrDefault(appId);

        /// <summary>All apps.</summary>
        public IReadOnlyList<AppRecord> Apps { get; }
        /// <summary>All registered functions, conflicting copies included.</summary>
        public IReadOnlyList<FunctionRecord> Functions { get; }
        /// <summary>Event name → candidate functions.</summary>
        public TriggerIndex Triggers { get; }

        /// <summary>The owning copy of a function id.</summary>
        public FunctionRecord? Function(string id) => _owners.GetValueOrDefault(id);
        /// <summary>An app by id.</summary>
        public AppRecord? App(string id) => _apps.GetValueOrDefault(id);
        /// <summary>Function ids registered by more than one app.</summary>
        public IEnumerable<string> Conflicts => Functions.GroupBy(f => f.Id).Where(g => g.Count() > 1).Select(g => g.Key);
    }
}
