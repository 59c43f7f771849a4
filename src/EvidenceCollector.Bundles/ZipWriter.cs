using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace EvidenceCollector.Bundles;

/// <summary>
/// A forward-only zip writer whose memory does not grow with the number of entries: each entry is written as a local
/// header, its deflated data and a data descriptor; its central directory record goes to a spool file, appended at the
/// end. Every entry carries ZIP64 sizes and the archive a ZIP64 end record, so sizes and counts have no 4 GiB /
/// 65 535 limit (APPNOTE 6.3.x; read by Info-ZIP unzip, Python's zipfile and System.IO.Compression alike). Names are
/// UTF-8 (flag bit 11); timestamps are DOS times of one given instant, so the same content gives the same bytes.
/// </summary>
public sealed class ZipWriter : IDisposable
{
    private const ushort Version = 45;
    private const ushort Flags = 0x0808;
    private const ushort Deflate = 8;
    private readonly Stream _output;
    private readonly FileStream _central;
    private readonly ushort _time;
    private readonly ushort _date;
    private long _offset;
    private long _entries;
    private bool _open;

    public ZipWriter(Stream output, DateTimeOffset stamp, string spoolDirectory)
    {
        _output = output;
        _central = new FileStream(Path.Combine(spoolDirectory, $"central-{Guid.NewGuid():N}.bin"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var t = stamp.DateTime;
        _time = (ushort)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2));
        _date = (ushort)(((t.Year - 1980) << 9) | (t.Month << 5) | t.Day);
    }

    /// <summary>Starts an entry; write its content to the stream returned and dispose it before the next.</summary>
    public Stream Open(string name)
    {
        if (_open)
        {
            throw new InvalidOperationException("the previous entry is still open");
        }

        var nameBytes = Encoding.UTF8.GetBytes(name);
        Span<byte> header = stackalloc byte[30 + 20];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Deflate);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], _time);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], _date);
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[18..], uint.MaxValue);
        BinaryPrimitives.WriteUInt32LittleEndian(header[22..], uint.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 20);
        // ZIP64 extra field with the sizes unknown yet (they follow in the data descriptor).
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 16);
        BinaryPrimitives.WriteUInt64LittleEndian(header[34..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[42..], 0);
        var local = _offset;
        _output.Write(header[..30]);
        _output.Write(nameBytes);
        _output.Write(header[30..]);
        _offset += 30 + nameBytes.Length + 20;
        _open = true;
        return new Entry(this, nameBytes, local);
    }

    private void Close(byte[] name, long local, uint crc, long compressed, long size)
    {
        Span<byte> descriptor = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor, 0x08074b50);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[4..], crc);
        BinaryPrimitives.WriteUInt64LittleEndian(descriptor[8..], (ulong)compressed);
        BinaryPrimitives.WriteUInt64LittleEndian(descriptor[16..], (ulong)size);
        _output.Write(descriptor);
        _offset += compressed + 24;

        Span<byte> record = stackalloc byte[46 + 28];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(record[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(record[6..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(record[8..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(record[10..], Deflate);
        BinaryPrimitives.WriteUInt16LittleEndian(record[12..], _time);
        BinaryPrimitives.WriteUInt16LittleEndian(record[14..], _date);
        BinaryPrimitives.WriteUInt32LittleEndian(record[16..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(record[20..], uint.MaxValue);
        BinaryPrimitives.WriteUInt32LittleEndian(record[24..], uint.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(record[28..], (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(record[30..], 28);
        BinaryPrimitives.WriteUInt16LittleEndian(record[32..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(record[34..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(record[36..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(record[38..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(record[42..], uint.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(record[46..], 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(record[48..], 24);
        BinaryPrimitives.WriteUInt64LittleEndian(record[50..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(record[58..], (ulong)compressed);
        BinaryPrimitives.WriteUInt64LittleEndian(record[66..], (ulong)local);
        _central.Write(record[..46]);
        _central.Write(name);
        _central.Write(record[46..]);
        _entries++;
        _open = false;
    }

    /// <summary>Appends the central directory and the (ZIP64) end records.</summary>
    public void Finish()
    {
        var start = _offset;
        _central.Position = 0;
        _central.CopyTo(_output);
        var size = _central.Length;
        _offset += size;
        Span<byte> end = stackalloc byte[56 + 20 + 22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06064b50);
        BinaryPrimitives.WriteUInt64LittleEndian(end[4..], 44);
        BinaryPrimitives.WriteUInt16LittleEndian(end[12..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(end[14..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(end[20..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(end[24..], (ulong)_entries);
        BinaryPrimitives.WriteUInt64LittleEndian(end[32..], (ulong)_entries);
        BinaryPrimitives.WriteUInt64LittleEndian(end[40..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(end[48..], (ulong)start);
        var locator = end[56..];
        BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
        BinaryPrimitives.WriteUInt32LittleEndian(locator[4..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(locator[8..], (ulong)_offset);
        BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1);
        var classic = end[76..];
        BinaryPrimitives.WriteUInt32LittleEndian(classic, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(classic[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(classic[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(classic[8..], (ushort)Math.Min(_entries, ushort.MaxValue));
        BinaryPrimitives.WriteUInt16LittleEndian(classic[10..], (ushort)Math.Min(_entries, ushort.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(classic[12..], (uint)Math.Min(size, uint.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(classic[16..], uint.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(classic[20..], 0);
        _output.Write(end);
        _output.Flush();
    }

    public void Dispose() => _central.Dispose();

    /// <summary>An entry being written: deflates and CRCs what is written; its descriptor is written on dispose.</summary>
    private sealed class Entry : Stream
    {
        private readonly ZipWriter _zip;
        private readonly byte[] _name;
        private readonly long _local;
        private readonly Crc32 _crc = new();
        private readonly CountingStream _counted;
        private readonly DeflateStream _deflate;
        private long _size;
        private bool _closed;

        public Entry(ZipWriter zip, byte[] name, long local)
        {
            (_zip, _name, _local) = (zip, name, local);
            _counted = new CountingStream(zip._output);
            _deflate = new DeflateStream(_counted, CompressionLevel.Fastest, leaveOpen: true);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _crc.Append(buffer);
            _size += buffer.Length;
            _deflate.Write(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed)
            {
                _closed = true;
                _deflate.Dispose();
                _zip.Close(_name, _local, _crc.GetCurrentHashAsUInt32(), _counted.Written, _size);
            }

            base.Dispose(disposing);
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _size;

        public override long Position { get => _size; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Counts the bytes written through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
