namespace Switchyard.Configuration;

/// <summary>A configuration provider that can say, in the user's own spelling, where a key came from: the stock
/// providers only know normalized keys (<c>webhooks:githubsecret</c>), which nobody wrote.</summary>
internal interface IKeyOrigin
{
    /// <summary>Where <paramref name="path"/> was set, e.g. <c>/etc/yard.toml: dta_dir</c> or
    /// <c>environment variable SWITCHYARD_DTA_DIR</c>.</summary>
    string Describe(string path);

    /// <summary>How the user would write the option at <paramref name="snakePath"/> (dotted snake case) in this
    /// source, for "did you mean" hints.</summary>
    string Spell(string snakePath);
}
