using Switchyard.Supervisor.Processes;
using Switchyard.Cli.Ports;

namespace Switchyard.Cli.Tests.Ports;

/// <summary>Parsing the kernel's socket tables, from text captured on a little-endian Linux host.</summary>
public sealed class ProcNetTcpTests
{
    private const string Tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100007F:2060 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
           1: 00000000:0C37 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0
           2: 0100007F:2060 0100007F:D2F4 01 00000000:00000000 00:00000000 00000000  1000        0 9999 1 0000000000000000 20 4 30 10 -1
           3: 0100007F:8CA2 0100007F:2060 06 00000000:00000000 03:00000A8E 00000000     0        0 0 3 0000000000000000
        garbage line
        """;

    private const string Tcp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000001000000:0BCA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5150 1 0000000000000000 100 0 0 10 0
           1: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5151 1 0000000000000000 100 0 0 10 0
           2: 0000000000000000FFFF00000100007F:0D05 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5152 1 0000000000000000 100 0 0 10 0
        """;

    [Fact]
    public void Only_listening_sockets_are_read_with_address_port_uid_and_inode()
    {
        var sockets = ProcNetTcp.ParseListening(Tcp);
        Assert.Equal(new[]
        {
            new ListeningSocket("127.0.0.1", 8288, 4242, 1000),
            new ListeningSocket("0.0.0.0", 3127, 777, 0),
        }, sockets);
    }

    [Fact]
    public void Ipv6_addresses_are_decoded_word_by_word_and_mapped_ipv4_is_shown_as_ipv4()
    {
        var sockets = ProcNetTcp.ParseListening(Tcp6);
        Assert.Equal(new[]
        {
            new ListeningSocket("::1", 3018, 5150, 1000),
            new ListeningSocket("::", 8080, 5151, 0),
            new ListeningSocket("127.0.0.1", 3333, 5152, 1000),
        }, sockets);
    }

    [Theory]
    [InlineData("0100007F", "127.0.0.1")]
    [InlineData("00000000", "0.0.0.0")]
    [InlineData("0101A8C0", "192.168.1.1")]
    [InlineData("zz", null)]
    [InlineData("GGGGGGGG", null)]
    public void Addresses_decode_from_host_order_hex(string hex, string? expected) => Assert.Equal(expected, ProcNetTcp.Address(hex));

    [Theory]
    [InlineData("socket:[4242]", 4242L)]
    [InlineData("pipe:[4242]", null)]
    [InlineData("/dev/null", null)]
    [InlineData("socket:[]", null)]
    [InlineData(null, null)]
    public void Socket_links_name_their_inode(string? target, long? inode) => Assert.Equal(inode, ProcListeners.SocketInode(target));
}
