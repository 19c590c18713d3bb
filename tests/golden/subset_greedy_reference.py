"""Independent brute-force V-optimal subsets on a small random pool (method.md §8), for the greedy search's tests.

Written from method.md only: obj(S) = -trace((X_all^T X_all)(X_S^T X_S)^-1) over the uncentred first k score
columns; whole families are the unit; for each budget the best subset with at most that many models.
Run: /usr/bin/python3 tests/golden/subset_greedy_reference.py  (writes subset_greedy_reference.json beside it)
"""
import itertools
import json
import os

import numpy as np

rng = np.random.RandomState(20240523)
k = 3
sizes = rng.randint(1, 6, size=16)
families, models, rows = [], [], []
for f, size in enumerate(sizes):
    centre = rng.normal(size=k) * [2.0, 1.0, 0.5]
    for m in range(size):
        families.append("G%02d" % f)
        models.append("G%02d-m%d" % (f, m))
        rows.append(centre + rng.normal(size=k) * 0.4)
X = np.array(rows)
G_all = X.T @ X
fam_names = sorted(set(families))
fam_rows = {f: [i for i, g in enumerate(families) if g == f] for f in fam_names}

budgets = list(range(3, 41, 3))
best = {b: (-np.inf, None, 0) for b in budgets}
count = 0
for r in range(1, len(fam_names) + 1):
    for combo in itertools.combinations(fam_names, r):
        count += 1
        idx = [i for f in combo for i in fam_rows[f]]
        n = len(idx)
        if n < k or n > max(budgets):
            continue
        Xs = X[idx]
        Gs = Xs.T @ Xs
        if np.linalg.matrix_rank(Gs) < k:
            continue
        obj = -np.trace(G_all @ np.linalg.inv(Gs))
        for b in budgets:
            if n <= b and obj > best[b][0]:
                best[b] = (obj, list(combo), n)

out = {
    "generated_by": "tests/golden/subset_greedy_reference.py (numpy %s)" % np.__version__,
    "components": k,
    "families": families,
    "models": models,
    "scores": X.tolist(),
    "combinations": count,
    "budgets": [{"budget": b, "objective": best[b][0], "families": best[b][1], "n_models": best[b][2]} for b in budgets],
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "subset_greedy_reference.json"), "w") as fh:
    json.dump(out, fh, indent=1)
for b in budgets:
    print(b, best[b])
print("combinations", count)
