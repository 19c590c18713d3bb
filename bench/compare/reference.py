#!/usr/bin/env python3
"""Independent Python implementation of the compared work (numpy / scipy / sklearn, Debian's python3-* packages).

It follows ../shared/docs/method.md the way the paper's code does, not the way the C# product does:
  * imputation: standardise with nanmean / nanstd (ddof 0), fill with the column mean, then 1000 alternating
    steps of a rank-1 sklearn-free SVD reconstruction (the reference's allclose stop never fires, method.md §3);
  * PCA: sklearn PCA(5) on the imputed raw scores, then the project's sign rule (tests/golden/make_golden.py);
  * sigmoid-with-floor law: scipy.optimize.curve_fit from p0 = [0, 0.03, ..., 0] with b in [0, 0.2], i.e.
    least_squares(method='trf') with a 2-point finite-difference Jacobian and ftol = xtol = gtol = 1e-8;
  * subset search: itertools over whole-family combinations, V-optimal objective -trace(G_all G_S^-1), one
    combination at a time as the paper's search does (and, reported separately, a batched numpy variant).

Usage: /usr/bin/python3 bench/compare/reference.py <task> --input spec.json [--json]
Tasks: pipeline, bootstrap, subset, decompose, irt (tests/golden/irt_reference.py's item-response fit). The spec
(written by bench/ObsScaling.Compare) names raw little-endian float64 / int32 files so that both implementations
work on bit-identical inputs. With --json the
result is one JSON object on stdout: results, per-repetition timings (seconds) and their median.
"""
import argparse
import itertools
import json
import math
import os
import statistics
import sys
import time
import warnings

import numpy as np
from scipy import optimize
from scipy.special import expit
from sklearn.decomposition import PCA

warnings.filterwarnings("ignore")


# ---------------------------------------------------------------------------------------------------------------
# method.md §3: PCA imputation (reference algorithm: allclose stop on all cells, at most max_iter iterations)
# ---------------------------------------------------------------------------------------------------------------

def pca_impute(X, T=None, k=1, max_iter=1000, tol=1e-4):
    X = np.asarray(X, dtype=float)
    mu = np.nanmean(X, axis=0)
    sd = np.nanstd(X, axis=0, ddof=0)
    sd = np.where(sd == 0, 1.0, sd)
    Z = (X - mu) / sd
    miss = np.isnan(Z)
    zmean = np.nanmean(Z, axis=0)
    Z = np.where(miss, zmean[None, :], Z)
    m = V = None
    iterations = 0
    for _ in range(max_iter):
        m = Z.mean(axis=0)
        _, _, Vt = np.linalg.svd(Z - m, full_matrices=False)
        V = Vt[:k]
        R = (Z - m) @ V.T @ V + m
        iterations += 1
        if np.allclose(Z, R, atol=tol, rtol=1e-5):
            break
        Z[miss] = R[miss]
    out = {"train": np.clip(Z * sd + mu, 0.0, 1.0), "iterations": iterations}
    if T is not None and len(T):
        Tz = (np.asarray(T, float) - mu) / sd
        tmiss = np.isnan(Tz)
        Tz = np.where(tmiss, zmean[None, :], Tz)
        for _ in range(max_iter):
            R = (Tz - m) @ V.T @ V + m
            if np.allclose(Tz, R, atol=tol, rtol=1e-5):
                break
            Tz[tmiss] = R[tmiss]
        out["test"] = np.clip(Tz * sd + mu, 0.0, 1.0)
    return out


# ---------------------------------------------------------------------------------------------------------------
# method.md §4: sklearn PCA + the project's sign rule (PC-1: positive loading sum; later: largest |loading| > 0)
# ---------------------------------------------------------------------------------------------------------------

def perform_pca(X, n_components=5):
    pca = PCA(n_components=n_components)
    pca.fit(X)
    comps = pca.components_.copy()
    for i in range(comps.shape[0]):
        flip = comps[0].sum() < 0 if i == 0 else comps[i, int(np.argmax(np.abs(comps[i])))] < 0
        if flip:
            comps[i] = -comps[i]
    return {"mean": pca.mean_.copy(), "components": comps, "explained_variance": pca.explained_variance_.copy(),
            "explained_variance_ratio": pca.explained_variance_ratio_.copy()}


def project(pca, A):
    return (np.asarray(A, float) - pca["mean"]) @ pca["components"].T


# ---------------------------------------------------------------------------------------------------------------
# method.md §5: y = (1 - b) sigmoid(c + w.x) + b, curve_fit as in the paper's code
# ---------------------------------------------------------------------------------------------------------------

def sigmoid_floor(X, *p):
    p = np.asarray(p)
    return (1 - p[-1]) * expit(p[0] + X @ p[1:-1]) + p[-1]


def fit_sigmoid_floor(X, y, floor_max=0.2):
    d = X.shape[1]
    p0 = np.array([0.0] + [0.03] * d + [0.0])
    bounds = ([-np.inf] * (d + 1) + [0.0], [np.inf] * (d + 1) + [floor_max])
    p, _ = optimize.curve_fit(sigmoid_floor, X, y, p0=p0, bounds=bounds, maxfev=10000)
    return p


def mse(p, X, y):
    r = sigmoid_floor(X, *p) - y
    return float(r @ r / len(y))


# ---------------------------------------------------------------------------------------------------------------
# method.md §8: V-optimal subset search over whole families
# ---------------------------------------------------------------------------------------------------------------

def family_grams(S, families, order):
    fam = np.asarray(families)
    grams = np.array([S[fam == f].T @ S[fam == f] for f in order])
    counts = np.array([(fam == f).sum() for f in order])
    return grams, counts


def combinations(n_families, include, max_families):
    others = [i for i in range(n_families) if i != include]
    top = max_families - (1 if include is not None else 0)
    for k in range(1, top + 1):
        for c in itertools.combinations(others, k):
            yield c + ((include,) if include is not None else ())


def search_loop(S, families, order, include, max_families, budgets, n_pc=3, sample_every=1):
    """One combination at a time (the paper's brute force). sample_every > 1 evaluates every n-th combination
    only, for timing a fixed sample when the whole search would take too long; results are then partial."""
    grams, counts = family_grams(S, families, order)
    g_all = S.T @ S
    best = {b: (-math.inf, None) for b in budgets}
    evaluated = 0
    for i, c in enumerate(combinations(len(order), include, max_families)):
        if i % sample_every:
            continue
        evaluated += 1
        idx = list(c)
        n = int(counts[idx].sum())
        if n < n_pc:
            continue
        obj = -float(np.trace(g_all @ np.linalg.inv(grams[idx].sum(axis=0))))
        for b in budgets:
            if n <= b and obj > best[b][0]:
                best[b] = (obj, c)
    return best, evaluated


def search_batched(S, families, order, include, max_families, budgets, n_pc=3):
    """Batched numpy (tests/golden/make_golden.py): every combination of one size in one array operation."""
    grams, counts = family_grams(S, families, order)
    g_all = S.T @ S
    best = {b: (-math.inf, None) for b in budgets}
    others = [i for i in range(len(order)) if i != include]
    top = max_families - (1 if include is not None else 0)
    for k in range(1, top + 1):
        c = np.array(list(itertools.combinations(others, k)), dtype=np.int64)
        if include is not None:
            c = np.hstack([c, np.full((len(c), 1), include)])
        n = counts[c].sum(axis=1)
        obj = np.full(len(c), -np.inf)
        ok = n >= n_pc
        obj[ok] = -np.einsum("ij,nji->n", g_all, np.linalg.inv(grams[c[ok]].sum(axis=1)))
        for b in budgets:
            masked = np.where(n <= b, obj, -np.inf)
            j = int(np.argmax(masked))
            if masked[j] > best[b][0]:
                best[b] = (float(masked[j]), tuple(int(v) for v in c[j]))
    return best


# ---------------------------------------------------------------------------------------------------------------
# inputs and timing
# ---------------------------------------------------------------------------------------------------------------

def read_matrix(spec, key, dtype="<f8"):
    m = spec[key]
    a = np.fromfile(m["file"], dtype=dtype)
    return a.reshape(m["rows"], m["cols"]) if m.get("cols") else a


def timed(fn, repetitions, warmup):
    for _ in range(warmup):
        fn()
    times, result = [], None
    for _ in range(max(1, repetitions)):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return result, times


def task_pipeline(spec):
    X = read_matrix(spec, "scores")
    fit_rows = np.asarray(spec["fit_rows"], dtype=int)
    y = np.asarray(spec["target"], dtype=float)

    def run():
        imp = pca_impute(X)
        pca = perform_pca(imp["train"], 5)
        S = project(pca, imp["train"])[:, :3]
        p = fit_sigmoid_floor(S[fit_rows], y)
        return imp, pca, p, S

    (imp, pca, p, S), times = timed(run, spec.get("repetitions", 7), spec.get("warmup", 1))
    return {"train_mse": mse(p, S[fit_rows], y), "params": p.tolist(),
            "explained_variance_ratio": pca["explained_variance_ratio"].tolist(),
            "imputation_iterations": imp["iterations"], "imputed": imp["train"].ravel().tolist()}, times


def task_bootstrap(spec):
    X = read_matrix(spec, "x")
    y = np.asarray(spec["y"], dtype=float)
    resamples = read_matrix(spec, "resamples", "<i4")

    def run():
        return [mse(fit_sigmoid_floor(X[r], y[r]), X[r], y[r]) for r in resamples]

    mses, times = timed(run, spec.get("repetitions", 3), spec.get("warmup", 0))
    return {"train_mse": mses}, times


def task_subset(spec):
    S = read_matrix(spec, "scores")
    families = spec["families"]
    order = list(dict.fromkeys(families))
    include = order.index(spec["include_family"]) if spec.get("include_family") else None
    budgets, max_f = spec["budgets"], spec["max_families"]
    total = sum(1 for _ in combinations(len(order), include, max_f))

    # Estimate the full loop from a fixed strided sample before committing to it.
    budget_s = spec.get("full_run_limit_seconds", 120.0)
    probe_every = max(1, total // 20000)
    t0 = time.perf_counter()
    _, probed = search_loop(S, families, order, include, max_f, budgets, sample_every=probe_every)
    estimate = (time.perf_counter() - t0) / probed * total
    extrapolated = estimate > budget_s
    if extrapolated:
        every = max(1, total // spec.get("sample_combinations", 50000))
        t0 = time.perf_counter()
        _, evaluated = search_loop(S, families, order, include, max_f, budgets, sample_every=every)
        times = [(time.perf_counter() - t0) / evaluated * total]
        loop_best = None
    else:
        loop_result, times = timed(lambda: search_loop(S, families, order, include, max_f, budgets),
                                   spec.get("repetitions", 1), 0)
        loop_best = loop_result[0]
        evaluated = total

    batched, batched_times = timed(lambda: search_batched(S, families, order, include, max_f, budgets),
                                   spec.get("batched_repetitions", 3), 1)

    def describe(best):
        return [{"budget": b, "objective": best[b][0] if math.isfinite(best[b][0]) else None,
                 "families": sorted(order[i] for i in best[b][1]) if best[b][1] else []} for b in budgets]

    return {"combinations": total, "loop_extrapolated": extrapolated, "loop_evaluated": evaluated,
            "loop": describe(loop_best) if loop_best else None, "batched": describe(batched),
            "batched_times": batched_times, "batched_median": statistics.median(batched_times)}, times


def task_decompose(spec):
    X = read_matrix(spec, "scores")

    def run():
        imp = pca_impute(X)
        return imp, perform_pca(imp["train"], 5)

    (imp, pca), times = timed(run, spec.get("repetitions", 1), spec.get("warmup", 0))
    if spec.get("imputed_out"):
        imp["train"].astype("<f8").tofile(spec["imputed_out"])
    return {"explained_variance": pca["explained_variance"].tolist(),
            "explained_variance_ratio": pca["explained_variance_ratio"].tolist(),
            "imputation_iterations": imp["iterations"]}, times


def task_irt(spec):
    """Item-response fit of a sparse score matrix (NaN = missing) with tests/golden/irt_reference.py's least squares:
    scipy least_squares (TRF, sparse analytic Jacobian, LSMR) at its default tolerances (1e-8), the way one would
    call it, and again at 1e-12 to show what agreement to the optimum costs it."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden"))
    import irt_reference as irt

    X = read_matrix(spec, "scores")
    i, j = np.nonzero(~np.isnan(X))
    problem = irt.Problem(i, j, X[i, j], X.shape[0], X.shape[1], np.zeros(X.shape[1]), spec["anchor"], spec["ridge"])

    def run(tol):
        res = optimize.least_squares(problem.residuals, problem.start(), jac=lambda x: problem.jacobian(x, True),
                                     method="trf", tr_solver="lsmr", x_scale="jac", ftol=tol, xtol=tol, gtol=tol,
                                     max_nfev=100000)
        return res

    res, times = timed(lambda: run(1e-8), spec.get("repetitions", 3), spec.get("warmup", 1))
    tight, tight_times = timed(lambda: run(1e-12), spec.get("tight_repetitions", 1), 0)

    def report(r):
        C, D, a = problem.unpack(r.x)
        se, s2 = irt.standard_errors(problem, r.x)
        g = problem.jacobian(r.x, True).T @ problem.residuals(r.x)
        return {"capability": C.tolist(), "difficulty": D.tolist(), "slope": a.tolist(), "standard_error": se.tolist(),
                "objective": problem.objective(r.x), "nfev": int(r.nfev), "max_abs_gradient": float(np.abs(g).max())}

    out = report(res)
    out["tight"] = report(tight)
    out["tight"]["median"] = statistics.median(tight_times)
    return out, times


TASKS = {"pipeline": task_pipeline, "bootstrap": task_bootstrap, "subset": task_subset, "decompose": task_decompose,
         "irt": task_irt}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("task", choices=sorted(TASKS))
    ap.add_argument("--input", required=True, help="spec JSON written by bench/ObsScaling.Compare")
    ap.add_argument("--json", action="store_true", help="print one JSON object (results + timings)")
    a = ap.parse_args()
    with open(a.input) as fh:
        spec = json.load(fh)
    results, times = TASKS[a.task](spec)
    out = {"task": a.task, "results": results, "times": times, "median": statistics.median(times),
           "numpy": np.__version__, "python": sys.version.split()[0], "pid": os.getpid()}
    if a.json:
        json.dump(out, sys.stdout, allow_nan=False, default=float)
    else:
        print(f"{a.task}: median {out['median']:.4f} s over {len(times)} run(s)")
        for key, value in results.items():
            if not isinstance(value, list) or len(value) < 12:
                print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
