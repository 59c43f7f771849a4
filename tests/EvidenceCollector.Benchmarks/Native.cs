using System.Runtime.InteropServices;

namespace EvidenceCollector.Benchmarks;

internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    public static partial int FSync(int fd);

    [StructLayout(LayoutKind.Sequential)]
    public struct MallInfo2 { public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost; }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    public static partial MallInfo2 MallInfo();

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);
}
