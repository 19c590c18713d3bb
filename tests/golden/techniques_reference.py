"""Independent reference for TechniqueComparison: post-training techniques on one capability axis.

Written from method.md (§2-§5, §7, §9) with the from-scratch helpers of make_golden.py (imputation fixed point,
PCA with the project sign rule, tight bounded least squares = the Huber-1 optimum on [0,1] targets, OLS).
Shared axis: one imputation + PCA on the training part (FLOPs <= 84; NaN FLOPs -> test) of default base (77)
joined with base_llm_post_training_eval.csv; one sigmoid-with-floor law per technique on PC-1..3 of the training
models that have the technique's score; equivalent compute from the Llama-2 models (train and test) with FLOPs and
the score; curves on a grid of Llama-2-equivalent log10 FLOPs (1e21) from -1 to 4 (101 points); gains over the
baseline; crossings by brentq between grid sign changes.
Run: /usr/bin/python3 tests/golden/techniques_reference.py   (writes techniques_reference.json beside it)
"""
import json
import os
import sys

import numpy as np
import pandas as pd
from scipy.optimize import brentq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_golden as mg  # noqa: E402

DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "obsscaling"))
COMPARISONS = {
    "gsm8k": ["gsm8k_5_exact_match,flexible-extract", "gsm8k_cot_8_exact_match,flexible-extract",
              "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract"],
    "bbh": ["bbh_fewshot_overall_3_exact_match,flexible-extract", "bbh_cot_fewshot_overall_3_exact_match,flexible-extract"],
}
GRID = np.linspace(-1.0, 4.0, 101)


def sigmoid_floor(x, p):
    c, w, b = p[0], p[1:-1], p[-1]
    return (1 - b) / (1 + np.exp(-(c + x @ w))) + b


def compare(name, techniques):
    base = mg.default_base(DATA)
    pt = pd.read_csv(os.path.join(DATA, "base_llm_post_training_eval.csv"))
    df = base.merge(pt, on="Model").reset_index(drop=True)
    is_test = mg.split(df, "cutoff", mg.FLOPS, threshold=84.0)
    tr, te = df[~is_test].reset_index(drop=True), df[is_test].reset_index(drop=True)
    imp = mg.pca_impute(tr[mg.NONGSM_METRICS].to_numpy(float), te[mg.NONGSM_METRICS].to_numpy(float), fixed_point=True)
    pca = mg.perform_pca(imp["train"], 5)
    s_tr = pca["transform"](imp["train"])[:, :3]
    s_te = pca["transform"](imp["test"])[:, :3]
    alld = pd.concat([tr, te], ignore_index=True)
    alls = np.vstack([s_tr, s_te])
    laws, curves = [], []
    for t in techniques:
        y = tr[t].to_numpy(float)
        keep = ~np.isnan(y)
        p = mg.fit_tight_ls(s_tr[keep], y[keep], "sigmoid_floor", extra_starts=[])[0]
        sel = ((alld["Model Family"] == "Llama-2").to_numpy() & np.isfinite(alld[mg.FLOPS].to_numpy(float))
               & ~np.isnan(alld[t].to_numpy(float)))
        C = p[0] + alls[sel] @ p[1:4]
        o = mg.ols_simple(np.log10(alld[mg.FLOPS].to_numpy(float)[sel]), C)
        w_e, b_e = o["slope"], o["intercept"]
        laws.append({"technique": t, "params": p.tolist(), "train_models": int(keep.sum()), "w_e": w_e, "b_e": b_e,
                     "reference_models": alld["Model"][sel].tolist()})
        curves.append(lambda g, p=p, w_e=w_e, b_e=b_e: (1 - p[-1]) / (1 + np.exp(-(b_e + w_e * g))) + p[-1])
    predicted = [[float(f(g)) for g in GRID] for f in curves]
    crossings = []
    for a in range(len(techniques)):
        for b in range(a + 1, len(techniques)):
            diff = lambda g: curves[a](g) - curves[b](g)  # noqa: E731
            d = np.array([diff(g) for g in GRID])
            for i in range(1, len(GRID)):
                if np.sign(d[i - 1]) != np.sign(d[i]) and d[i - 1] != 0:
                    x = brentq(diff, GRID[i - 1], GRID[i], xtol=1e-13)
                    below_a = curves[a](x - 1e-6) > curves[b](x - 1e-6)
                    crossings.append({"earlier": techniques[a] if below_a else techniques[b],
                                      "later": techniques[b] if below_a else techniques[a],
                                      "log10_flops_e21": x, "value": float(curves[a](x))})
    return {"name": name, "baseline": techniques[0], "techniques": techniques[1:], "grid": GRID.tolist(),
            "train_models": tr["Model"].tolist(), "laws": laws, "predicted": predicted,
            "gain": [[p - q for p, q in zip(row, predicted[0])] for row in predicted], "crossings": crossings}


out = {"generated_by": "tests/golden/techniques_reference.py", "comparisons": [compare(k, v) for k, v in COMPARISONS.items()]}
with open(os.path.join(HERE, "techniques_reference.json"), "w") as fh:
    json.dump(mg.clean(out), fh, indent=1)
for c in out["comparisons"]:
    for law in c["laws"]:
        print(c["name"], law["technique"], "n=%d" % law["train_models"], "w_e=%.4f b_e=%.4f b=%.4f" % (law["w_e"], law["b_e"], law["params"][-1]))
    for g in (0.0, 1.0, 2.0, 3.0):
        i = int(round((g + 1) / 0.05))
        print("  log10 FLOPs %.1f:" % g, " ".join("%.4f" % row[i] for row in c["predicted"]))
    for x in c["crossings"]:
        print("  crossing", x)
