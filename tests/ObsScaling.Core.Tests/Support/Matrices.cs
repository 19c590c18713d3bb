namespace ObsScaling.Core.Tests.Support;

internal static class Matrices
{
    public static double MaxAbsDiff(double[,] a, double[,] b)
    {
        Assert.Equal(a.GetLength(0), b.GetLength(0));
        Assert.Equal(a.GetLength(1), b.GetLength(1));
        var max = 0.0;
        for (var i = 0; i < a.GetLength(0); i++)
        {
            for (var j = 0; j < a.GetLength(1); j++)
            {
                max = Math.Max(max, Math.Abs(a[i, j] - b[i, j]));
            }
        }

        return max;
    }

    public static double[,] Rows(double[,] x, IReadOnlyList<int> rows)
    {
        var r = new double[rows.Count, x.GetLength(1)];
        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < x.GetLength(1); j++)
            {
                r[i, j] = x[rows[i], j];
            }
        }

        return r;
    }

    public static double[,] From(double[][] rows)
    {
        var r = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < rows[0].Length; j++)
            {
                r[i, j] = rows[i][j];
            }
        }

        return r;
    }

    /// <summary>
    /// An exactly low-rank matrix in (0, 1): column offsets plus a sum of <paramref name="rank"/> outer
    /// products, scaled to stay inside the unit interval.
    /// </summary>
    public static double[,] LowRank(int n, int p, int rank, int seed)
    {
        var rng = new Random(seed);
        var u = new double[n, rank];
        var w = new double[rank, p];
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < rank; c++)
            {
                u[i, c] = (rng.NextDouble() * 2) - 1;
            }
        }

        for (var c = 0; c < rank; c++)
        {
            for (var j = 0; j < p; j++)
            {
                w[c, j] = ((rng.NextDouble() * 2) - 1) / (c + 1);
            }
        }

        var x = new double[n, p];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                var s = 0.3 + (0.4 * j / p);
                for (var c = 0; c < rank; c++)
                {
                    s += 0.1 * u[i, c] * w[c, j];
                }

                x[i, j] = s;
            }
        }

        return x;
    }
}
