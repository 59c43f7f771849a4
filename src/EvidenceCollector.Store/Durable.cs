using System.Runtime.InteropServices;

namespace EvidenceCollector.Store;

/// <summary>Durable file writes: temp file + fsync + rename, and directory fsync so the rename itself survives a crash.</summary>
internal static partial class Durable
{
    public static void WriteNew(string path, ReadOnlySpan<byte> bytes, string tempDirectory, UnixFileMode? mode = null)
    {
        var temp = System.IO.Path.Combine(tempDirectory, $"{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = m;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: false);
    }

    /// <summary>fsync an open file: its data and the metadata needed to read it back are on disk when this returns.</summary>
    public static void SyncFile(Microsoft.Win32.SafeHandles.SafeFileHandle handle) => RandomAccess.FlushToDisk(handle);

    /// <summary>fsync a directory (Linux / macOS); a no-op elsewhere.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        OnDirectory(directory, FSync, "fsync");
    }

    /// <summary>Opens <paramref name="directory"/> read-only, runs one system call on it, closes it; a failure is an <see cref="IOException"/>.</summary>
    private static void OnDirectory(string directory, Func<int, int> call, string name)
    {
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open {directory} for {name} (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (call(fd) != 0)
            {
                throw new IOException($"{name} of {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
