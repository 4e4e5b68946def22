"""Dropout at test time and in training: the weight-scaling rule, and max-norm constraints.

The weight-scaling rule replaces an average over all 2^n thinned networks by one network with
scaled weights. For a single softmax layer that is exact, as the normalized geometric mean of
the sub-networks' predictions; for deeper networks it is an approximation, which the first demo
measures against the exact averages (all masks enumerated) and a Monte-Carlo average. The
second demo shows the max-norm constraint Srivastava et al. (2014) paired with dropout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import choice_param, float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from numpy.random import Generator

CLASSES = 3
EXAMPLES = 4


def _softmax(z: np.ndarray) -> np.ndarray:
    import numpy as np

    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def all_masks(n: int) -> np.ndarray:
    """Every 0/1 mask of length n, one per row (2^n rows)."""
    import numpy as np

    return ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(float)


@demo(
    "dropout_averaging",
    "Weight scaling vs averaging the dropout sub-networks",
    ["dropout", "ensemble", "inference"],
    [
        float_param("p", 0.5, 0.05, 0.9, 0.05, "drop probability"),
        int_param("units", 10, 2, 12, 1, "droppable units (all 2^units masks are enumerated)"),
        int_param("passes", 50, 1, 1000, 10, "Monte-Carlo passes averaged"),
        choice_param(
            "network",
            "softmax",
            ("softmax", "relu"),
            "dropout on a softmax layer's inputs, or on the inputs of a ReLU layer before it",
        ),
    ],
    tables=("weight_scaling", "geometric_mean", "arithmetic_mean", "monte_carlo"),
)
def dropout_averaging_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Compare four test-time predictions of a dropout network on a few inputs.

    With n droppable units there are 2^n thinned networks, mask m having
    probability q^|m| (1-q)^(n-|m|), q = 1 - p. The demo computes the exact
    arithmetic mean of their class probabilities (the true ensemble), their
    normalized geometric mean, a Monte-Carlo mean over `passes` random masks,
    and the weight-scaling rule: one pass with every unit kept and its outgoing
    weights times q. For a softmax layer the logits are linear in the mask, so
    the geometric mean equals weight scaling exactly; with a ReLU layer between
    the dropped units and the softmax it is only close.
    """
    import numpy as np

    p, n, passes = params["p"], params["units"], params["passes"]
    q = 1.0 - p
    x = rng.standard_normal((EXAMPLES, n))
    masks = all_masks(n)
    probability = q ** masks.sum(1) * p ** (n - masks.sum(1))
    W = rng.standard_normal((n, CLASSES)) / np.sqrt(n) * 2.0
    if params["network"] == "softmax":

        def logits(kept: np.ndarray) -> np.ndarray:
            return kept @ W

    else:  # dropout on the inputs of a ReLU layer, whose outputs feed the softmax
        W1 = rng.standard_normal((n, n)) / np.sqrt(n) * 1.5
        b1 = rng.uniform(-0.5, 0.5, n)

        def logits(kept: np.ndarray) -> np.ndarray:
            return np.maximum(kept @ W1 + b1, 0.0) @ W

    units = x
    # Every mask on every example: shape (masks, examples, classes).
    per_mask = _softmax(logits(masks[:, None, :] * units[None, :, :]))
    arithmetic = np.einsum("m,mec->ec", probability, per_mask)
    geometric = _softmax(np.einsum("m,mec->ec", probability, np.log(per_mask)))
    scaled = _softmax(logits(q * units))
    drawn = (rng.random((passes, n)) >= p).astype(float)
    monte_carlo = _softmax(logits(drawn[:, None, :] * units[None, :, :])).mean(axis=0)
    gap_geo = float(np.abs(scaled - geometric).max())
    gap_arith = float(np.abs(scaled - arithmetic).max())
    gap_mc = float(np.abs(monte_carlo - arithmetic).max())
    where = (
        "dropout on the inputs of a softmax layer"
        if params["network"] == "softmax"
        else "dropout on the inputs of a ReLU layer that feeds a softmax"
    )
    explanation = (
        f"{where.capitalize()}, {n} units, drop probability {p:g}: {2**n} thinned networks. "
        f"Weight scaling (all units on, weights x{q:g}) differs from their normalized "
        f"geometric mean by at most {gap_geo:.2g}"
        + (" - exact, as the logits are linear in the mask" if gap_geo < 1e-9 else "")
        + f", and from the true ensemble (the arithmetic mean of all {2**n}) by {gap_arith:.2g}. "
        f"Averaging {passes} random sub-networks (Monte-Carlo dropout) lands {gap_mc:.2g} from "
        "the true ensemble; that gap shrinks like 1/sqrt(passes). One scaled pass costs what "
        "one sub-network costs."
    )
    layers = {"W": W} if params["network"] == "softmax" else {"W1": W1, "b1": b1, "W": W}
    return DemoResult.partial(
        {
            "x": x,
            **layers,
            "weight_scaling": scaled,
            "geometric_mean": geometric,
            "arithmetic_mean": arithmetic,
            "monte_carlo": monte_carlo,
            "gap_geometric": gap_geo,
            "gap_arithmetic": gap_arith,
            "gap_monte_carlo": gap_mc,
        },
        explanation,
    )


def project_max_norm(W: np.ndarray, c: float) -> np.ndarray:
    """Scale every column (one unit's incoming weights) whose L2 norm exceeds c back to c."""
    import numpy as np

    norms = np.linalg.norm(W, axis=-2, keepdims=True)
    return W * np.minimum(1.0, c / np.maximum(norms, 1e-300))


@demo(
    "max_norm",
    "Max-norm constraint with dropout and a large learning rate",
    ["dropout", "max-norm", "regularization"],
    [
        float_param("c", 3.0, 0.5, 10.0, 0.5, "max-norm radius of each unit's incoming weights"),
        float_param("p", 0.2, 0.0, 0.8, 0.05, "drop probability of the inputs"),
        float_param("lr", 1.0, 0.01, 5.0, 0.1, "learning rate"),
        int_param("steps", 100, 10, 1000, 50, "full-batch steps, momentum 0.95"),
    ],
    tables=("norms_free", "norms_max_norm"),
    plots=(Plot("largest incoming-weight norm", y=("no constraint", "max-norm")),),
)
def max_norm_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Train a softmax classifier with input dropout twice: unconstrained, and with max-norm.

    The classes are separable, so cross-entropy keeps rewarding larger weights
    and, at a large learning rate with momentum 0.95 (as Srivastava et al.
    2014 used), the unconstrained weights keep growing. Max-norm projects each
    class unit's incoming weight vector back onto the ball ||w|| <= c after
    every step: its direction is kept, only its length is capped.
    """
    import numpy as np

    c, p, lr, steps = params["c"], params["p"], params["lr"], params["steps"]
    n, d = 30, 8
    centers = rng.standard_normal((CLASSES, d)) * 1.5
    labels = np.arange(n) % CLASSES
    X = centers[labels] + 0.5 * rng.standard_normal((n, d))
    Y = np.eye(CLASSES)[labels]
    masks = (rng.random((steps, n, d)) >= p) / (1.0 - p)
    W = np.zeros((2, d, CLASSES))  # run 0 free, run 1 max-norm: same masks, same data
    vel = np.zeros_like(W)
    norms = np.empty((2, steps))
    Xm = X * masks  # every step's dropped-out inputs, drawn up front
    XmT = Xm.transpose(0, 2, 1) / n
    for t in range(steps):
        z = Xm[t] @ W  # (2, n, classes)
        e = np.exp(z - z.max(axis=2, keepdims=True))
        vel = 0.95 * vel - lr * (XmT[t] @ (e / e.sum(axis=2, keepdims=True) - Y))
        W = W + vel
        col = np.sqrt((W * W).sum(axis=1))  # (2, classes): each unit's incoming norm
        W[1] *= np.minimum(1.0, c / np.maximum(col[1], 1e-300))
        norms[0, t], norms[1, t] = col[0].max(), min(col[1].max(), c)
    final = np.linalg.norm(W, axis=1)
    accuracy = (np.argmax(np.einsum("nd,rdc->rnc", X, W), axis=2) == labels).mean(axis=1)
    explanation = (
        f"{steps} steps with lr {lr:g}, momentum 0.95 and input dropout p = {p:g} on "
        f"separable classes. Without a constraint the largest class unit's incoming weight "
        f"norm grows to {norms[0, -1]:.3g} and is still growing; with max-norm c = {c:g} every "
        f"unit stays at or below {c:g} (largest {norms[1].max():.4g}) while the training "
        f"accuracy is {accuracy[1]:.0%} (free: {accuracy[0]:.0%}). The projection rescales a "
        "weight vector, so it keeps pointing the same way. Srivastava et al. (2014) found "
        "dropout with max-norm (c about 3 to 4) the best combination, and the cap is what lets "
        "the large learning rate explore without the weights running off."
    )
    return DemoResult.partial(
        {
            "norms_free": final[0],
            "norms_max_norm": final[1],
            "max_norm_history": norms[1],
            "free_norm_history": norms[0],
            "weights_free": W[0],
            "weights_max_norm": W[1],
            "train_accuracy_free": float(accuracy[0]),
            "train_accuracy_max_norm": float(accuracy[1]),
        },
        explanation,
        {"no constraint": norms[0], "max-norm": norms[1]},
    )
