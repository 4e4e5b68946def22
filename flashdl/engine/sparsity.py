"""Penalty demos: why L1 produces exact zeros and L2 only shrinks.

The central contrast is between subgradient descent on the L1 objective,
which overshoots zero every step and leaves weights jittering around it,
and the proximal (soft-threshold) step, which sets them exactly to zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import choice_param, float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from numpy.random import Generator


def sparse_regression(
    rng: Generator, n_samples: int, n_features: int, n_informative: int, noise: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gaussian design, a true weight vector with `n_informative` non-zeros of size 1..3."""
    import numpy as np

    X = rng.standard_normal((n_samples, n_features))
    w_true = np.zeros(n_features)
    support = rng.choice(n_features, size=n_informative, replace=False)
    w_true[support] = rng.choice([-1.0, 1.0], size=n_informative) * rng.uniform(
        1.0, 3.0, size=n_informative
    )
    y = X @ w_true + noise * rng.standard_normal(n_samples)
    return X, y, w_true


def soft_threshold(z: np.ndarray, t: float) -> np.ndarray:
    """Proximal map of t*|w|: w - min(t, |w|) sign(w); exactly 0 when |w| <= t."""
    import numpy as np

    return z - np.minimum(t, np.abs(z)) * np.sign(z)


def _l1_constraint(p: dict[str, Any]) -> str | None:
    if p["n_informative"] > p["n_features"]:
        return "n_informative must not exceed n_features"
    if p["n_samples"] < 2 * p["n_features"]:
        return (
            "n_samples must be at least 2 x n_features (keeps the problem well posed and lr stable)"
        )
    return None


@demo(
    "l1_zeroing",
    "L1: subgradient descent jitters, the proximal step zeroes",
    ["l1", "lasso", "sparsity", "regularization"],
    [
        float_param("lam", 0.1, 0.0, 2.0, 0.02, "L1 strength lambda"),
        float_param("lr", 0.1, 0.001, 0.5, 0.01, "learning rate"),
        int_param("steps", 200, 1, 2000, 50, "iterations"),
        int_param("n_samples", 100, 20, 1000, 10, "rows of X"),
        int_param("n_features", 20, 2, 100, 2, "columns of X"),
        int_param("n_informative", 5, 1, 100, 1, "non-zero true weights"),
    ],
    tables=("w_true", "w_subgradient", "w_proximal"),
    plots=(Plot("exact zeros per step", y=("zeros (subgradient)", "zeros (proximal)")),),
    constraint=_l1_constraint,
)
def l1_zeroing_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Minimize mean squared error / 2 + lam * ||w||_1 two ways on the same sparse regression.

    Subgradient descent adds lam * sign(w), which flips sign as w crosses 0;
    ISTA takes a gradient step on the smooth part and then soft-thresholds
    by lr * lam, which lands exactly on 0 whenever |w| <= lr * lam.
    """
    import numpy as np

    lam, lr, steps = params["lam"], params["lr"], params["steps"]
    X, y, w_true = sparse_regression(
        rng, params["n_samples"], params["n_features"], params["n_informative"]
    )
    n = X.shape[0]
    gram, xty = X.T @ X / n, X.T @ y / n  # gradient of ||Xw - y||^2 / (2n) is gram @ w - xty
    w_sub = np.zeros(X.shape[1])
    w_prox = np.zeros(X.shape[1])
    zeros_sub, zeros_prox = np.empty(steps), np.empty(steps)
    for step in range(steps):
        w_sub = w_sub - lr * (gram @ w_sub - xty + lam * np.sign(w_sub))
        w_prox = soft_threshold(w_prox - lr * (gram @ w_prox - xty), lr * lam)
        zeros_sub[step] = np.count_nonzero(w_sub == 0.0)
        zeros_prox[step] = np.count_nonzero(w_prox == 0.0)
    off = w_true == 0.0
    n_off = int(off.sum())
    jitter = float(np.abs(w_sub[off]).max()) if n_off else 0.0
    z_sub, z_prox = int(zeros_sub[-1]), int(zeros_prox[-1])
    explanation = (
        f"After {steps} steps with lambda = {lam:g} and lr = {lr:g}: the proximal (ISTA) "
        f"weights have {z_prox} exact zeros, {int((w_prox[off] == 0).sum())} of them among the "
        f"{n_off} truly-zero weights, because soft-thresholding by lr*lambda = {lr * lam:.4g} "
        f"maps every |w| <= {lr * lam:.4g} to 0. Subgradient descent has {z_sub} exact zeros: "
        f"lambda*sign(w) pushes a small weight past 0 every step, so its off-support weights "
        f"jitter around 0 with |w| up to {jitter:.2e} (about lr*lambda) instead of settling."
    )
    return DemoResult.partial(
        {
            "X": X,
            "y": y,
            "w_true": w_true,
            "w_subgradient": w_sub,
            "w_proximal": w_prox,
            "zeros_subgradient": z_sub,
            "zeros_proximal": z_prox,
        },
        explanation,
        {"zeros (subgradient)": zeros_sub, "zeros (proximal)": zeros_prox},
    )


def _l2_constraint(p: dict[str, Any]) -> str | None:
    if p["n_samples"] < p["n_features"]:
        return "n_samples must be at least n_features"
    return None


def curvatures(n_features: int, spread: float) -> np.ndarray:
    """Hessian eigenvalues h_i of the demo's loss: log-spaced, largest/smallest = spread."""
    import numpy as np

    return np.logspace(-0.5, 0.5, n_features) ** np.log10(spread)


@demo(
    "l2_shrinkage",
    "L2 / weight decay: flat directions shrink most, none to 0",
    ["l2", "ridge", "weight decay", "regularization"],
    [
        float_param("lam", 1.0, 0.0, 10.0, 0.1, "L2 strength lambda (alpha)"),
        int_param("n_samples", 50, 10, 1000, 10, "rows of X"),
        int_param("n_features", 5, 1, 10, 1, "columns of X"),
        float_param(
            "spread", 100.0, 1.0, 1000.0, 10.0, "largest / smallest curvature h_i", log_step=True
        ),
    ],
    tables=("curvature", "w_ols", "w_ridge", "shrink_factors", "w_lasso"),
    plots=(Plot("ridge path: w_i vs log10(lambda)", x="log10 lambda"),),
    constraint=_l2_constraint,
)
def l2_shrinkage_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Solve ridge regression, mean squared error / 2 + lam/2 ||w||^2, in closed form.

    The design has orthogonal columns of unequal size, X^T X / n = diag(h), so
    the loss's Hessian has eigenvalues h_i along the coordinate axes and the
    effect is exact: each least-squares weight is multiplied by h_i/(h_i + lam).
    Directions the loss barely curves along (small h_i) shrink most; a factor
    never reaches zero, while L1's soft-threshold at the same lam does.
    """
    import numpy as np

    lam, n, d = params["lam"], params["n_samples"], params["n_features"]
    h = curvatures(d, params["spread"])
    q, _ = np.linalg.qr(rng.standard_normal((n, d)))
    X = q * np.sqrt(n * h)
    w_true = rng.choice([-1.0, 1.0], size=d) * rng.uniform(0.5, 3.0, size=d)
    y = X @ w_true + 0.5 * rng.standard_normal(n)
    gram, xty = X.T @ X / n, X.T @ y / n
    w_ols = np.linalg.solve(gram, xty)
    w_ridge = np.linalg.solve(gram + lam * np.eye(d), xty)
    factors = h / (h + lam)
    # With a diagonal Hessian the L1 problem separates: soft-threshold h_i w_i by lam.
    w_lasso = soft_threshold(h * w_ols, lam) / h
    lams = np.logspace(-2, 2, 60)
    path = np.array([np.linalg.solve(gram + a * np.eye(d), xty) for a in lams])
    flat, steep = int(np.argmin(h)), int(np.argmax(h))
    explanation = (
        f"The loss curves by h = {h[flat]:.3g} along its flattest direction and {h[steep]:.3g} "
        f"along its steepest. With lambda = {lam:g} each least-squares weight is multiplied by "
        f"h/(h + lambda): the steep one keeps {factors[steep]:.0%} ({w_ols[steep]:.3f} -> "
        f"{w_ridge[steep]:.3f}), the flat one only {factors[flat]:.0%} ({w_ols[flat]:.3f} -> "
        f"{w_ridge[flat]:.4f}). L2 keeps what the data pin down and shrinks what they barely "
        f"constrain, yet {int((w_ridge == 0).sum())} of {d} ridge weights are exactly 0. L1 at "
        f"the same lambda zeroes {int((w_lasso == 0).sum())} of {d}. As weight decay in gradient "
        f"descent the same penalty multiplies w by (1 - lr*lambda) each step."
    )
    series: dict[str, Any] = {"log10 lambda": np.log10(lams)}
    for i in range(d):
        series[f"w[{i}]"] = path[:, i]
    return DemoResult.partial(
        {
            "X": X,
            "y": y,
            "curvature": h,
            "w_true": w_true,
            "w_ols": w_ols,
            "w_ridge": w_ridge,
            "shrink_factors": factors,
            "w_lasso": w_lasso,
            "zeros_ridge": int((w_ridge == 0).sum()),
            "zeros_lasso": int((w_lasso == 0).sum()),
        },
        explanation,
        series,
    )


def lecture_grad0(w: Any) -> Any:
    """E0'(w) for the lecture's E0(w) = (w-1)^2 + (w-1)^3/6."""
    return 2.0 * (w - 1.0) + 0.5 * (w - 1.0) ** 2


def _bisect_increasing(f: Any, lo: Any, hi: Any, iters: int = 80) -> Any:
    """Vectorized bisection for the root of an increasing function on [lo, hi]."""
    import numpy as np

    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        neg = f(mid) < 0
        lo, hi = np.where(neg, mid, lo), np.where(neg, hi, mid)
    return 0.5 * (lo + hi)


@demo(
    "lambda_sweep",
    "Sweeping lambda: where L1 hits exactly 0 and L2 never does",
    ["l1", "l2", "regularization", "lambda"],
    [
        choice_param("penalty", "l1", ("l1", "l2"), "R(w) = |w| (l1) or w^2 (l2)"),
        float_param("lam_max", 3.0, 0.5, 10.0, 0.5, "largest lambda in the sweep"),
        int_param("points", 121, 11, 1001, 10, "lambda values in the sweep"),
    ],
    plots=(Plot("w*(lambda)", y=("w* (L1)", "w* (L2)"), x="lambda"),),
)
def lambda_sweep_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Minimize E(w) = (w-1)^2 + (w-1)^3/6 + lam R(w) for each lam in a sweep.

    E0 is convex for w > -1, which contains every minimizer here. With L1 the
    subgradient condition at 0 is |E0'(0)| <= lam, so w* is exactly 0 from
    lam = |E0'(0)| = 1.5 on; with L2 the minimizer only approaches 0.
    """
    import numpy as np

    penalty, lam_max, points = params["penalty"], params["lam_max"], params["points"]
    grad0 = float(lecture_grad0(0.0))
    threshold = abs(grad0)
    # The threshold itself joins the sweep so the first exact zero lands exactly on it.
    lams = np.union1d(
        np.linspace(0.0, lam_max, points), [threshold] if threshold <= lam_max else []
    )
    points = lams.size
    zero_lo, one_hi = np.zeros(points), np.ones(points)
    # L1: for w > 0, E'(w) = E0'(w) + lam; at and beyond the threshold, 0 satisfies
    # the subgradient condition 0 in E0'(0) + lam * [-1, 1].
    inner = _bisect_increasing(lambda w: lecture_grad0(w) + lams, zero_lo, one_hi)
    w_l1 = np.where(lams >= threshold, 0.0, inner)
    w_l2 = _bisect_increasing(lambda w: lecture_grad0(w) + 2.0 * lams * w, zero_lo, one_hi)
    w_star = w_l1 if penalty == "l1" else w_l2
    zero_at = lams[w_star == 0.0]
    first_zero = float(zero_at[0]) if zero_at.size else float("nan")
    if penalty == "l1":
        detail = (
            f"E0'(0) = {grad0:g}, so w* is exactly 0 once lambda >= |E0'(0)| = {threshold:g}; "
            + (
                f"the first lambda of the sweep with w* = 0 is {first_zero:.4g}."
                if zero_at.size
                else f"this sweep stops at {lam_max:g}, before the threshold."
            )
        )
    else:
        detail = (
            f"The L2 minimizer never reaches 0: at lambda = {lam_max:g} it is still "
            f"{w_l2[-1]:.4f} (it decays like 3/(4 lambda)); L1 would be 0 from {threshold:g}."
        )
    explanation = (
        f"Without a penalty the minimizer is w* = 1. With {penalty.upper()} at lambda = "
        f"{lams[points // 2]:.3g} it is {w_star[points // 2]:.4f}. " + detail
    )
    return DemoResult.partial(
        {
            "lams": lams,
            "w_star": w_star,
            "w_star_l1": w_l1,
            "w_star_l2": w_l2,
            "grad0": grad0,
            "threshold": threshold if penalty == "l1" else float("inf"),
            "first_zero_lam": first_zero,
        },
        explanation,
        {"lambda": lams, "w* (L1)": w_l1, "w* (L2)": w_l2},
    )
