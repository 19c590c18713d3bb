#!/usr/bin/env python3
"""Independent reference for the comparing backtests (leave one family out, cutoff sweep + AUE).

Written from ../shared/docs/method.md (§2 pipeline, §6 rank_by split, the AUE of plot_reg_metric_curves) and
the backtest definitions in docs/backtests.md. Reuses only the numpy/scipy/sklearn helpers of make_golden.py
(imputation, PCA with the project's sign rule, converged least-squares sigmoid fits); nothing from the C# product.

    /usr/bin/python3 tests/golden/backtests_reference.py [DATA_DIR] [--out PATH]

Setup (the paper's post-training analysis, method.md §9): default 77 base models joined with the post-training
table; target gsm8k_cot_8_exact_match,flexible-extract (raw accuracy); PC-1..k over the 7 non-GSM benchmarks
(imputation k=1 run to a fixed point, PCA on each fold's training rows only, test rows imputed with the frozen
train model and projected); sigmoid with floor b in [0, 0.2], least squares at the optimum (Huber delta=1 on
[0,1] targets equals least squares).
  * leave one family out: each family in turn is the test set; pooled test MSE = sum of squared errors over all
    folds / number of forecasts; compute baselines drop models without FLOPs/params from their own part.
  * cutoff sweep: test = top floor(s*n) by FLOPs (descending, NaN first), s in 0.1..0.5; AUE = trapezoid area
    of test MSE over s.
"""
import argparse
import json
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as g  # noqa: E402

TARGET = "gsm8k_cot_8_exact_match,flexible-extract"
SHARES = [0.1, 0.2, 0.3, 0.4, 0.5]
SETS = ["PC-1..3", "ln FLOPs", "MMLU"]


def fold(df, is_test, predictors):
    tr = df[~is_test].reset_index(drop=True)
    te = df[is_test].reset_index(drop=True)
    m = g.NONGSM_METRICS
    if predictors.startswith("PC"):
        imp = g.pca_impute(tr[m].to_numpy(float), te[m].to_numpy(float), fixed_point=True)
        pca = g.perform_pca(imp["train"], 5)
        k = int(predictors[-1])
        xtr, xte = pca["transform"](imp["train"])[:, :k], pca["transform"](imp["test"])[:, :k]
    elif predictors == "ln FLOPs":
        xtr = np.log(tr[[g.FLOPS]].to_numpy(float) + g.EPS)
        xte = np.log(te[[g.FLOPS]].to_numpy(float) + g.EPS)
    elif predictors == "MMLU":
        # MMLU is one of the imputed benchmarks: its (train-imputed) score is the predictor.
        imp = g.pca_impute(tr[m].to_numpy(float), te[m].to_numpy(float), fixed_point=True)
        j = m.index("MMLU")
        xtr, xte = imp["train"][:, [j]], imp["test"][:, [j]]
    else:
        raise ValueError(predictors)
    ktr, kte = np.all(np.isfinite(xtr), axis=1), np.all(np.isfinite(xte), axis=1)
    xtr, ytr = xtr[ktr], tr["__y"].to_numpy(float)[ktr]
    xte, yte = xte[kte], te["__y"].to_numpy(float)[kte]
    if len(ytr) == 0 or len(yte) == 0:
        return None
    p, *_ = g.fit_tight_ls(xtr, ytr, "sigmoid_floor", extra_starts=[])
    etr = g.f_sigmoid_floor(xtr, *p) - ytr
    ete = g.f_sigmoid_floor(xte, *p) - yte
    return {"train_count": int(len(ytr)), "test_count": int(len(yte)), "train_mse": float(np.mean(etr ** 2)),
            "test_mse": float(np.mean(ete ** 2)), "sse": float(ete @ ete),
            "test_models": te["Model"][kte].tolist()}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", default=os.path.normpath(os.path.join(here, "../../../shared/data/obsscaling")))
    ap.add_argument("--out", default=os.path.join(here, "backtests_reference.json"))
    a = ap.parse_args()

    base = g.default_base(a.data)
    pt = pd.read_csv(os.path.join(a.data, "base_llm_post_training_eval.csv"))
    df = base.merge(pt, on="Model")
    df["__y"] = df[TARGET].to_numpy(float)
    df = df[~np.isnan(df["__y"].to_numpy())].reset_index(drop=True)
    families = list(dict.fromkeys(df["Model Family"].tolist()))
    out = {"setup": {"analysis": "post-training", "target": TARGET, "n": int(len(df)), "families": families,
                     "capability_metrics": g.NONGSM_METRICS, "link": "sigmoid_floor", "loss": "least_squares",
                     "shares": SHARES, "sweep_column": g.FLOPS},
           "leave_one_family_out": [], "cutoff_sweep": []}

    fam = df["Model Family"].to_numpy()
    for s in SETS:
        folds, sse, cnt, trs = [], 0.0, 0, []
        for f in families:
            r = fold(df, fam == f, s)
            folds.append({"family": f, **(r or {"unavailable": True})})
            if r:
                sse += r["sse"]
                cnt += r["test_count"]
                trs.append(r["train_mse"])
        out["leave_one_family_out"].append({"predictors": s, "folds": folds, "pooled_test_mse": sse / cnt,
                                            "test_count": cnt, "mean_train_mse": float(np.mean(trs))})

    for s in SETS:
        points = []
        for share in SHARES:
            is_test = g.split(df, "rank_by", g.FLOPS, test_limit=share)
            r = fold(df, is_test, s)
            points.append({"share": share, **(r or {"unavailable": True})})
        mses = [p["test_mse"] for p in points]
        out["cutoff_sweep"].append({"predictors": s, "points": points, "aue": float(np.trapz(mses, SHARES))})

    with open(a.out, "w") as fh:
        json.dump(g.clean(out), fh, indent=1)
    for r in out["leave_one_family_out"]:
        print(f"LOFO {r['predictors']:10s} pooled test MSE {r['pooled_test_mse']:.6g} over {r['test_count']}")
    for r in out["cutoff_sweep"]:
        print(f"sweep {r['predictors']:10s} AUE {r['aue']:.6g}  " + " ".join(f"{p.get('test_mse', float('nan')):.3g}" for p in r["points"]))


if __name__ == "__main__":
    main()
