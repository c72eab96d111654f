using System.Buffers;
using System.Text;

namespace Switchyard.Worker.Shell;

/// <summary>Reads a child's output pipe to the end, keeping the first <c>headLimit</c> bytes and the last
/// <c>tailLimit</c> bytes and counting the rest. It never stops reading: a child blocked on a full pipe would
/// otherwise hang until its timeout.</summary>
internal sealed class StreamCapture(int headLimit, int tailLimit)
{
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _head = new();
    private readonly byte[] _tail = new byte[Math.Max(0, tailLimit)];
    private int _tailCount;
    private long _total;

    /// <summary>Bytes read so far.</summary>
    public long Total
    {
        get { lock (_gate) return _total; }
    }

    /// <summary>More was read than the head keeps.</summary>
    public bool Truncated => Total > headLimit;

    /// <summary>Copies <paramref name="source"/> in until it ends or <paramref name="cancellationToken"/> fires.</summary>
    public async Task PumpAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0) Append(buffer.AsSpan(0, read));
    }

    /// <summary>The kept head, decoded as UTF-8.</summary>
    public string Head()
    {
        lock (_gate) return Encoding.UTF8.GetString(_head.WrittenSpan);
    }

    /// <summary>The kept tail, decoded as UTF-8, without a partial character at its start.</summary>
    public string Tail()
    {
        lock (_gate)
        {
            var start = 0;
            // A cut inside a multi-byte character leaves continuation bytes (10xxxxxx) first.
            while (start < _tailCount && start < 3 && _tailCount == _tail.Length && (_tail[start] & 0xC0) == 0x80) start++;
            return Encoding.UTF8.GetString(_tail, start, _tailCount - start);
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _total += data.Length;
            var room = headLimit - _head.WrittenCount;
            if (room > 0) _head.Write(data[..Math.Min(room, data.Length)]);
            if (_tail.Length == 0) return;
            if (data.Length >= _tail.Length)
            {
                data[^_tail.Length..].CopyTo(_tail);
                _tailCount = _tail.Length;
                return;
            }
            var keep = Math.Min(_tailCount, _tail.Length - data.Length);
            Buffer.BlockCopy(_tail, _tailCount - keep, _tail, 0, keep);
            data.CopyTo(_tail.AsSpan(keep));
            _tailCount = keep + data.Length;
        }
    }
}
