namespace ObsScaling.Server.Tests.Faults;

/// <summary>Seeded damage to valid bytes: what a broken client, a bad disk or a hostile peer might send.</summary>
internal static class Mutations
{
    public static byte[] RandomBytes(Random random, int maxLength = 96)
    {
        var bytes = new byte[random.Next(maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>1–4 flipped bits.</summary>
    public static byte[] FlipBits(Random random, byte[] valid)
    {
        var bytes = (byte[])valid.Clone();
        if (bytes.Length == 0)
        {
            return [(byte)random.Next(256)];
        }

        for (int i = 0, n = random.Next(1, 5); i < n; i++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }

    /// <summary>A strict prefix.</summary>
    public static byte[] Truncate(Random random, byte[] valid) => valid.Length == 0 ? [] : valid[..random.Next(valid.Length)];

    /// <summary>Random bytes written over, inserted into or cut out of the middle, or a stretch repeated.</summary>
    public static byte[] Splice(Random random, byte[] valid)
    {
        var at = random.Next(valid.Length + 1);
        var length = random.Next(1, 9);
        var noise = new byte[length];
        random.NextBytes(noise);
        return random.Next(4) switch
        {
            0 => [.. valid[..at], .. noise, .. valid[at..]],
            1 => [.. valid[..at], .. valid[Math.Min(valid.Length, at + length)..]],
            2 => [.. valid[..at], .. valid[at..Math.Min(valid.Length, at + length)], .. valid[at..]],
            _ => [.. valid[..at], .. noise, .. valid[Math.Min(valid.Length, at + length)..]],
        };
    }

    /// <summary>One of the mutations above, chosen by the seed.</summary>
    public static byte[] Any(Random random, byte[] valid) => random.Next(4) switch
    {
        0 => RandomBytes(random),
        1 => FlipBits(random, valid),
        2 => Truncate(random, valid),
        _ => Splice(random, valid),
    };
}
