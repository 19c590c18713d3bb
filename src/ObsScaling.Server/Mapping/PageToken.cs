using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Errors;

namespace ObsScaling.Server.Mapping;

/// <summary>One page asked for: where it starts, how long it is, and what the token said the collection looked like.</summary>
/// <param name="Collection">The collection the token belongs to, e.g. <c>models/zoo</c>.</param>
/// <param name="Offset">Rows to skip (or, for a keyset collection, the key after which to read).</param>
/// <param name="Limit">Rows to return.</param>
/// <param name="Anchor">The name of the last row of the previous page, which must still be the row just before this one.</param>
/// <param name="Revision">The collection's revision when the token was issued (0 when the collection has none).</param>
internal readonly record struct PageRequest(string Collection, long Offset, int Limit, string? Anchor, long Revision);

/// <summary>
/// Page tokens and page-size rules (default 50, at most 1000). A token is opaque to clients: it names its collection,
/// the position, the collection's revision and the last row it was issued after, with a checksum. A token from
/// before a change that would make the next page skip or repeat rows (a REPLACE import, a row deleted or inserted
/// before the position) is refused with ABORTED instead of silently paging on. The checksum is not a secret: a token
/// carries no authority (any caller can list from the start), it only keeps an edited token from reading as a
/// different position.
/// </summary>
internal static class PageToken
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    private const char Separator = '\u001f';
    private const string Version = "2";
    private const int ChecksumBytes = 8;
    private static readonly byte[] ChecksumKey = Encoding.UTF8.GetBytes("ObsScaling page token v2");

    /// <summary>Reads a request's page size and token; <paramref name="revision"/> is the collection's revision now.</summary>
    public static PageRequest Parse(string collection, int pageSize, string? token, long revision = 0)
    {
        if (pageSize < 0)
        {
            throw new ObsValidationException("page_size", pageSize.ToString(CultureInfo.InvariantCulture), "must not be negative");
        }

        var limit = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        if (string.IsNullOrEmpty(token))
        {
            return new PageRequest(collection, 0, limit, null, revision);
        }

        var parsed = Decode(token, collection) ?? throw new ObsValidationException("page_token", token, "not a page token issued for this collection");
        if (parsed.Revision != revision)
        {
            throw new ConflictException(string.Create(CultureInfo.InvariantCulture, $"page_token was issued at revision {parsed.Revision} of {collection}, which is now at revision {revision}: list again from the start"));
        }

        return parsed with { Limit = limit };
    }

    /// <summary>
    /// Reads the page through <paramref name="list"/> (offset, limit → rows, total). With an anchor it reads one row
    /// more, before the page, and refuses the page when that row is no longer the one the previous page ended with.
    /// </summary>
    public static (IReadOnlyList<T> Page, int Total) Read<T>(PageRequest request, Func<int, int, (IReadOnlyList<T> Page, int Total)> list, Func<T, string> key)
    {
        var offset = checked((int)request.Offset);
        if (request.Anchor is null)
        {
            return list(offset, request.Limit);
        }

        var (rows, total) = list(offset - 1, request.Limit + 1);
        if (rows.Count == 0 || !string.Equals(key(rows[0]), request.Anchor, StringComparison.Ordinal))
        {
            throw new ConflictException($"{request.Collection} changed since page_token was issued (rows were added or removed before '{Shorten(request.Anchor)}', the last row of the previous page): list again from the start");
        }

        return (rows.Skip(1).ToArray(), total);
    }

    /// <summary>The token of the page after <paramref name="page"/>, or "" when it was the last.</summary>
    public static string Next<T>(PageRequest request, IReadOnlyList<T> page, int total, Func<T, string> key) =>
        page.Count == 0 || request.Offset + page.Count >= total ? "" : Encode(request with { Offset = request.Offset + page.Count, Anchor = key(page[^1]) });

    /// <summary>The token of a keyset page that continues after key <paramref name="after"/> (rows are only appended).</summary>
    public static string After(PageRequest request, long after) => Encode(request with { Offset = after, Anchor = null });

    private static string Encode(PageRequest r)
    {
        var text = string.Join(Separator, Version, r.Collection, r.Offset.ToString(CultureInfo.InvariantCulture), r.Revision.ToString(CultureInfo.InvariantCulture), r.Anchor ?? "");
        var payload = Encoding.UTF8.GetBytes(text);
        var bytes = new byte[payload.Length + ChecksumBytes];
        payload.CopyTo(bytes, 0);
        Checksum(payload).CopyTo(bytes.AsSpan(payload.Length));
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static PageRequest? Decode(string token, string collection)
    {
        byte[] bytes;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length <= ChecksumBytes)
        {
            return null;
        }

        var payload = bytes.AsSpan(0, bytes.Length - ChecksumBytes);
        if (!CryptographicOperations.FixedTimeEquals(Checksum(payload), bytes.AsSpan(payload.Length)))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(payload).Split(Separator);
        if (parts.Length != 5 || parts[0] != Version || parts[1] != collection
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            return null;
        }

        return new PageRequest(collection, offset, 0, parts[4].Length == 0 ? null : parts[4], revision);
    }

    private static byte[] Checksum(ReadOnlySpan<byte> payload)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(ChecksumKey, payload, mac);
        return mac[..ChecksumBytes].ToArray();
    }

    private static string Shorten(string name) => name.Length <= 80 ? name : name[..80] + "…";
}
