#!/usr/bin/env python3
"""The start-up benchmark's Python side: the paper's agent forecast (Sec 4.3) as one fresh process.

Written from docs/method.md with numpy, scipy and pandas only (no sklearn: it is not needed and would only add
import time), independently of the C# product:
  * read instruct_llm_benchmark_eval.csv and instruct_llm_agent_eval.csv, join on Model;
  * target ABench-OA min-max transformed from [0, 10]; rows without it dropped;
  * split: the top floor(0.1 n) models by the transformed target are held out (ties in input order);
  * PCA imputation (method.md §3, k = 1, stop when no missing cell moves by 1e-10, at most 1000 iterations) of the
    seven standard benchmarks on the train rows, test rows completed with the frozen train model;
  * PCA (method.md §4, centred SVD, the sign rule), PC-1..3;
  * sigmoid with floor b in [0, 0.2] by least squares (analytic Jacobian, tolerances at rounding level);
  * forecast the held-out models and print TEST_MSE (and the forecasts).

Usage: /usr/bin/python3 bench/startup/agents.py <data-folder>
"""
import os
import sys

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import expit

METRICS = ["MMLU", "ARC-C", "HellaSwag", "Winogrande", "TruthfulQA", "GSM8K", "HumanEval"]
TARGET = "ABench-OA"
LOW, HIGH, FRACTION, COMPONENTS, FLOOR_MAX = 0.0, 10.0, 0.1, 3, 0.2


def impute(train, test, k=1, max_iter=1000, tol=1e-10):
    mu = np.nanmean(train, axis=0)
    sd = np.nanstd(train, axis=0)
    sd = np.where(sd == 0, 1.0, sd)
    z = (train - mu) / sd
    miss = np.isnan(z)
    z[miss] = 0.0
    for _ in range(max_iter):
        m = z.mean(axis=0)
        v = np.linalg.svd(z - m, full_matrices=False)[2][:k]
        r = (z - m) @ v.T @ v + m
        moved = np.max(np.abs(r[miss] - z[miss]), initial=0.0)
        z[miss] = r[miss]
        if moved < tol:
            break
    t = (test - mu) / sd
    tmiss = np.isnan(t)
    t[tmiss] = 0.0
    for _ in range(max_iter):
        r = (t - m) @ v.T @ v + m
        moved = np.max(np.abs(r[tmiss] - t[tmiss]), initial=0.0)
        t[tmiss] = r[tmiss]
        if moved < tol:
            break
    return np.clip(z * sd + mu, 0, 1), np.clip(t * sd + mu, 0, 1)


def pca(x, k):
    centre = x.mean(axis=0)
    basis = np.linalg.svd(x - centre, full_matrices=False)[2][:k]
    for i in range(k):
        flip = basis[0].sum() < 0 if i == 0 else basis[i, np.argmax(np.abs(basis[i]))] < 0
        if flip:
            basis[i] = -basis[i]
    return centre, basis


def law(p, x):
    return (1 - p[-1]) * expit(p[0] + x @ p[1:-1]) + p[-1]


def fit(x, y):
    def residuals(p):
        return law(p, x) - y

    def jacobian(p):
        s = expit(p[0] + x @ p[1:-1])
        ds = (1 - p[-1]) * s * (1 - s)
        return np.column_stack([ds, ds[:, None] * x, 1 - s])

    d = x.shape[1]
    p0 = np.array([0.0] + [0.03] * d + [0.0])
    bounds = ([-np.inf] * (d + 1) + [0.0], [np.inf] * (d + 1) + [FLOOR_MAX])
    eps = 2.3e-16
    return optimize.least_squares(residuals, p0, jac=jacobian, bounds=bounds, method="trf",
                                  ftol=eps, xtol=eps, gtol=eps, max_nfev=100000).x


def main():
    data = sys.argv[1]
    scores = pd.read_csv(os.path.join(data, "instruct_llm_benchmark_eval.csv"))
    agents = pd.read_csv(os.path.join(data, "instruct_llm_agent_eval.csv"))
    df = scores.merge(agents, on="Model")
    df = df[df[TARGET].notna()].reset_index(drop=True)
    y = (df[TARGET].to_numpy(float) - LOW) / (HIGH - LOW)
    take = int(np.floor(FRACTION * len(df)))
    test = np.zeros(len(df), bool)
    test[np.argsort(-y, kind="stable")[:take]] = True
    x = df[METRICS].to_numpy(float)
    x_train, x_test = impute(x[~test], x[test])
    centre, basis = pca(x_train, COMPONENTS)
    p = fit((x_train - centre) @ basis.T, y[~test])
    predicted = law(p, (x_test - centre) @ basis.T)
    print(f"TEST_MSE={float(np.mean((predicted - y[test]) ** 2))!r}")
    for model, value in zip(df["Model"][test], predicted):
        print(f"FORECAST {model}={float(value) * (HIGH - LOW) + LOW!r}")


if __name__ == "__main__":
    main()
