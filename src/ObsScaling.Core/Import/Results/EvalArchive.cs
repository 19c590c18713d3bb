using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ZstdSharp;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Reads one member of an Inspect AI <c>.eval</c> zip. System.IO.Compression cannot open Zstandard members (zip
/// method 93, every member since inspect-ai 0.3.206), so the central directory is read here: stored, deflate and
/// zstd members (streaming frames without a content size, possibly several concatenated), with Zip64 sizes.
/// </summary>
internal static class EvalArchive
{
    public static bool IsZip(byte[] bytes) => bytes.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(bytes) == 0x04034b50;

    /// <summary>The member's bytes, or null when the archive has no such member; throws InvalidDataException when unreadable.</summary>
    public static byte[]? Read(byte[] zip, string member)
    {
        var end = FindEndOfCentralDirectory(zip);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        if (offset == 0xFFFFFFFF || count == 0xFFFF)
        {
            // Zip64: the end-of-central-directory locator just before points to the Zip64 record.
            var locator = end - 20;
            Require(locator >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(locator)) == 0x07064b50, "no Zip64 locator");
            var record = checked((int)BinaryPrimitives.ReadInt64LittleEndian(zip.AsSpan(locator + 8)));
            Require(record >= 0 && record + 56 <= zip.Length && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(record)) == 0x06064b50, "bad Zip64 record");
            count = BinaryPrimitives.ReadInt64LittleEndian(zip.AsSpan(record + 32));
            offset = BinaryPrimitives.ReadInt64LittleEndian(zip.AsSpan(record + 48));
        }

        var at = checked((int)offset);
        for (long i = 0; i < count; i++)
        {
            Require(at + 46 <= zip.Length && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)) == 0x02014b50, "bad central directory");
            var method = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 10));
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 20));
            long size = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 24));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 30));
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 32));
            long local = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 42));
            Require(at + 46 + nameLength + extraLength <= zip.Length, "bad central directory");
            var name = Encoding.UTF8.GetString(zip, at + 46, nameLength);
            ReadZip64(zip.AsSpan(at + 46 + nameLength, extraLength), ref size, ref compressed, ref local);
            at += 46 + nameLength + extraLength + commentLength;
            if (name != member)
            {
                continue;
            }

            var header = checked((int)local);
            Require(header + 30 <= zip.Length && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(header)) == 0x04034b50, "bad local header");
            var data = header + 30 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(header + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(header + 28));
            Require(data + compressed <= zip.Length, "member runs past the end of the file");
            using var input = new MemoryStream(zip, data, checked((int)compressed), writable: false);
            using Stream decoded = method switch
            {
                0 => input,
                8 => new DeflateStream(input, CompressionMode.Decompress),
                93 => new DecompressionStream(input),
                _ => throw new InvalidDataException($"compression method {method} (expected stored, deflate or zstd)"),
            };
            using var output = new MemoryStream();
            decoded.CopyTo(output);
            return output.ToArray();
        }

        return null;
    }

    /// <summary>Sizes and offset saturated at 0xFFFFFFFF are in the Zip64 extra field (id 1), in this order.</summary>
    private static void ReadZip64(ReadOnlySpan<byte> extra, ref long size, ref long compressed, ref long local)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            var body = extra.Slice(4, Math.Min(length, extra.Length - 4));
            if (id == 1)
            {
                var p = 0;
                if (size == 0xFFFFFFFF && p + 8 <= body.Length)
                {
                    size = BinaryPrimitives.ReadInt64LittleEndian(body[p..]);
                    p += 8;
                }

                if (compressed == 0xFFFFFFFF && p + 8 <= body.Length)
                {
                    compressed = BinaryPrimitives.ReadInt64LittleEndian(body[p..]);
                    p += 8;
                }

                if (local == 0xFFFFFFFF && p + 8 <= body.Length)
                {
                    local = BinaryPrimitives.ReadInt64LittleEndian(body[p..]);
                }

                return;
            }

            extra = extra[Math.Min(extra.Length, 4 + length)..];
        }
    }

    private static int FindEndOfCentralDirectory(byte[] zip)
    {
        for (var i = zip.Length - 22; i >= Math.Max(0, zip.Length - 22 - 0xFFFF); i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x06054b50)
            {
                return i;
            }
        }

        throw new InvalidDataException("no zip central directory (a truncated file?)");
    }

    private static void Require(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidDataException(what);
        }
    }
}
