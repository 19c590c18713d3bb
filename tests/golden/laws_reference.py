#!/usr/bin/env python3
"""Reference solutions for the scaling-law fitter tests (tests/ObsScaling.Core.Tests/Laws).

Run with /usr/bin/python3 (numpy + scipy); writes laws_reference.json beside this file.

For every problem we record
  * "expected": the least-squares (or Huber) optimum found by scipy with an analytic Jacobian, tolerances at
    rounding level and several starts -- the point the C# solver must reach;
  * "reference": what the paper's code path returns (curve_fit defaults: TRF with 2-point finite differences and
    ftol=xtol=gtol=1e-8 for the bounded floor model, MINPACK LM for the plain sigmoid, numpy lstsq for OLS),
    kept to show how far the published settings are from the optimum;
  * "expected" of squared-loss sigmoid fits is additionally polished by Gauss-Newton (see gauss_newton_polish);
  * "covariance": s^2 (J_f^T J_f)^-1 with s^2 = SSE/(n - p) over the free parameters (a parameter on its bound
    gets a zero row/column), computed from the analytic Jacobian at "expected";
  * "scipy_pcov" where the optimum is interior: curve_fit's own pcov at the tight solution.
"""
import json
import os
import warnings

import numpy as np
from scipy.optimize import curve_fit, least_squares, minimize

warnings.simplefilter("ignore")
TIGHT = dict(ftol=2.3e-16, xtol=2.3e-16, gtol=2.3e-16, max_nfev=200000)


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def predict(p, x, floor):
    z = p[0] + x @ p[1:x.shape[1] + 1]
    s = sigmoid(z)
    return (1 - p[-1]) * s + p[-1] if floor else s


def jac(p, x, floor):
    z = p[0] + x @ p[1:x.shape[1] + 1]
    s = sigmoid(z)
    b = p[-1] if floor else 0.0
    slope = (1 - b) * s * (1 - s)
    cols = [slope] + [slope * x[:, j] for j in range(x.shape[1])]
    if floor:
        cols.append(1 - s)
    return np.column_stack(cols)


def huber(r, delta):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)).sum()


def huber_grad(p, x, y, floor, delta, linear):
    if linear:
        a = np.column_stack([np.ones(len(y)), x])
        return a.T @ np.clip(a @ p - y, -delta, delta)
    return jac(p, x, floor).T @ np.clip(predict(p, x, floor) - y, -delta, delta)


def polish_huber(p, x, y, floor, delta, linear, bounds=None):
    """scipy's least_squares(loss='huber') can stop well short of a stationary point (its xtol test fires on a
    rescaled problem), so the Huber optima are polished by quasi-Newton on the Huber sum itself."""
    def f(q):
        r = (np.column_stack([np.ones(len(y)), x]) @ q if linear else predict(q, x, floor)) - y
        return huber(r, delta)
    m = minimize(f, p, jac=lambda q: huber_grad(q, x, y, floor, delta, linear), bounds=bounds,
                 method="L-BFGS-B" if bounds else "BFGS",
                 options=dict(gtol=1e-15, maxiter=100000) if not bounds else dict(gtol=1e-15, ftol=0, maxiter=100000))
    return m.x


def gauss_newton_polish(p, x, y, floor, floor_max):
    """A few undamped Gauss-Newton steps solved by lstsq. Near a least-squares optimum they contract to the
    stationary point at the accuracy of the linear solve, past the point where comparing losses is rounding noise
    (where TRF's own tests stop). A floor on its bound stays fixed."""
    p = p.copy()
    free = np.ones(len(p), dtype=bool)
    if floor and (p[-1] <= 1e-12 or p[-1] >= floor_max - 1e-12):
        p[-1] = 0.0 if p[-1] <= 1e-12 else floor_max
        free[-1] = False
    for _ in range(50):
        step = np.linalg.lstsq(jac(p, x, floor)[:, free], -(predict(p, x, floor) - y), rcond=None)[0]
        p[free] += step
        if np.max(np.abs(step) / np.maximum(np.abs(p[free]), 1e-300)) < 1e-15:
            break
    return p


def p0_of(d, floor):
    return np.array([0.0] + [0.03] * d + ([0.0] if floor else []))


def logit_start(x, y, floor):
    u = np.clip(y, 0.01, 0.99)
    t = np.log(u / (1 - u))
    a = np.column_stack([np.ones(len(y)), x])
    beta = np.linalg.lstsq(a, t, rcond=None)[0]
    return np.concatenate([beta, [0.0] if floor else []])


def tight_sigmoid(x, y, floor, floor_max, delta):
    d = x.shape[1]
    lo = np.array([-np.inf] * (d + 1) + ([0.0] if floor else []))
    hi = np.array([np.inf] * (d + 1) + ([floor_max] if floor else []))
    best = None
    base = logit_start(x, y, floor)
    starts = [p0_of(d, floor), base, base * 0.5, base * 2]
    for s in starts:
        s = np.clip(s, lo, hi)
        kw = dict(loss="huber", f_scale=delta) if delta is not None else {}
        r = least_squares(lambda p: predict(p, x, floor) - y, s, jac=lambda p: jac(p, x, floor),
                          bounds=(lo, hi) if floor else (-np.inf, np.inf), method="trf", x_scale="jac", **TIGHT, **kw)
        if delta is None and not floor:
            # Polish with MINPACK LM, the reference's own solver for the plain sigmoid.
            r = least_squares(lambda p: predict(p, x, floor) - y, r.x, jac=lambda p: jac(p, x, floor), method="lm",
                              **{k: v for k, v in TIGHT.items() if k != "max_nfev"}, max_nfev=200000)
        q = r.x
        if delta is not None:
            q = polish_huber(q, x, y, floor, delta, False, list(zip(lo, hi)) if floor else None)
        res = predict(q, x, floor) - y
        loss = huber(res, delta) if delta is not None else 0.5 * res @ res
        if best is None or loss < best[1]:
            best = (q, loss)
    return best[0]


def reference_sigmoid(x, y, floor, floor_max):
    d = x.shape[1]
    f = (lambda xx, *p: predict(np.array(p), xx, True)) if floor else (lambda xx, *p: predict(np.array(p), xx, False))
    if floor:
        bounds = ([-np.inf] * (d + 1) + [0.0], [np.inf] * (d + 1) + [floor_max])
        popt, _ = curve_fit(f, x, y, p0=p0_of(d, True), bounds=bounds, maxfev=10000)
    else:
        popt, _ = curve_fit(f, x, y, p0=p0_of(d, False), maxfev=10000)
    return popt


def covariance(p, x, y, floor, floor_max, linear):
    j = np.column_stack([np.ones(len(y)), x]) if linear else jac(p, x, floor)
    r = (np.column_stack([np.ones(len(y)), x]) @ p - y) if linear else predict(p, x, floor) - y
    n, m = j.shape
    fixed = np.zeros(m, dtype=bool)
    if floor:
        fixed[-1] = p[-1] <= 0 or p[-1] >= floor_max
    s2 = r @ r / (n - m)
    free = ~fixed
    cov = np.zeros((m, m))
    cov[np.ix_(free, free)] = s2 * np.linalg.inv(j[:, free].T @ j[:, free])
    return cov


def problem(name, x, y, link, loss="Squared", delta=None, floor_max=0.2):
    floor = link == "SigmoidWithFloor"
    linear = link == "Linear"
    if linear:
        a = np.column_stack([np.ones(len(y)), x])
        if delta is None:
            expected = np.linalg.lstsq(a, y, rcond=None)[0]
        else:
            expected = polish_huber(np.linalg.lstsq(a, y, rcond=None)[0], x, y, False, delta, True)
        reference = np.linalg.lstsq(a, y, rcond=None)[0]
        fitted = a @ expected
    else:
        expected = tight_sigmoid(x, y, floor, floor_max, delta)
        if delta is None:
            expected = gauss_newton_polish(expected, x, y, floor, floor_max)
        reference = reference_sigmoid(x, y, floor, floor_max) if delta is None else expected
        fitted = predict(expected, x, floor)
    r = fitted - y
    grad = (huber_grad(expected, x, y, floor, delta, linear) if delta is not None
            else (np.column_stack([np.ones(len(y)), x]) if linear else jac(expected, x, floor)).T @ r)
    out = {
        "name": name,
        "link": link,
        "loss": loss,
        "huber_delta": delta if delta is not None else 1.0,
        "floor_max": floor_max,
        "x": x.tolist(),
        "y": y.tolist(),
        "expected": expected.tolist(),
        "expected_mse": float(r @ r / len(y)),
        "expected_gradient_inf_norm": float(np.max(np.abs(grad[:-1] if floor and expected[-1] <= 1e-12 else grad))),
        "reference": np.asarray(reference).tolist(),
        "covariance": covariance(expected, x, y, floor, floor_max, linear).tolist(),
    }
    if not linear and delta is None and (not floor or 0 < expected[-1] < floor_max):
        f = (lambda xx, *p: predict(np.array(p), xx, floor))
        _, pcov = curve_fit(f, x, y, p0=expected, jac=lambda xx, *p: jac(np.array(p), xx, floor), method="lm",
                            ftol=2.3e-16, xtol=2.3e-16, gtol=2.3e-16)
        out["scipy_pcov"] = pcov.tolist()
    return out


def main():
    rng = np.random.default_rng(20240517)
    problems = []

    # Floor strictly inside (0, 0.2): 30 models, 3 predictors, modest noise.
    x = rng.normal(size=(30, 3)) * [2.0, 1.0, 0.5]
    y = predict(np.array([-0.5, 1.1, -0.6, 0.4, 0.1]), x, True) + rng.normal(scale=0.02, size=30)
    problems.append(problem("floor_interior", x, np.clip(y, 0, 1), "SigmoidWithFloor"))

    # Agent-like: 20 models, PC-1..3, targets in [0, 0.4], floor pushed onto its lower bound.
    x = rng.normal(size=(20, 3)) * [2.5, 1.0, 0.6]
    z = -3.0 + 0.9 * x[:, 0] + 0.3 * x[:, 1] - 0.2 * x[:, 2]
    y = np.clip(sigmoid(z) + rng.normal(scale=0.01, size=20), 0, 0.4)
    y[np.argsort(z)[:4]] = 0.0
    problems.append(problem("floor_at_bound_agent_like", x, y, "SigmoidWithFloor"))

    # Plain sigmoid (the leaderboard-v2 setup without the robust loss): 25 models, 2 predictors.
    x = rng.normal(size=(25, 2)) * [1.5, 1.0]
    y = np.clip(sigmoid(0.3 + 1.4 * x[:, 0] - 0.7 * x[:, 1]) + rng.normal(scale=0.03, size=25), 0, 1)
    problems.append(problem("sigmoid_plain", x, y, "Sigmoid"))

    # Floor model with Huber loss and one gross outlier.
    x = rng.normal(size=(24, 2)) * [2.0, 1.0]
    y = predict(np.array([0.2, 0.9, 0.5, 0.1]), x, True) + rng.normal(scale=0.01, size=24)
    y[5] = 1.0 if y[5] < 0.5 else 0.0
    problems.append(problem("floor_huber_outlier", x, np.clip(y, 0, 1), "SigmoidWithFloor", "Huber", 0.05))

    # Linear, squared and Huber, on ln-compute-like predictors with a large mean.
    x = np.column_stack([rng.uniform(0, 8, size=18), rng.normal(size=18)])
    y = 0.05 + 0.08 * x[:, 0] - 0.02 * x[:, 1] + rng.normal(scale=0.02, size=18)
    problems.append(problem("linear_ols", x, y, "Linear"))
    y2 = y.copy()
    y2[3] += 0.5
    problems.append(problem("linear_huber_outlier", x, y2, "Linear", "Huber", 0.05))

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "laws_reference.json")
    with open(path, "w") as fh:
        json.dump({"generator": "tests/golden/laws_reference.py", "problems": problems}, fh, indent=1)
    for p in problems:
        e, r = np.array(p["expected"]), np.array(p["reference"])
        print(f"{p['name']:28s} expected={np.round(e, 6).tolist()} mse={p['expected_mse']:.6e} "
              f"|grad|={p['expected_gradient_inf_norm']:.1e} "
              f"ref-vs-opt max rel diff={np.max(np.abs(r - e) / np.maximum(np.abs(e), 1e-12)):.2e}")


if __name__ == "__main__":
    main()
