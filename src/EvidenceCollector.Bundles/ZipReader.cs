using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace EvidenceCollector.Bundles;

/// <summary>
/// A compact zip reader for verification: the central directory (classic or ZIP64) read into one small record per
/// entry, and each entry's content opened on demand (stored or deflated). It holds far less per entry than
/// <see cref="ZipArchive"/>, whose directory alone grows with the bundle's file count.
/// </summary>
public sealed class ZipReader : IDisposable
{
    private readonly FileStream _file;

    /// <summary>An entry of the central directory.</summary>
    public sealed record Entry(string Name, ushort Method, long Compressed, long Size, long Offset);

    public ZipReader(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            Entries = ReadDirectory();
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>The entry's content, decompressed.</summary>
    public Stream Open(Entry entry)
    {
        Span<byte> local = stackalloc byte[30];
        _file.Position = entry.Offset;
        _file.ReadExactly(local);
        if (BinaryPrimitives.ReadUInt32LittleEndian(local) != 0x04034b50)
        {
            throw new InvalidDataException($"{entry.Name}: no local header at offset {entry.Offset}");
        }

        var start = entry.Offset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(local[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(local[28..]);
        var data = new Window(_file, start, entry.Compressed);
        return entry.Method switch
        {
            0 => data,
            8 => new DeflateStream(data, CompressionMode.Decompress),
            _ => throw new InvalidDataException($"{entry.Name}: compression method {entry.Method} is not supported"),
        };
    }

    private List<Entry> ReadDirectory()
    {
        var length = _file.Length;
        var tail = (int)Math.Min(length, 22 + 65535 + 20);
        var buffer = new byte[tail];
        _file.Position = length - tail;
        _file.ReadExactly(buffer);
        var end = -1;
        for (var i = tail - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) == 0x06054b50)
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            throw new InvalidDataException("no end of central directory record");
        }

        long count = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(end + 10));
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(end + 16));
        if (end >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(end - 20)) == 0x07064b50)
        {
            var zip64 = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(end - 20 + 8));
            Span<byte> record = stackalloc byte[56];
            _file.Position = zip64;
            _file.ReadExactly(record);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != 0x06064b50)
            {
                throw new InvalidDataException("the ZIP64 end record is missing");
            }

            count = (long)BinaryPrimitives.ReadUInt64LittleEndian(record[32..]);
            offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(record[48..]);
        }

        var entries = new List<Entry>((int)Math.Min(count, 1 << 20));
        _file.Position = offset;
        var directory = new BufferedStream(_file, 1 << 16); // not disposed: that would close the file
        var fixedPart = new byte[46];
        for (long n = 0; n < count; n++)
        {
            directory.ReadExactly(fixedPart);
            var f = fixedPart.AsSpan();
            if (BinaryPrimitives.ReadUInt32LittleEndian(f) != 0x02014b50)
            {
                throw new InvalidDataException($"central directory record {n} is malformed");
            }

            var method = BinaryPrimitives.ReadUInt16LittleEndian(f[10..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(f[20..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(f[24..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(f[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(f[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(f[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(f[42..]);
            var variable = new byte[nameLength + extraLength + commentLength];
            directory.ReadExactly(variable);
            var name = Encoding.UTF8.GetString(variable, 0, nameLength);
            var extra = variable.AsSpan(nameLength, extraLength);
            while (extra.Length >= 4)
            {
                var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
                var fieldLength = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
                var field = extra.Slice(4, Math.Min(fieldLength, extra.Length - 4));
                if (id == 0x0001)
                {
                    // The ZIP64 values present are those whose 32-bit field says 0xFFFFFFFF, in this order.
                    var at = 0;
                    if (size == uint.MaxValue && at + 8 <= field.Length)
                    {
                        size = (long)BinaryPrimitives.ReadUInt64LittleEndian(field[at..]);
                        at += 8;
                    }

                    if (compressed == uint.MaxValue && at + 8 <= field.Length)
                    {
                        compressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(field[at..]);
                        at += 8;
                    }

                    if (local == uint.MaxValue && at + 8 <= field.Length)
                    {
                        local = (long)BinaryPrimitives.ReadUInt64LittleEndian(field[at..]);
                    }
                }

                extra = extra[Math.Min(extra.Length, 4 + fieldLength)..];
            }

            entries.Add(new Entry(name, method, compressed, size, local));
        }

        return entries;
    }

    public void Dispose() => _file.Dispose();

    /// <summary>A read-only window of the file.</summary>
    private sealed class Window(FileStream file, long start, long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = length - _position;
            if (left <= 0)
            {
                return 0;
            }

            var n = RandomAccess.Read(file.SafeFileHandle, buffer[..(int)Math.Min(buffer.Length, left)], start + _position);
            _position += n;
            return n;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
