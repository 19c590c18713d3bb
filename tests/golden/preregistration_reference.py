#!/usr/bin/env python3
"""Independent check of the preregistration ledger's reproduction (docs/ledger.md, examples/preregistration.ps1).

Run with /usr/bin/python3 (numpy, scipy, sklearn, pandas); writes preregistration_reference.json beside this file.

For each leaderboard-v2 task of the paper (App. C.3: bbh, gpqa, math_hard) this script, with numpy/scipy/sklearn only:
  1. builds the fit's data: base benchmark table inner-joined with leaderboard v2, families with FLOPs, and the 20
     preregistered models (method.md §1) REMOVED;
  2. runs the holdout pipeline of method.md §2 (min-max target, FLOPs cutoff split, fixed-point PCA imputation and
     PCA on train rows, PC-1..3, plain sigmoid fitted to the least-squares optimum -- Huber with delta 1 on targets
     in [0, 1] is least squares);
  3. forecasts the 20 preregistered models from their base benchmark scores (imputed with the frozen train
     model, projected on the train PCs) with a parametric 90% interval:
        yhat +- t_{n-m}(0.95) * sqrt(g' C g + s^2),   C = s^2 (J'J)^-1,   s^2 = SSE / (n - m);
  4. scores each forecast against the model's leaderboard-v2 value (error = predicted - observed, raw scale;
     inside = observed in [lower, upper]) and reports coverage, MAE and RMSE;
  5. reads the CSVs with float_precision="round_trip" (pandas' default fast parser is off by an ulp on some
     17-digit values, which the hash would see), and writes the SHA-256 of the fitted data's canonical text (docs/ledger.md) with the spec string
     "python-reference", so the C# encoding can be checked byte for byte.
Helpers (imputation, PCA sign rule, tight least squares) come from make_golden.py, the project's from-scratch
Python implementation; nothing is taken from the C# code.
"""
import hashlib
import json
import os
import sys

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as g  # noqa: E402

LEVEL = 0.9
TASKS = [("bbh", "leaderboard_bbh", g.BBH_RANDOM_MEAN, 84.0),
         ("gpqa", "leaderboard_gpqa", 0.25, 168.0),
         ("math_hard", "leaderboard_math_hard", 0.0, 252.0)]
SPEC_PLACEHOLDER = "python-reference"


def net_r(v):
    """.NET's round-trip ("R") text of a double, for the values in these tables."""
    v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    s = repr(v)
    if "e" in s:
        mant, exp = s.split("e")
        sign = "-" if exp.startswith("-") else "+"
        return f"{mant}E{sign}{abs(int(exp)):02d}"
    return s


def canonical_text(rows, columns, spec):
    cols = sorted(set(columns))
    out = ["obsscaling-fit-data/1", "spec\t" + spec, "columns" + "".join("\t" + c for c in cols)]
    for _, r in rows.sort_values("Model", key=lambda s: s.map(lambda x: x.encode("utf-8"))).iterrows():
        def opt(c):
            x = r.get(c)
            return "-" if x is None or pd.isna(x) else net_r(x)
        fam = r.get("Model Family")
        line = ["row", r["Model"], "-" if fam is None or pd.isna(fam) else fam,
                opt(g.SIZE), opt("Pretraining Data Size (T)"), opt(g.FLOPS)]
        line += ["NA" if pd.isna(r[c]) else net_r(r[c]) for c in cols]
        out.append("\t".join(line))
    return "\n".join(out) + "\n"


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data", "obsscaling")
    base = pd.read_csv(os.path.join(data, "base_llm_benchmark_eval.csv"), float_precision="round_trip")
    lb = pd.read_csv(os.path.join(data, "base_llm_leaderboard_v2_eval.csv"), float_precision="round_trip")
    joined = base.merge(lb, on="Model", how="inner")
    fit_df = joined[joined["Model Family"].isin(g.EVAL_WITH_FLOPS_FAMILIES) & ~joined["Model"].isin(g.PREREGISTERED)].reset_index(drop=True)
    prereg = base[base["Model"].isin(g.PREREGISTERED)].set_index("Model").loc[g.PREREGISTERED].reset_index()
    observed_all = lb.set_index("Model")
    metrics = g.NONGSM_METRICS

    out = {"meta": {"level": LEVEL, "interval": "parametric (delta method + residual variance, t quantile)",
                    "fit_models": int(len(fit_df)), "preregistered": g.PREREGISTERED,
                    "spec_placeholder": SPEC_PLACEHOLDER},
           "tasks": []}
    for short, target, low, cutoff in TASKS:
        df = fit_df.copy()
        df["__y"] = g.minmax(df[target].to_numpy(float), low, 1.0)
        df = df[~np.isnan(df["__y"])].reset_index(drop=True)
        is_test = g.split(df, "cutoff", g.FLOPS, threshold=cutoff)
        tr = df[~is_test].reset_index(drop=True)
        te = df[is_test].reset_index(drop=True)
        imp = g.pca_impute(tr[metrics].to_numpy(float), np.vstack([te[metrics].to_numpy(float), prereg[metrics].to_numpy(float)]), fixed_point=True)
        pca = g.perform_pca(imp["train"], 5)
        xtr = pca["transform"](imp["train"])[:, :3]
        rest = pca["transform"](imp["test"])[:, :3]
        xte, xpre = rest[:len(te)], rest[len(te):]
        ytr = tr["__y"].to_numpy(float)
        yte = te["__y"].to_numpy(float)

        p, sse, gmax, cond, _, _ = g.fit_tight_ls(xtr, ytr, "sigmoid", extra_starts=[])
        n, m = len(ytr), len(p)
        s2 = sse / (n - m)
        J = g.jac_sigmoid(xtr, *p)
        C = s2 * np.linalg.inv(J.T @ J)
        t = stats.t.ppf(0.5 + LEVEL / 2, n - m)

        def forecast(x):
            yhat = g.f_sigmoid(x[None, :], *p)[0]
            grad = g.jac_sigmoid(x[None, :], *p)[0]
            half = t * np.sqrt(grad @ C @ grad + s2)
            return yhat, yhat - half, yhat + half

        def raw(v):
            return low + v * (1.0 - low)

        entries = []
        for i, name in enumerate(prereg["Model"]):
            yhat, lo_t, hi_t = forecast(xpre[i])
            e = {"model": name, "family": prereg["Model Family"][i], "pcs": xpre[i], "predicted": yhat,
                 "predicted_raw": raw(yhat), "lower_raw": raw(lo_t), "upper_raw": raw(hi_t)}
            if name in observed_all.index and np.isfinite(observed_all.loc[name, target]):
                obs = float(observed_all.loc[name, target])
                e.update({"observed_raw": obs, "error_raw": e["predicted_raw"] - obs,
                          "inside": bool(e["lower_raw"] <= obs <= e["upper_raw"])})
            entries.append(e)
        scored = [e for e in entries if "observed_raw" in e]
        errs = np.array([e["error_raw"] for e in scored])
        test_pred = g.f_sigmoid(xte, *p)
        rows = tr.drop(columns="__y")
        text = canonical_text(rows, [target] + metrics, SPEC_PLACEHOLDER)
        out["tasks"].append({
            "task": short, "target": target, "low": low, "cutoff": cutoff,
            "train_models": tr["Model"].tolist(), "test_models": te["Model"].tolist(),
            "params": p, "train_mse": sse / n, "test_mse": float(np.mean((test_pred - yte) ** 2)),
            "max_abs_grad": gmax, "t_quantile": t, "residual_variance": s2,
            "data_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(), "data_rows": int(len(tr)),
            "entries": entries,
            "scored": len(scored), "unobserved": [e["model"] for e in entries if "observed_raw" not in e],
            "inside": int(sum(e["inside"] for e in scored)),
            "coverage": float(np.mean([e["inside"] for e in scored])),
            "mae": float(np.mean(np.abs(errs))), "rmse": float(np.sqrt(np.mean(errs ** 2))),
        })

    all_scored = [e for t_ in out["tasks"] for e in t_["entries"] if "observed_raw" in e]
    errs = np.array([e["error_raw"] for e in all_scored])
    out["overall"] = {"scored": len(all_scored), "inside": int(sum(e["inside"] for e in all_scored)),
                      "coverage": float(np.mean([e["inside"] for e in all_scored])),
                      "mae": float(np.mean(np.abs(errs))), "rmse": float(np.sqrt(np.mean(errs ** 2)))}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "preregistration_reference.json")
    with open(path, "w") as f:
        json.dump(g.clean(out), f, indent=1)
    for t_ in out["tasks"]:
        print(f"{t_['task']:10s} train {t_['data_rows']:2d}  test MSE {t_['test_mse']:.3e}  scored {t_['scored']}  "
              f"inside {t_['inside']}/{t_['scored']} ({t_['coverage']:.0%})  MAE {t_['mae']:.4f}  RMSE {t_['rmse']:.4f}")
    o = out["overall"]
    print(f"overall    scored {o['scored']}  inside {o['inside']} ({o['coverage']:.1%})  MAE {o['mae']:.4f}  RMSE {o['rmse']:.4f}")


if __name__ == "__main__":
    main()
