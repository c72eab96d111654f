using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Testing;

namespace Switchyard.Server.Tests;

/// <summary>The dashboard's cookies and anti-forgery tokens are protected with in-memory keys: a server neither reads
/// nor writes a data-protection key ring (by default under ~/.aspnet), at start or when a page with a form renders.</summary>
public sealed class DataProtectionKeyRingTests
{
    [Fact]
    public async Task Starting_the_server_and_rendering_a_form_touch_no_key_ring()
    {
        var ring = new RecordingXmlRepository();
        var options = new ServerOptions
        {
            Port = 0, DataDir = TempDir.Create(), ShutdownGrace = TimeSpan.Zero,
            EventKeys = "event-key", SigningKey = "signkey-test-0123456789abcdef", ApiToken = "api-token",
        };
        await using var app = SwitchyardServer.Build(options, configureServices: s => s.Configure<KeyManagementOptions>(o => o.XmlRepository = ring));
        await SwitchyardServer.StartAsync(app, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri(SwitchyardServer.Addresses(app)[0]) };

        // Outside dev mode the login page carries a form with an anti-forgery token.
        var page = await http.GetStringAsync("/ui/login");
        Assert.Contains("__RequestVerificationToken", page, StringComparison.Ordinal);
        await app.StopAsync();

        Assert.Equal(0, ring.Reads);
        Assert.Equal(0, ring.Writes);
    }

    /// <summary>A key-ring store that counts what the data-protection system asks of it.</summary>
    private sealed class RecordingXmlRepository : IXmlRepository
    {
        private int _reads, _writes;

        public int Reads => _reads;

        public int Writes => _writes;

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            Interlocked.Increment(ref _reads);
            return [];
        }

        public void StoreElement(XElement element, string friendlyName) => Interlocked.Increment(ref _writes);
    }
}
