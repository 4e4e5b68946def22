"""Elastic net: the L1 + L2 mix, and why it keeps groups of correlated features together.

Kept apart from :mod:`flashdl.engine.sparsity` only to keep modules short;
it reuses that module's soft-threshold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import float_param, int_param
from flashdl.engine.registry import demo
from flashdl.engine.result import DemoResult
from flashdl.engine.sparsity import soft_threshold

if TYPE_CHECKING:  # pragma: no cover
    from numpy.random import Generator

PAIRS = 5
INFORMATIVE_PAIRS = 2


@demo(
    "elastic_net",
    "Elastic net: sparse like L1, grouped like L2",
    ["elastic net", "l1", "l2", "regularization"],
    [
        float_param("lam", 0.2, 0.0, 2.0, 0.02, "overall penalty strength lambda"),
        float_param("l1_ratio", 0.5, 0.0, 1.0, 0.1, "share of L1 (1 = lasso, 0 = ridge)"),
        float_param("correlation", 0.95, 0.0, 0.999, 0.05, "correlation within a feature pair"),
        int_param("n_samples", 100, 20, 500, 10, "rows of X"),
    ],
    tables=("w_true", "w_lasso", "w_elastic", "w_ridge"),
)
def elastic_net_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Fit lasso, ridge and elastic net to pairs of strongly correlated features.

    Objective: mean squared error / 2 + lam (a ||w||_1 + (1-a)/2 ||w||^2),
    a = l1_ratio, solved by accelerated proximal gradient (FISTA). Lasso tends
    to pick one feature of a correlated pair; the L2 part of the elastic net
    makes it share the weight while still zeroing the useless pairs.
    """
    import numpy as np

    lam, ratio, rho, n = (
        params["lam"],
        params["l1_ratio"],
        params["correlation"],
        params["n_samples"],
    )
    base = rng.standard_normal((n, PAIRS))
    twin = rho * base + np.sqrt(1.0 - rho**2) * rng.standard_normal((n, PAIRS))
    X = np.empty((n, 2 * PAIRS))
    X[:, 0::2], X[:, 1::2] = base, twin
    w_true = np.zeros(2 * PAIRS)
    w_true[: 2 * INFORMATIVE_PAIRS] = np.repeat(rng.uniform(1.0, 2.0, INFORMATIVE_PAIRS), 2)
    y = X @ w_true + 0.5 * rng.standard_normal(n)
    gram, xty = X.T @ X / n, X.T @ y / n
    step = 1.0 / np.linalg.eigvalsh(gram)[-1]
    # Columns: lasso (a = 1), elastic net (a = l1_ratio), ridge (a = 0), solved together.
    a = np.array([1.0, ratio, 0.0])
    l1, l2 = step * lam * a, step * lam * (1.0 - a)
    w = np.zeros((2 * PAIRS, 3))
    z, t = w.copy(), 1.0
    for _ in range(600):
        grad = gram @ z - xty[:, None]
        # Prox of the penalty: soft-threshold by step*lam*a, then shrink by 1 + step*lam*(1-a).
        w_next = soft_threshold(z - step * grad, l1) / (1.0 + l2)
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        z = w_next + ((t - 1.0) / t_next) * (w_next - w)
        w, t = w_next, t_next
    w_lasso, w_elastic, w_ridge = w[:, 0], w[:, 1], w[:, 2]
    zeros = [int((w[:, k] == 0.0).sum()) for k in range(3)]

    def share(v: np.ndarray) -> str:
        return f"({v[0]:.2f}, {v[1]:.2f})"

    explanation = (
        f"Features come in {PAIRS} pairs with correlation {rho:g}; the first "
        f"{INFORMATIVE_PAIRS} pairs share a true weight ({w_true[0]:.2f} each). For the first "
        f"pair lasso gives {share(w_lasso)}, elastic net (l1_ratio {ratio:g}) "
        f"{share(w_elastic)} and ridge {share(w_ridge)}: the L2 part spreads weight across "
        f"correlated twins. Exact zeros out of {2 * PAIRS}: lasso {zeros[0]}, elastic net "
        f"{zeros[1]}, ridge {zeros[2]} - the L1 part still removes useless features."
    )
    return DemoResult.partial(
        {
            "X": X,
            "y": y,
            "w_true": w_true,
            "w_lasso": w_lasso,
            "w_elastic": w_elastic,
            "w_ridge": w_ridge,
            "zeros_lasso": zeros[0],
            "zeros_elastic": zeros[1],
            "zeros_ridge": zeros[2],
        },
        explanation,
    )
