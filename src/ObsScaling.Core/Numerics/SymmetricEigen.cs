namespace ObsScaling.Core.Numerics;

/// <summary>
/// Cyclic Jacobi eigen-decomposition of a small dense symmetric matrix, working in caller-owned
/// buffers so that hot loops (the imputation iterations) do not allocate. Jacobi is used rather than
/// tridiagonal QR because, with the Demmel–Veselić stopping rule, it computes the eigenvectors of a
/// positive semi-definite matrix to high relative accuracy, which is what lets a covariance-based
/// PCA reproduce the SVD's reconstruction to rounding. It also accepts a warm start: a sequence of
/// slowly changing matrices (one per imputation iteration) is then diagonalised in one or two sweeps.
/// </summary>
internal static class SymmetricEigen
{
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>
    /// Diagonalises <paramref name="a"/> (p × p, row-major, both triangles filled) in place: on return its
    /// diagonal holds the eigenvalues and column c of <paramref name="vectors"/> (p × p, row-major) the
    /// unit eigenvector of eigenvalue a[c, c]. Returns the number of sweeps.
    /// </summary>
    public static int Decompose(Span<double> a, Span<double> vectors, int p, int maxSweeps = 100, CancellationToken cancellationToken = default)
    {
        vectors[..(p * p)].Clear();
        for (var i = 0; i < p; i++)
        {
            vectors[(i * p) + i] = 1.0;
        }

        return Sweep(a, vectors, p, maxSweeps, cancellationToken);
    }

    /// <summary>
    /// As <see cref="Decompose"/>, starting from the orthonormal basis already in <paramref name="vectors"/>
    /// (typically the eigenvectors of a nearby matrix). The basis is re-orthonormalised first so that
    /// rounding does not accumulate over many warm starts. <paramref name="work"/> needs p × p doubles.
    /// </summary>
    public static int DecomposeWarm(Span<double> a, Span<double> vectors, Span<double> work, int p, int maxSweeps = 100, CancellationToken cancellationToken = default)
    {
        Orthonormalize(vectors, p);

        // work = A·W, then a = Wᵀ·work: A expressed in the old eigenbasis, nearly diagonal.
        for (var i = 0; i < p; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = a.Slice(i * p, p);
            for (var c = 0; c < p; c++)
            {
                var s = 0.0;
                for (var l = 0; l < p; l++)
                {
                    s += row[l] * vectors[(l * p) + c];
                }

                work[(i * p) + c] = s;
            }
        }

        for (var r = 0; r < p; r++)
        {
            for (var c = r; c < p; c++)
            {
                var s = 0.0;
                for (var l = 0; l < p; l++)
                {
                    s += vectors[(l * p) + r] * work[(l * p) + c];
                }

                a[(r * p) + c] = s;
                a[(c * p) + r] = s;
            }
        }

        return Sweep(a, vectors, p, maxSweeps, cancellationToken);
    }

    /// <summary>
    /// Writes the indices of the <paramref name="order"/>.Length largest diagonal entries of a decomposed
    /// matrix, largest first (ties keep the lower index first, so the choice is deterministic).
    /// </summary>
    public static void LargestFirst(ReadOnlySpan<double> a, int p, Span<int> order)
    {
        var k = Math.Min(order.Length, p);
        var count = 0;
        for (var i = 0; i < p && k > 0; i++)
        {
            var value = a[(i * p) + i];
            if (count == k && !(a[(order[k - 1] * p) + order[k - 1]] < value))
            {
                continue;
            }

            var at = count < k ? count++ : k - 1;
            while (at > 0 && a[(order[at - 1] * p) + order[at - 1]] < value)
            {
                order[at] = order[at - 1];
                at--;
            }

            order[at] = i;
        }
    }

    /// <summary>At most <paramref name="maxSweeps"/> sweeps; the token is checked once per row of a sweep (O(p²) work).</summary>
    private static int Sweep(Span<double> a, Span<double> vectors, int p, int maxSweeps, CancellationToken cancellationToken)
    {
        for (var sweep = 1; sweep <= maxSweeps; sweep++)
        {
            var rotated = false;
            for (var i = 0; i < p - 1; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var j = i + 1; j < p; j++)
                {
                    var aij = a[(i * p) + j];
                    if (aij == 0.0)
                    {
                        continue;
                    }

                    var aii = a[(i * p) + i];
                    var ajj = a[(j * p) + j];
                    // Demmel–Veselić: an off-diagonal entry this small relative to its diagonal pair
                    // no longer moves the eigenvectors beyond rounding.
                    if (Math.Abs(aij) <= Epsilon * Math.Sqrt(Math.Abs(aii * ajj)))
                    {
                        a[(i * p) + j] = 0.0;
                        a[(j * p) + i] = 0.0;
                        continue;
                    }

                    rotated = true;
                    Rotate(a, vectors, p, i, j, aii, ajj, aij);
                }
            }

            if (!rotated)
            {
                return sweep;
            }
        }

        return maxSweeps;
    }

    private static void Rotate(Span<double> a, Span<double> v, int p, int i, int j, double aii, double ajj, double aij)
    {
        var theta = (ajj - aii) / (2.0 * aij);
        // For huge theta, 1/(2θ) avoids overflowing θ² while giving the same t to rounding.
        var t = Math.Abs(theta) > 1e150
            ? 0.5 / theta
            : (theta < 0 ? -1.0 : 1.0) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1.0));
        var c = 1.0 / Math.Sqrt((t * t) + 1.0);
        var s = t * c;

        var rowI = a.Slice(i * p, p);
        var rowJ = a.Slice(j * p, p);
        for (var k = 0; k < p; k++)
        {
            var aki = rowI[k];
            var akj = rowJ[k];
            rowI[k] = (c * aki) - (s * akj);
            rowJ[k] = (s * aki) + (c * akj);
        }

        // The rows now hold the rotated (i, ·) and (j, ·) entries; mirror them into the columns.
        for (var k = 0; k < p; k++)
        {
            a[(k * p) + i] = rowI[k];
            a[(k * p) + j] = rowJ[k];
        }

        a[(i * p) + i] = aii - (t * aij);
        a[(j * p) + j] = ajj + (t * aij);
        a[(i * p) + j] = 0.0;
        a[(j * p) + i] = 0.0;

        for (var k = 0; k < p; k++)
        {
            var vki = v[(k * p) + i];
            var vkj = v[(k * p) + j];
            v[(k * p) + i] = (c * vki) - (s * vkj);
            v[(k * p) + j] = (s * vki) + (c * vkj);
        }
    }

    /// <summary>Modified Gram–Schmidt on the columns of a p × p row-major matrix.</summary>
    private static void Orthonormalize(Span<double> v, int p)
    {
        for (var c = 0; c < p; c++)
        {
            for (var prev = 0; prev < c; prev++)
            {
                var dot = 0.0;
                for (var l = 0; l < p; l++)
                {
                    dot += v[(l * p) + prev] * v[(l * p) + c];
                }

                for (var l = 0; l < p; l++)
                {
                    v[(l * p) + c] -= dot * v[(l * p) + prev];
                }
            }

            var norm = 0.0;
            for (var l = 0; l < p; l++)
            {
                norm += v[(l * p) + c] * v[(l * p) + c];
            }

            norm = Math.Sqrt(norm);
            for (var l = 0; l < p; l++)
            {
                v[(l * p) + c] /= norm;
            }
        }
    }
}
