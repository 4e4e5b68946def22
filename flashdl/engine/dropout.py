"""Dropout demos: the mask itself, Monte-Carlo dropout, and spatial (channel) dropout.

Dropout is easy to state and easy to get subtly wrong (which side gets the
1/(1-p) factor?), so these demos compute the actual masks and show that the
expected activation is the same in training and at test time.
NumPy is imported inside each function so the registry loads without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import choice_param, float_param, int_param, shape_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    from numpy.random import Generator


@demo(
    "dropout",
    "Dropout mask: inverted vs vanilla scaling",
    ["dropout", "regularization"],
    [
        float_param("p", 0.5, 0.0, 0.95, 0.05, "drop probability (PyTorch's convention)"),
        choice_param("mode", "inverted", ("inverted", "vanilla"), "where the 1-p correction goes"),
        shape_param("shape", (8, 16), 1, 64, 1, "rows x cols of the activation"),
    ],
    grids=("mask",),
)
def dropout_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Draw a Bernoulli keep-mask and apply it to a layer of activations.

    Inverted dropout divides kept units by (1-p) while training so the test
    pass needs no change; vanilla dropout leaves training alone and
    multiplies by (1-p) at test time. Both give the same expected activation.
    """
    import numpy as np

    p, mode, shape = params["p"], params["mode"], params["shape"]
    x = rng.uniform(0.0, 2.0, size=shape)
    mask = (rng.random(shape) >= p).astype(np.float64)
    keep = 1.0 - p
    if mode == "inverted":
        scale, eval_scale = 1.0 / keep, 1.0
    else:
        scale, eval_scale = 1.0, keep
    output = x * mask * scale
    output_eval = x * eval_scale
    kept = float(mask.mean())
    n = mask.size
    train_mean, eval_mean = float(output.mean()), float(output_eval.mean())
    expected_train = keep * scale * float(x.mean())
    where = (
        f"multiplies kept units by 1/(1-{p:g}) = {scale:.4g} during training and leaves "
        "the layer alone at test time"
        if mode == "inverted"
        else f"leaves kept units unscaled during training and multiplies every unit by "
        f"1-{p:g} = {eval_scale:.4g} at test time"
    )
    explanation = (
        f"Kept {kept:.1%} of {n} units (expected {keep:.1%}); {int(n - mask.sum())} were "
        f"zeroed. {mode.capitalize()} dropout {where}. "
        f"Expected training activation = (1-p) x {scale:.4g} x mean(input) = "
        f"{expected_train:.4f}, the same as the test-time mean {eval_mean:.4f}; this draw's "
        f"training mean is {train_mean:.4f} (the gap is sampling noise, shrinking as 1/sqrt(n))."
    )
    return DemoResult.partial(
        {
            "input": x,
            "mask": mask,
            "output": output,
            "output_eval": output_eval,
            "kept_fraction": kept,
            "scale": scale,
            "eval_scale": eval_scale,
            "train_mean": train_mean,
            "eval_mean": eval_mean,
        },
        explanation,
    )


@demo(
    "mc_dropout",
    "Monte-Carlo dropout: predictive mean and spread",
    ["dropout", "uncertainty", "bayesian"],
    [
        float_param("p", 0.2, 0.05, 0.9, 0.05, "drop probability of the hidden units"),
        int_param("passes", 50, 2, 500, 10, "stochastic forward passes T"),
        int_param("hidden", 64, 8, 256, 8, "hidden units of the network"),
        int_param("n_train", 30, 5, 200, 5, "training points in [-1, 1]"),
    ],
    plots=(
        Plot(
            "MC dropout prediction",
            y=("mean", "mean + 2 std", "mean - 2 std", "target"),
            x="x",
            scatter=(("x train", "y train"),),
        ),
    ),
)
def mc_dropout_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Keep dropout on at test time and average T stochastic passes (Gal & Ghahramani 2016).

    The network is a random-feature ReLU layer whose output weights are fitted
    to noisy samples of sin(3x) in [-1, 1] under the expected dropout loss. The spread of
    the T predictions is a cheap uncertainty estimate; it grows away from the
    training data, where the fit is unconstrained.
    """
    import numpy as np

    p, passes, hidden, n_train = params["p"], params["passes"], params["hidden"], params["n_train"]
    keep = 1.0 - p
    w1 = rng.normal(0.0, 2.0, size=hidden)
    b1 = rng.uniform(-2.0, 2.0, size=hidden)
    x_train = np.sort(rng.uniform(-1.0, 1.0, size=n_train))
    y_train = np.sin(3.0 * x_train) + rng.normal(0.0, 0.1, size=n_train)

    def features(x: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, np.outer(x, w1) + b1)

    h = features(x_train)
    # Output weights minimize the *expected* squared error under dropout masks, which in
    # closed form is least squares plus p/(1-p) * sum_j w_j^2 ||h_j||^2 (Wager et al. 2013):
    # the network is fitted as if trained with dropout, so MC sampling is meaningful.
    gram = h.T @ h
    penalty = (p / keep) * np.diag(np.diag(gram)) + 1e-6 * np.eye(hidden)
    w2 = np.linalg.solve(gram + penalty, h.T @ y_train)
    x = np.linspace(-2.0, 2.0, 81)
    hx = features(x)
    masks = (rng.random((passes, hidden)) >= p) / keep  # inverted dropout on hidden units
    samples = (masks * w2) @ hx.T  # pass t: hx @ (mask_t * w2), all passes in one matmul
    mean, std = samples.mean(axis=0), samples.std(axis=0)
    deterministic = hx @ w2
    inside = np.abs(x) <= 1.0
    std_in, std_out = float(std[inside].mean()), float(std[~inside].mean())
    gap = float(np.abs(mean - deterministic).max())
    explanation = (
        f"{passes} stochastic passes with p = {p:g} on {hidden} hidden units. Predictive std "
        f"averages {std_in:.3f} inside the training range [-1, 1] and {std_out:.3f} outside it "
        f"({std_out / max(std_in, 1e-12):.1f}x), so the spread flags extrapolation. The MC "
        f"mean differs from the deterministic (dropout-off) prediction by at most {gap:.3f}: "
        "inverted dropout keeps the expectation, so averaging many passes approaches it."
    )
    return DemoResult.partial(
        {
            "x_train": x_train,
            "y_train": y_train,
            "x": x,
            "samples": samples,
            "mean": mean,
            "std": std,
            "deterministic": deterministic,
            "std_inside": std_in,
            "std_outside": std_out,
        },
        explanation,
        {
            "x": x,
            "mean": mean,
            "mean + 2 std": mean + 2 * std,
            "mean - 2 std": mean - 2 * std,
            "target": np.sin(3.0 * x),
            "x train": x_train,
            "y train": y_train,
        },
    )


@demo(
    "spatial_dropout",
    "Spatial dropout: whole feature maps dropped",
    ["dropout", "cnn", "regularization"],
    [
        float_param("p", 0.5, 0.0, 0.95, 0.05, "probability of dropping a whole channel"),
        int_param("channels", 8, 1, 64, 1, "feature maps"),
        shape_param("size", (4, 4), 1, 16, 1, "height x width of each feature map"),
    ],
    grids=("mask", "elementwise_mask"),
)
def spatial_dropout_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Drop entire channels (nn.Dropout2d) instead of single activations.

    Neighbouring pixels of a feature map are strongly correlated, so zeroing
    single pixels removes little information; spatial dropout zeroes whole
    maps. Each grid row is one channel's flattened map.
    """
    import numpy as np

    p, channels, (height, width) = params["p"], params["channels"], params["size"]
    keep = 1.0 - p
    x = rng.uniform(0.0, 2.0, size=(channels, height, width))
    channel_mask = (rng.random(channels) >= p).astype(np.float64)
    mask = np.repeat(channel_mask[:, None], height * width, axis=1)
    output = x * channel_mask[:, None, None] / keep
    elementwise = (rng.random((channels, height * width)) >= p).astype(np.float64)
    dropped = int(channels - channel_mask.sum())
    whole_elem = int((elementwise.sum(axis=1) == 0).sum())
    explanation = (
        f"Spatial dropout (p = {p:g}) dropped {dropped} of {channels} channels entirely: every "
        f"one of the {height * width} positions in a dropped map is 0, and kept maps are scaled "
        f"by 1/(1-p) = {1 / keep:.4g}. Element-wise dropout at the same p zeroes "
        f"{1 - elementwise.mean():.1%} of the positions but wiped out only {whole_elem} whole "
        "channel(s), so a dropped pixel's correlated neighbours still carry its information."
    )
    return DemoResult.partial(
        {
            "input": x,
            "channel_mask": channel_mask,
            "mask": mask,
            "output": output,
            "elementwise_mask": elementwise,
            "dropped_channels": dropped,
            "scale": 1.0 / keep,
        },
        explanation,
    )
