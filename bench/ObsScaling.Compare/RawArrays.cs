using System.Runtime.InteropServices;

namespace ObsScaling.Compare;

/// <summary>
/// Little-endian float64 / int32 files shared with the Python reference (numpy.fromfile), so that both sides read
/// bit-identical inputs; NaN marks a missing score.
/// </summary>
internal static class RawArrays
{
    public static Dictionary<string, object> Write(string path, double[,] matrix)
    {
        var flat = new double[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, matrix.Length * sizeof(double));
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(flat.AsSpan()).ToArray());
        return new() { ["file"] = path, ["rows"] = matrix.GetLength(0), ["cols"] = matrix.GetLength(1) };
    }

    public static Dictionary<string, object> Write(string path, int[][] rows)
    {
        var cols = rows.Length == 0 ? 0 : rows[0].Length;
        var flat = rows.SelectMany(r => r).ToArray();
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(flat.AsSpan()).ToArray());
        return new() { ["file"] = path, ["rows"] = rows.Length, ["cols"] = cols };
    }

    public static double[,] ReadMatrix(string path, int rows, int cols)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != rows * cols * sizeof(double))
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {rows} × {cols} doubles");
        }

        var matrix = new double[rows, cols];
        Buffer.BlockCopy(bytes, 0, matrix, 0, bytes.Length);
        return matrix;
    }
}
