using System.Buffers.Binary;
using System.Xml.Linq;

namespace ObsScaling.Testing;

/// <summary>
/// Reads back what a figure claims to be: a PNG's signature and IHDR size, an SVG's root element and size. Linked
/// into the test projects that render figures; also writes them under artifacts/plots to be looked at.
/// </summary>
internal static class ImageFiles
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Width and height from the IHDR chunk; throws when the bytes are not a PNG.</summary>
    public static (int Width, int Height) PngSize(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < 33 || !png.AsSpan(0, 8).SequenceEqual(PngSignature))
        {
            throw new InvalidDataException("not a PNG: the 8-byte signature is missing");
        }

        // The first chunk must be IHDR: length 13, type "IHDR", then width and height big-endian.
        if (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(8, 4)) != 13 || System.Text.Encoding.ASCII.GetString(png, 12, 4) != "IHDR")
        {
            throw new InvalidDataException("not a PNG: the first chunk is not IHDR");
        }

        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    /// <summary>The parsed SVG document; throws when it is not well-formed XML with an svg root.</summary>
    public static XDocument Svg(byte[] svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        using var stream = new MemoryStream(svg);
        var doc = XDocument.Load(stream);
        XNamespace ns = "http://www.w3.org/2000/svg";
        if (doc.Root?.Name != ns + "svg")
        {
            throw new InvalidDataException($"not an SVG: the root is {doc.Root?.Name}");
        }

        return doc;
    }

    /// <summary>All text drawn in an SVG, one entry per text element, whitespace trimmed.</summary>
    public static IReadOnlyList<string> SvgTexts(XDocument svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        return svg.Descendants(ns + "text").Select(t => t.Value.Trim()).ToArray();
    }

    /// <summary>Saves a figure under artifacts/plots of the repository (gitignored) and returns the path.</summary>
    public static string Save(string name, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var dir = Path.Combine(RepositoryRoot(), "artifacts", "plots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ObsScaling.Grpc.sln")))
            {
                return dir.FullName;
            }
        }

        return Path.GetTempPath();
    }
}
