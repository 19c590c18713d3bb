using System.Numerics;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Imputation;

/// <summary>
/// The rank-k PCA of one imputation iteration, in preallocated buffers so that the loop does not
/// allocate. The top-k right singular vectors of the centred matrix A are taken as the top-k
/// eigenvectors of AᵀA, diagonalised by Jacobi warm-started from the previous iteration. The
/// reconstruction only depends on the span of those vectors, and the eigenvectors of AᵀA span it to
/// rounding whenever the k-th and (k+1)-th singular values are apart, so this reproduces the SVD's
/// reconstruction. Only rows with a missing cell change between iterations, so the other rows'
/// contribution to ZᵀZ and to the column sums is accumulated once, in <see cref="Prepare"/>.
/// With fewer rows than columns (wide data) the p × p route would cost O(p³) per iteration and p² memory, so
/// the model diagonalises the n × n Gram matrix C·Cᵀ of the centred rows instead: its eigenvectors u give the
/// same right singular vectors as v = Cᵀu/√λ, for O(n²·p + n³).
/// </summary>
internal sealed class LowRankModel
{
    private readonly double[] _fixedGram;
    private readonly double[] _fixedSum;
    private readonly double[] _gram;
    private readonly double[] _vectors;
    private readonly double[] _work;
    private readonly int[] _order;
    private readonly double[] _centred;
    private readonly bool _byRows;
    private MissingCells? _cells;
    private int _n;
    private bool _warm;

    /// <summary>A model to fit on an <paramref name="n"/> × <paramref name="p"/> matrix (n = 0: frozen, never fitted).</summary>
    public LowRankModel(int p, int k, int n)
    {
        P = p;
        K = k;
        Mean = new double[p];
        Basis = new double[k * p];
        _byRows = n > 0 && n < p;
        var side = n == 0 ? 0 : _byRows ? n : p;
        _fixedGram = new double[_byRows ? 0 : side * side];
        _fixedSum = new double[_byRows ? 0 : side];
        _gram = new double[side * side];
        _vectors = new double[side * side];
        _work = new double[side * side];
        _order = new int[side];
        _centred = new double[_byRows ? n * p : 0];
    }

    public int P { get; }

    public int K { get; }

    /// <summary>Column means m of the matrix the model was last fitted on.</summary>
    public double[] Mean { get; }

    /// <summary>k × p row-major orthonormal basis V (row c = component c).</summary>
    public double[] Basis { get; }

    /// <summary>Jacobi sweeps of the last fit (diagnostics).</summary>
    public int Sweeps { get; private set; }

    public static LowRankModel Frozen(double[] mean, double[,] basis)
    {
        var model = new LowRankModel(mean.Length, basis.GetLength(0), 0);
        mean.CopyTo(model.Mean, 0);
        for (var c = 0; c < model.K; c++)
        {
            for (var j = 0; j < model.P; j++)
            {
                model.Basis[(c * model.P) + j] = basis[c, j];
            }
        }

        return model;
    }

    /// <summary>
    /// Accumulates the rows without missing cells, which stay fixed for the whole iteration. The
    /// Gram matrix is taken about zero rather than about the moving mean: the standardised columns
    /// have observed mean zero, so the later subtraction of n·m·mᵀ loses nothing to cancellation.
    /// </summary>
    public void Prepare(ReadOnlySpan<double> z, int n, MissingCells cells)
    {
        _cells = cells;
        _n = n;
        _warm = false;
        if (_byRows)
        {
            return;
        }

        Array.Clear(_fixedGram);
        Array.Clear(_fixedSum);
        var next = 0;
        for (var i = 0; i < n; i++)
        {
            if (next < cells.Rows.Length && cells.Rows[next] == i)
            {
                next++;
                continue;
            }

            Accumulate(z.Slice(i * P, P), _fixedGram, _fixedSum);
        }
    }

    public void Fit(ReadOnlySpan<double> z, CancellationToken cancellationToken = default)
    {
        var cells = _cells ?? throw new InvalidOperationException("Prepare must be called before Fit.");
        if (_byRows)
        {
            FitByRows(z, cancellationToken);
            return;
        }

        var p = P;
        var gram = _gram.AsSpan();
        var mean = Mean.AsSpan();
        _fixedGram.CopyTo(gram);
        _fixedSum.CopyTo(mean);
        var rows = cells.Rows;
        var r = 0;
        for (; r + 4 <= rows.Length; r += 4)
        {
            Accumulate4(z.Slice(rows[r] * p, p), z.Slice(rows[r + 1] * p, p), z.Slice(rows[r + 2] * p, p), z.Slice(rows[r + 3] * p, p), gram, mean);
        }

        for (; r < rows.Length; r++)
        {
            Accumulate(z.Slice(rows[r] * p, p), gram, mean);
        }

        for (var j = 0; j < p; j++)
        {
            mean[j] /= _n;
        }

        for (var j = 0; j < p; j++)
        {
            for (var l = j; l < p; l++)
            {
                var centred = gram[(j * p) + l] - (_n * mean[j] * mean[l]);
                gram[(j * p) + l] = centred;
                gram[(l * p) + j] = centred;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        Sweeps = _warm
            ? SymmetricEigen.DecomposeWarm(gram, _vectors, _work, p, cancellationToken: cancellationToken)
            : SymmetricEigen.Decompose(gram, _vectors, p, cancellationToken: cancellationToken);
        _warm = true;
        SymmetricEigen.LargestFirst(gram, p, _order);
        for (var c = 0; c < K; c++)
        {
            var col = _order[c];
            for (var j = 0; j < p; j++)
            {
                Basis[(c * p) + j] = _vectors[(j * p) + col];
            }
        }
    }

    /// <summary>
    /// The wide-data route: centre the rows, build G = C·Cᵀ (n × n), diagonalise it (warm-started like the column
    /// route) and map the top-k eigenvectors back to unit right singular vectors Cᵀu/√λ. A component with no
    /// variance (λ negligible against the largest, or beyond the n eigenvalues there are) gets a zero basis row,
    /// so it adds nothing to a reconstruction.
    /// </summary>
    private void FitByRows(ReadOnlySpan<double> z, CancellationToken cancellationToken)
    {
        var n = _n;
        var p = P;
        var mean = Mean.AsSpan();
        mean.Clear();
        for (var i = 0; i < n; i++)
        {
            var row = z.Slice(i * p, p);
            for (var j = 0; j < p; j++)
            {
                mean[j] += row[j];
            }
        }

        for (var j = 0; j < p; j++)
        {
            mean[j] /= n;
        }

        var centred = _centred.AsSpan();
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                centred[(i * p) + j] = z[(i * p) + j] - mean[j];
            }
        }

        var gram = _gram.AsSpan();
        for (var i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ci = centred.Slice(i * p, p);
            for (var l = i; l < n; l++)
            {
                var dot = Dot(ci, centred.Slice(l * p, p));
                gram[(i * n) + l] = dot;
                gram[(l * n) + i] = dot;
            }
        }

        Sweeps = _warm
            ? SymmetricEigen.DecomposeWarm(gram, _vectors, _work, n, cancellationToken: cancellationToken)
            : SymmetricEigen.Decompose(gram, _vectors, n, cancellationToken: cancellationToken);
        _warm = true;
        SymmetricEigen.LargestFirst(gram, n, _order);
        var largest = Math.Max(gram[(_order[0] * n) + _order[0]], 0.0);
        var basis = Basis.AsSpan();
        basis.Clear();
        for (var c = 0; c < K && c < n; c++)
        {
            var col = _order[c];
            var lambda = gram[(col * n) + col];
            if (!(lambda > largest * 1e-24) || lambda <= 0)
            {
                continue;
            }

            var v = basis.Slice(c * p, p);
            var norm = 1.0 / Math.Sqrt(lambda);
            for (var i = 0; i < n; i++)
            {
                var weight = _vectors[(i * n) + col] * norm;
                if (weight != 0.0)
                {
                    AddScaled(v, weight, centred.Slice(i * p, p));
                }
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var i = 0;
        var sum = 0.0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                acc += new Vector<double>(x[i..]) * new Vector<double>(y[i..]);
            }

            sum = Vector.Sum(acc);
        }

        for (; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>
    /// Replaces every missing cell by its rank-k reconstruction m + ((z − m)·Vᵀ)·V, computed from the
    /// row as it was before this step, and returns the largest |move|.
    /// </summary>
    public double Step(Span<double> z, MissingCells cells, Span<double> scores)
    {
        var p = P;
        var k = K;
        var mean = Mean.AsSpan();
        var basis = Basis.AsSpan();
        var maxMove = 0.0;
        for (var r = 0; r < cells.Rows.Length; r++)
        {
            var row = z.Slice(cells.Rows[r] * p, p);
            for (var c = 0; c < k; c++)
            {
                var v = basis.Slice(c * p, p);
                var s = 0.0;
                for (var j = 0; j < p; j++)
                {
                    s += (row[j] - mean[j]) * v[j];
                }

                scores[c] = s;
            }

            for (var at = cells.Starts[r]; at < cells.Starts[r + 1]; at++)
            {
                var j = cells.Columns[at];
                var value = mean[j];
                for (var c = 0; c < k; c++)
                {
                    value += scores[c] * basis[(c * p) + j];
                }

                var move = Math.Abs(value - row[j]);
                if (move > maxMove || double.IsNaN(move))
                {
                    maxMove = move;
                }

                row[j] = value;
            }
        }

        return maxMove;
    }

    /// <summary>Adds row·rowᵀ to the upper triangle of <paramref name="gram"/> and row to <paramref name="sum"/>.</summary>
    private void Accumulate(ReadOnlySpan<double> row, Span<double> gram, Span<double> sum)
    {
        var p = P;
        for (var j = 0; j < p; j++)
        {
            var f = row[j];
            sum[j] += f;
            if (f != 0.0)
            {
                AddScaled(gram.Slice((j * p) + j, p - j), f, row[j..]);
            }
        }
    }

    /// <summary>
    /// Four rows at once: each Gram entry is loaded and stored once per four products, which is what
    /// bounds the speed of this loop when p is large.
    /// </summary>
    private void Accumulate4(ReadOnlySpan<double> r0, ReadOnlySpan<double> r1, ReadOnlySpan<double> r2, ReadOnlySpan<double> r3, Span<double> gram, Span<double> sum)
    {
        var p = P;
        var width = Vector<double>.Count;
        for (var j = 0; j < p; j++)
        {
            double f0 = r0[j], f1 = r1[j], f2 = r2[j], f3 = r3[j];
            sum[j] += f0 + f1 + f2 + f3;
            var g = gram.Slice(j * p, p);
            var l = j;
            if (Vector.IsHardwareAccelerated)
            {
                Vector<double> v0 = new(f0), v1 = new(f1), v2 = new(f2), v3 = new(f3);
                for (; l <= p - width; l += width)
                {
                    var acc = new Vector<double>(g[l..]);
                    acc += (v0 * new Vector<double>(r0[l..])) + (v1 * new Vector<double>(r1[l..]));
                    acc += (v2 * new Vector<double>(r2[l..])) + (v3 * new Vector<double>(r3[l..]));
                    acc.CopyTo(g[l..]);
                }
            }

            for (; l < p; l++)
            {
                g[l] += (f0 * r0[l]) + (f1 * r1[l]) + (f2 * r2[l]) + (f3 * r3[l]);
            }
        }
    }

    private static void AddScaled(Span<double> destination, double factor, ReadOnlySpan<double> x)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && destination.Length >= Vector<double>.Count)
        {
            var f = new Vector<double>(factor);
            for (; i <= destination.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var d = new Vector<double>(destination[i..]);
                (d + (f * new Vector<double>(x[i..]))).CopyTo(destination[i..]);
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] += factor * x[i];
        }
    }
}
