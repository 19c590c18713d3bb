#!/usr/bin/env python3
"""Reference values for the item-response capability model (tests/ObsScaling.Core.Tests/Irt).

Run with /usr/bin/python3 (Debian numpy + scipy); writes irt_reference.json beside this file:

    /usr/bin/python3 tests/golden/irt_reference.py [DATA_DIR] [--out FILE]

DATA_DIR defaults to shared/data/obsscaling in the nearest folder above this script that has it. Written from the
model as stated below (docs/method.md §13 states the same), sharing no code with the C# fitter, which eliminates the
capabilities by a Schur complement and takes Newton steps on the exact Hessian; this script hands the whole stacked
residual vector to scipy.optimize.least_squares and polishes with Newton steps on a finite-difference Hessian.

The model: score[m, b] = f_b + (1 - f_b) * sigmoid(alpha_b * (C_m - D_b)), fitted on the observed cells only by
minimising 1/2 sum_obs r^2 + 1/2 ridge * (sum_m C_m^2 + sum_b D_b^2), with the anchor benchmark's D = 0 and
alpha = 1 held fixed. The ridge terms enter least_squares as extra residuals sqrt(ridge) * C_m, sqrt(ridge) * D_b.

Standard errors: s^2 = SSE / (N - P) with P = models + 2 (benchmarks - 1); SE(C_m) = sqrt(s^2 / h_m) where h_m is
the second derivative of the objective in C_m alone (benchmark parameters fixed, ridge included).

A new model's capability given fixed benchmark parameters: the global minimiser of the one-dimensional objective,
found on a grid and refined by brentq on its derivative.

Also imported by bench/compare/reference.py (task "irt"), which times least_squares on this Problem.
"""
import argparse
import csv
import json
import os
import sys
import time
import warnings

import numpy as np
import scipy
from scipy import optimize, sparse
from scipy.special import expit

warnings.simplefilter("ignore")
TIGHT = dict(ftol=2.3e-16, xtol=2.3e-16, gtol=2.3e-16, max_nfev=100000)
BASE_BENCHMARKS = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval"]
# PaperMetrics' chance levels; TruthfulQA has none listed there, so its floor is 0.
CHANCE = {"MMLU": 0.25, "ARC-C": 0.25, "HellaSwag": 0.25, "Winograd": 0.5, "XWinograd": 0.5, "GSM8K": 0.0,
          "HumanEval": 0.0, "TruthfulQA": 0.0}


class Problem:
    """Observed cells as parallel index arrays (model i, benchmark j, score y)."""

    def __init__(self, i, j, y, n_models, n_bench, floors, anchor, ridge):
        self.i = np.asarray(i, dtype=np.int64)
        self.j = np.asarray(j, dtype=np.int64)
        self.y = np.asarray(y, dtype=float)
        self.M = n_models
        self.B = n_bench
        self.f = np.asarray(floors, dtype=float)
        self.anchor = anchor
        self.ridge = ridge
        self.free = np.array([b for b in range(n_bench) if b != anchor], dtype=np.int64)
        # position of benchmark b's D and alpha in x (-1 for the anchor)
        self.pos = -np.ones(n_bench, dtype=np.int64)
        self.pos[self.free] = np.arange(len(self.free))
        self.n_params = n_models + 2 * len(self.free)

    def unpack(self, x):
        M, F = self.M, len(self.free)
        C = x[:M]
        D = np.zeros(self.B)
        a = np.ones(self.B)
        D[self.free] = x[M:M + F]
        a[self.free] = x[M + F:M + 2 * F]
        return C, D, a

    def pack(self, C, D, a):
        return np.concatenate([C, D[self.free], a[self.free]])

    def mean(self, C, D, a):
        z = a[self.j] * (C[self.i] - D[self.j])
        return self.f[self.j] + (1 - self.f[self.j]) * expit(z)

    def residuals(self, x):
        C, D, a = self.unpack(x)
        r = self.mean(C, D, a) - self.y
        s = np.sqrt(self.ridge)
        return np.concatenate([r, s * C, s * D[self.free]])

    def jacobian(self, x, as_sparse=False):
        C, D, a = self.unpack(x)
        z = a[self.j] * (C[self.i] - D[self.j])
        e = expit(z)
        g = (1 - self.f[self.j]) * e * (1 - e)
        n = len(self.y)
        M, F = self.M, len(self.free)
        rows, cols, vals = [np.arange(n)], [self.i], [g * a[self.j]]
        mask = self.j != self.anchor
        p = self.pos[self.j[mask]]
        rows += [np.arange(n)[mask], np.arange(n)[mask]]
        cols += [M + p, M + F + p]
        vals += [-(g * a[self.j])[mask], (g * (C[self.i] - D[self.j]))[mask]]
        s = np.sqrt(self.ridge)
        rows += [n + np.arange(M), n + M + np.arange(F)]
        cols += [np.arange(M), M + np.arange(F)]
        vals += [np.full(M, s), np.full(F, s)]
        J = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                              shape=(n + M + F, self.n_params))
        return J if as_sparse else J.toarray()

    def objective(self, x):
        r = self.residuals(x)
        return 0.5 * r @ r

    def sse(self, x):
        C, D, a = self.unpack(x)
        r = self.mean(C, D, a) - self.y
        return float(r @ r)

    def start(self):
        """Crude start: the model's mean adjusted score and the benchmark's mean, on the logit scale, slopes 1."""
        adj = np.clip((self.y - self.f[self.j]) / (1 - self.f[self.j]), 0.05, 0.95)
        lg = np.log(adj / (1 - adj))
        C = np.bincount(self.i, lg, self.M) / np.bincount(self.i, None, self.M)
        D = -np.bincount(self.j, lg, self.B) / np.bincount(self.j, None, self.B)
        C = C - D[self.anchor]
        D = D - D[self.anchor]
        return self.pack(C, D, np.ones(self.B))


def fit(problem, x0=None, tight=True):
    """Least squares from x0; tight=True uses a dense Jacobian and rounding-level tolerances."""
    x0 = problem.start() if x0 is None else x0
    if tight:
        res = optimize.least_squares(problem.residuals, x0, jac=problem.jacobian, method="trf", **TIGHT)
    else:
        res = optimize.least_squares(problem.residuals, x0, jac=lambda x: problem.jacobian(x, True), method="trf",
                                     tr_solver="lsmr", x_scale="jac")
    return res.x, res


def newton_polish(problem, x, steps=8):
    """Newton steps on the exact Hessian (central differences of the analytic gradient), kept while |grad| falls."""
    def grad(v):
        return problem.jacobian(v, True).T @ problem.residuals(v)

    g = grad(x)
    for _ in range(steps):
        n = len(x)
        H = np.empty((n, n))
        for k in range(n):
            h = 1e-6 * (abs(x[k]) + 1e-2)
            xp, xm = x.copy(), x.copy()
            xp[k] += h
            xm[k] -= h
            H[:, k] = (grad(xp) - grad(xm)) / (2 * h)
        H = 0.5 * (H + H.T)
        trial = x - np.linalg.solve(H, g)
        gt = grad(trial)
        if not np.linalg.norm(gt) < np.linalg.norm(g):
            break
        x, g = trial, gt
    return x, float(np.max(np.abs(g)))


def curvature_in_c(problem, C, D, a):
    """h_m = sum over the model's cells of (dmu/dC)^2 + r d2mu/dC2, plus the ridge."""
    z = a[problem.j] * (C[problem.i] - D[problem.j])
    e = expit(z)
    w = 1 - problem.f[problem.j]
    d1 = w * e * (1 - e) * a[problem.j]
    d2 = w * e * (1 - e) * (1 - 2 * e) * a[problem.j] ** 2
    r = problem.f[problem.j] + w * e - problem.y
    return np.bincount(problem.i, d1 * d1 + r * d2, problem.M) + problem.ridge


def standard_errors(problem, x):
    C, D, a = problem.unpack(x)
    dof = len(problem.y) - problem.n_params
    s2 = problem.sse(x) / dof
    h = curvature_in_c(problem, C, D, a)
    return np.sqrt(s2 / h), s2


def estimate(y, D, a, f, ridge, s2):
    """Capability of one model from its scores y on benchmarks with parameters (D, a, f) held fixed."""
    y, D, a, f = map(np.asarray, (y, D, a, f))

    def phi(c):
        r = f + (1 - f) * expit(a * (c - D)) - y
        return 0.5 * r @ r + 0.5 * ridge * c * c

    def dphi(c):
        e = expit(a * (c - D))
        r = f + (1 - f) * e - y
        return r @ ((1 - f) * e * (1 - e) * a) + ridge * c

    def d2phi(c):
        e = expit(a * (c - D))
        w = 1 - f
        d1 = w * e * (1 - e) * a
        d2 = w * e * (1 - e) * (1 - 2 * e) * a * a
        r = f + w * e - y
        return d1 @ d1 + r @ d2 + ridge

    span = 40.0 / np.min(np.abs(a))
    grid = np.linspace(min(D.min(), 0.0) - span, max(D.max(), 0.0) + span, 40001)
    values = np.array([phi(c) for c in grid])
    k = int(np.argmin(values))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    if dphi(lo) < 0 < dphi(hi):
        c = optimize.brentq(dphi, lo, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)
    else:
        c = grid[k]
    return float(c), float(np.sqrt(s2 / d2phi(c)))


def check_curvature(problem, x):
    """The analytic h_m against a central difference of the objective in C_m alone (first few models)."""
    C, D, a = problem.unpack(x)
    h = curvature_in_c(problem, C, D, a)
    worst = 0.0
    for m in range(min(problem.M, 10)):
        step = 1e-4
        xs = []
        for d in (-step, 0.0, step):
            v = x.copy()
            v[m] += d
            xs.append(problem.objective(v))
        fd = (xs[0] - 2 * xs[1] + xs[2]) / step ** 2
        worst = max(worst, abs(fd - h[m]) / abs(h[m]))
    assert worst < 1e-5, worst
    return worst


def solve(problem, seeds=4):
    """Tight fit from the crude start, then from jittered starts; the best is polished by Newton."""
    x, res = fit(problem)
    minima = [problem.objective(x)]
    rng = np.random.default_rng(7)
    best = x
    for _ in range(seeds):
        xs, _ = fit(problem, problem.start() + rng.normal(0, 0.3, problem.n_params))
        minima.append(problem.objective(xs))
        if minima[-1] < problem.objective(best):
            best = xs
    best, max_grad = newton_polish(problem, best)
    distinct = sorted({round(v, 10) for v in minima})
    return best, max_grad, distinct, res.nfev


def anchor_of(counts):
    """Default anchor: the benchmark with the most scores, the first listed among equals."""
    return int(np.argmax(counts))


def describe(problem, x, names_m, names_b, options):
    C, D, a = problem.unpack(x)
    se, s2 = standard_errors(problem, x)
    return {
        "options": options,
        "anchor": names_b[problem.anchor],
        "benchmarks": names_b,
        "floors": problem.f.tolist(),
        "models": names_m,
        "capability": C.tolist(),
        "standard_error": se.tolist(),
        "difficulty": D.tolist(),
        "slope": a.tolist(),
        "sum_of_squares": problem.sse(x),
        "objective": problem.objective(x),
        "residual_variance": s2,
        "score_count": int(len(problem.y)),
        "parameter_count": int(problem.n_params),
    }


def read_paper(data_dir):
    with open(os.path.join(data_dir, "base_llm_benchmark_eval.csv"), newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = [r["Model"] for r in rows]
    i, j, y = [], [], []
    for m, r in enumerate(rows):
        for b, name in enumerate(BASE_BENCHMARKS):
            v = r[name].strip()
            if v not in ("", "nan", "NaN"):
                i.append(m)
                j.append(b)
                y.append(float(v))
    return names, np.array(i), np.array(j), np.array(y)


def paper_case(name, data_dir, floors_on, ridge, holdout_models, subset_size):
    names, i, j, y = read_paper(data_dir)
    B = len(BASE_BENCHMARKS)
    floors = [CHANCE[b] if floors_on else 0.0 for b in BASE_BENCHMARKS]
    anchor = anchor_of(np.bincount(j, None, B))
    problem = Problem(i, j, y, len(names), B, floors, anchor, ridge)
    t = time.perf_counter()
    x, max_grad, distinct, nfev = solve(problem)
    elapsed = time.perf_counter() - t
    check_curvature(problem, x)
    out = {"name": name}
    out.update(describe(problem, x, names, BASE_BENCHMARKS,
                        {"chance_floors": floors_on, "ridge": ridge, "anchor": None}))
    out["diagnostics"] = {"max_abs_gradient": max_grad, "distinct_minima_objective": distinct, "nfev": int(nfev)}
    C, D, a = problem.unpack(x)
    _, s2 = standard_errors(problem, x)
    f = np.array(floors)

    # The fit's own model re-estimated from all its scores (must give back its C) and from a subset.
    estimates = []
    for model in holdout_models:
        m = names.index(model)
        cells = np.where(i == m)[0]
        bs = j[cells]
        for k in (len(bs), subset_size):
            use = cells[:k]
            c, se = estimate(y[use], D[j[use]], a[j[use]], f[j[use]], ridge, s2)
            estimates.append({"model": model, "benchmarks": [BASE_BENCHMARKS[b] for b in j[use]],
                              "scores": y[use].tolist(), "capability": c, "standard_error": se})
    out["estimates"] = estimates

    # Leave one model out: refit without it, then estimate it with the frozen benchmark parameters.
    held = holdout_models[0]
    m = names.index(held)
    keep = i != m
    remap = np.array([k - (k > m) for k in range(len(names))])
    rest = Problem(remap[i[keep]], j[keep], y[keep], len(names) - 1, B, floors, anchor, ridge)
    xr, gr, _, _ = solve(rest, seeds=1)
    Cr, Dr, ar = rest.unpack(xr)
    _, s2r = standard_errors(rest, xr)
    cells = np.where(i == m)[0]
    c, se = estimate(y[cells], Dr[j[cells]], ar[j[cells]], f[j[cells]], ridge, s2r)
    out["leave_one_out"] = {"model": held, "capability": c, "standard_error": se,
                            "difficulty": Dr.tolist(), "slope": ar.tolist(), "residual_variance": s2r,
                            "max_abs_gradient": gr}
    print(f"{name}: {len(names)} models, {len(y)} scores, anchor {BASE_BENCHMARKS[anchor]}, SSE {problem.sse(x):.6g}, "
          f"s2 {s2:.4g}, max|grad| {max_grad:.2e}, minima {distinct}, {elapsed:.2f} s")
    return out


def synthetic_truth(n_models, n_bench, missing, noise, seed):
    """Known C ~ N(0, 1.5^2), D ~ U(-2, 2.5), alpha ~ U(0.6, 2.5), benchmark 0 the anchor (D=0, alpha=1)."""
    rng = np.random.default_rng(seed)
    C = rng.normal(0, 1.5, n_models)
    D = rng.uniform(-2, 2.5, n_bench)
    a = rng.uniform(0.6, 2.5, n_bench)
    D[0], a[0] = 0.0, 1.0
    observed = rng.random((n_models, n_bench)) >= missing
    observed[:, 0] |= rng.random(n_models) < 0.5  # the anchor is the most-observed benchmark
    for m in range(n_models):  # every model keeps at least two scores
        while observed[m].sum() < 2:
            observed[m, rng.integers(n_bench)] = True
    i, j = np.nonzero(observed)
    mu = expit(a[j] * (C[i] - D[j]))
    y = np.clip(mu + rng.normal(0, noise, len(mu)), 0, 1)
    return C, D, a, i, j, y


def synthetic_case(name, n_models, n_bench, missing, noise, seed, ridge):
    C0, D0, a0, i, j, y = synthetic_truth(n_models, n_bench, missing, noise, seed)
    names_m = [f"m{m:03d}" for m in range(n_models)]
    names_b = [f"b{b:02d}" for b in range(n_bench)]
    problem = Problem(i, j, y, n_models, n_bench, np.zeros(n_bench), 0, ridge)
    t = time.perf_counter()
    x, max_grad, distinct, nfev = solve(problem, seeds=2)
    elapsed = time.perf_counter() - t
    check_curvature(problem, x)
    matrix = np.full((n_models, n_bench), np.nan)
    matrix[i, j] = y
    out = {"name": name, "seed": seed, "noise": noise, "missing": missing,
           "scores": [[None if np.isnan(v) else float(v) for v in row] for row in matrix],
           "true_capability": C0.tolist(), "true_difficulty": D0.tolist(), "true_slope": a0.tolist()}
    out.update(describe(problem, x, names_m, names_b, {"chance_floors": False, "ridge": ridge, "anchor": "b00"}))
    out["diagnostics"] = {"max_abs_gradient": max_grad, "distinct_minima_objective": distinct, "nfev": int(nfev)}
    C, D, a = problem.unpack(x)
    print(f"{name}: {n_models}x{n_bench}, {len(y)} scores ({1 - len(y) / (n_models * n_bench):.0%} missing), "
          f"SSE {problem.sse(x):.6g}, max|grad| {max_grad:.2e}, minima {distinct}, "
          f"corr(C) {np.corrcoef(C, C0)[0, 1]:.6f}, max|C-C0| {np.max(np.abs(C - C0)):.4f}, {elapsed:.2f} s")
    return out


def find_data(start):
    """../shared/data/obsscaling beside the repository, looked for upwards as tests/Shared/PaperDataDirectory does."""
    d = start
    while True:
        candidate = os.path.join(d, "shared", "data", "obsscaling")
        if os.path.exists(os.path.join(candidate, "base_llm_benchmark_eval.csv")):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            sys.exit("the paper's data (shared/data/obsscaling) was not found above " + start + "; pass DATA_DIR")
        d = parent


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", default=find_data(here))
    ap.add_argument("--out", default=os.path.join(here, "irt_reference.json"))
    args = ap.parse_args()
    holdouts = ["meta-llama/Llama-2-7b-hf", "EleutherAI/pythia-1.4b-deduped", "mistralai/Mistral-7B-v0.1"]
    doc = {
        "meta": {"generated_by": "tests/golden/irt_reference.py", "numpy": np.__version__, "scipy": scipy.__version__},
        "paper": [
            paper_case("base_plain", args.data, False, 1e-6, holdouts, 3),
            paper_case("base_chance_floors", args.data, True, 1e-6, holdouts, 3),
        ],
        "synthetic": [
            synthetic_case("synthetic_200x20_60pct", 200, 20, 0.6, 0.02, 2026, 1e-6),
        ],
    }
    with open(args.out, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    sys.exit(main())
