using System.Net;
using System.Net.Sockets;

namespace Switchyard.Testing;

/// <summary>Ports on 127.0.0.1 for servers the tests start.</summary>
public static class Loopback
{
    /// <summary>A port nothing listens on right now (the OS picks it; another process may still take it before the
    /// caller binds, which is why fixtures that can bind port 0 themselves do so instead).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
