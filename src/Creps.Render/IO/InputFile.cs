using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Creps.Render.IO;

/// <summary>
/// The one way Creps opens a file it reads (models, coordinate files, z/ws files, shards): regular files only — a
/// directory, FIFO, socket or device is refused with one line before a byte is read, and a FIFO never blocks (on Linux
/// the file is opened with O_NONBLOCK and its type taken from the open descriptor, so nothing can swap it in between) —
/// and never more than a stated number of bytes. Errors are <see cref="InputFileException"/>s naming the file.
/// </summary>
public static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for reading; <paramref name="what"/> names it in errors ("coordinate file").</summary>
    public static FileStream Open(string path, string what, long maxBytes, int bufferSize = 1 << 16)
    {
        string name = $"{what} {Untrusted.Quote(path, 200)}";
        if (string.IsNullOrEmpty(path)) throw new InputFileException(path ?? "", $"{what}: empty path");
        SafeFileHandle handle = OperatingSystem.IsLinux() ? OpenLinux(path, name) : OpenPortable(path, name);
        long length;
        try { length = RandomAccess.GetLength(handle); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { handle.Dispose(); throw new InputFileException(path, $"{name}: cannot read: {e.Message}", e); }
        if (length > maxBytes)
        {
            handle.Dispose();
            throw new InputFileException(path, $"{name} is {length} bytes; at most {maxBytes} are read from a {what}");
        }
        return new FileStream(handle, FileAccess.Read, bufferSize);
    }

    /// <summary>A whole (small) text file, read through <see cref="Open"/>.</summary>
    public static string ReadText(string path, string what, long maxBytes)
    {
        using var file = Open(path, what, maxBytes);
        using var reader = new StreamReader(file, new UTF8Encoding(false, throwOnInvalidBytes: false));
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The lines of a text file, each at most <paramref name="maxLineChars"/> characters (a longer one is refused
    /// before it is held in memory), with their 1-based numbers.
    /// </summary>
    public static IEnumerable<(int Number, string Text)> Lines(Stream stream, string path, string what, int maxLineChars)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: false, 1 << 16);
        var line = new StringBuilder();
        var buffer = new char[1 << 14];
        int number = 1, n;
        bool pending = false;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
            for (int i = 0; i < n; i++)
            {
                char c = buffer[i];
                if (c == '\n')
                {
                    yield return (number++, line.ToString().TrimEnd('\r'));
                    line.Clear();
                    pending = false;
                    continue;
                }
                if (line.Length >= maxLineChars)
                    throw new InputFileException(path, $"{what} {Untrusted.Quote(path, 200)}:{number}: line is longer than {maxLineChars} characters (starts {Untrusted.Quote(line.ToString(), 40)})");
                line.Append(c);
                pending = true;
            }
        if (pending) yield return (number, line.ToString().TrimEnd('\r'));
    }

    static SafeFileHandle OpenPortable(string path, string name)
    {
        if (Directory.Exists(path)) throw new InputFileException(path, $"{name} is a directory, not a file");
        try { return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new InputFileException(path, $"{name} does not exist", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InputFileException(path, $"{name}: cannot open: {e.Message}", e); }
    }

    const int O_RDONLY = 0, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, AT_EMPTY_PATH = 0x1000, ENOENT = 2, ENOTDIR = 20;
    const uint STATX_TYPE = 1, STATX_SIZE = 0x200;
    const int S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFSOCK = 0xC000;

    static SafeFileHandle OpenLinux(string path, string name)
    {
        int fd = Native.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new InputFileException(path, errno is ENOENT or ENOTDIR ? $"{name} does not exist" : $"{name}: cannot open: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var st = new byte[256]; // struct statx: a fixed layout on every Linux architecture
        if (Native.statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_SIZE, st) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new InputFileException(path, $"{name}: cannot stat: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        int type = BitConverter.ToUInt16(st, 28) & S_IFMT;
        if (type != S_IFREG)
        {
            handle.Dispose();
            string kind = type switch
            {
                S_IFDIR => "a directory", S_IFIFO => "a FIFO (named pipe)", S_IFCHR => "a character device", S_IFBLK => "a block device",
                S_IFSOCK => "a socket", _ => "not a regular file",
            };
            throw new InputFileException(path, $"{name} is {kind}, not a regular file");
        }
        return handle;
    }

    static class Native
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        internal static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
    }
}
