"""Weight decay inside Adam: an L2 gradient (torch.optim.Adam's weight_decay) vs AdamW.

For plain SGD the two are the same update. Adam divides every gradient, the L2 term λw
included, by the running RMS of that weight's gradients, so how strongly a weight decays comes
to depend on how large its gradients have been. AdamW (Loshchilov & Hutter 2019) takes the decay
out of the gradient and shrinks every weight by the same factor 1 - lr·λ each step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from numpy.random import Generator

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


def adam_decay_runs(
    scales: np.ndarray, lr: float, weight_decay: float, steps: int, w0: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Weights per step under Adam + L2 (row 0) and AdamW (row 1), PyTorch's update rules.

    Weight i's data gradient flips sign every step with size scales[i]: no net pull, only a
    gradient history of that size. Returns the trajectories, shape (2, steps + 1, len(scales)).
    """
    import numpy as np

    d = scales.size
    w = np.full((2, d), w0)
    m, v = np.zeros((2, d)), np.zeros((2, d))
    path = np.empty((2, steps + 1, d))
    path[:, 0] = w
    decoupled = np.array([[0.0], [1.0]])  # row 1 is AdamW
    coupled = 1.0 - decoupled
    l2 = coupled * weight_decay  # Adam: the L2 term joins the gradient
    shrink = 1.0 - decoupled * lr * weight_decay  # AdamW: decay outside the gradient
    for t in range(1, steps + 1):
        g = (scales if t % 2 else -scales) + l2 * w
        w *= shrink
        m = BETA1 * m + (1.0 - BETA1) * g
        v = BETA2 * v + (1.0 - BETA2) * (g * g)
        w -= (lr / (1.0 - BETA1**t)) * m / (np.sqrt(v / (1.0 - BETA2**t)) + EPS)
        path[:, t] = w
    return path[0], path[1]


@demo(
    "adamw_vs_l2",
    "Adam + L2 vs AdamW: where the decay goes",
    ["adam", "adamw", "weight decay", "l2", "optimization"],
    [
        float_param("lr", 0.03, 1e-3, 0.1, 0.005, "learning rate"),
        float_param("weight_decay", 0.1, 0.0, 1.0, 0.05, "lambda, the same for both"),
        int_param("steps", 300, 10, 2000, 50, "iterations"),
        int_param("weights", 5, 2, 8, 1, "weights, gradient sizes from 0.001 to 10"),
    ],
    tables=("gradient_scale", "final_adam_l2", "final_adamw"),
    plots=(
        Plot(
            "weights per step",
            y=("Adam+L2 (largest grads)", "Adam+L2 (smallest grads)", "AdamW (all)"),
        ),
    ),
)
def adamw_vs_l2_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Decay weights that start at 1 under Adam with an L2 gradient and under AdamW.

    Each weight's data gradient has a different size s_i (log-spaced from 0.001 to 10) and
    flips sign every step, so the data pull cancels out and only the decay moves the weights.
    Adam + L2 divides lambda w by about sqrt(s_i^2 + (lambda w)^2): weights with large
    gradients barely decay, weights with tiny gradients move by about lr per step and reach 0.
    AdamW multiplies every weight by (1 - lr lambda) each step, whatever its gradients.
    Deterministic: the seed is unused.
    """
    import numpy as np

    lr, wd, steps, d = params["lr"], params["weight_decay"], params["steps"], params["weights"]
    scales = np.logspace(-3.0, 1.0, d)
    adam_l2, adamw = adam_decay_runs(scales, lr, wd, steps)
    final_l2, final_w = adam_l2[-1], adamw[-1]
    factor = (1.0 - lr * wd) ** steps
    explanation = (
        f"All weights start at 1; their gradients have sizes {scales[0]:g} to {scales[-1]:g} "
        f"and cancel out over steps. After {steps} steps with lr {lr:g} and lambda {wd:g}, "
        f"AdamW has shrunk every weight alike, to {_span(final_w)} "
        f"(about (1 - lr lambda)^steps = {factor:.3f}). Adam + L2 leaves the weight with the largest "
        f"gradients at {final_l2[-1]:.3f} and drives the one with the smallest to "
        f"{final_l2[0]:.2g}: the L2 gradient lambda w is divided by the weight's gradient RMS "
        "like every other gradient, so the decay a weight feels depends on its gradient "
        "history. That is why AdamW decouples it."
    )
    return DemoResult.partial(
        {
            "gradient_scale": scales,
            "path_adam_l2": adam_l2,
            "path_adamw": adamw,
            "final_adam_l2": final_l2,
            "final_adamw": final_w,
            "decay_factor": factor,
        },
        explanation,
        {
            "Adam+L2 (largest grads)": adam_l2[:, -1],
            "Adam+L2 (smallest grads)": adam_l2[:, 0],
            "AdamW (all)": adamw[:, -1],
        },
    )


def _span(values: np.ndarray) -> str:
    """'0.385' when all values agree to 3 decimals, else '0.30 to 0.41'."""
    lo, hi = float(values.min()), float(values.max())
    return f"{lo:.3f}" if f"{lo:.3f}" == f"{hi:.3f}" else f"{lo:.3f} to {hi:.3f}"
