"""Initialization demos: activation variance through depth, and vanishing gradients.

Both push a batch through a deep stack of square fully connected layers
(no biases). The three schemes (or activations) share the same random draws
so differences between curves come from the scheme, not from luck.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import choice_param, float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from numpy.random import Generator

SCHEMES = ("lecun", "xavier", "he")
BATCH = 32


def init_std(scheme: str, fan_in: int, fan_out: int) -> float:
    """Weight standard deviation of a normal initialization.

    LeCun: 1/fan_in (keeps variance for linear/tanh units); Xavier/Glorot:
    2/(fan_in + fan_out) (a compromise between forward and backward); He:
    2/fan_in (doubles LeCun to make up for ReLU zeroing half of its inputs).
    """
    variance = {
        "lecun": 1.0 / fan_in,
        "xavier": 2.0 / (fan_in + fan_out),
        "he": 2.0 / fan_in,
    }[scheme]
    return variance**0.5


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    import numpy as np

    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "tanh":
        return np.tanh(z)
    return 1.0 / (1.0 + np.exp(-z))


def _derivative(name: str, z: np.ndarray) -> np.ndarray:
    import numpy as np

    if name == "relu":
        return (z > 0).astype(z.dtype)
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 - s)


@demo(
    "init_variance",
    "Initialization: activation variance through depth",
    ["initialization", "he", "xavier", "lecun"],
    [
        choice_param("scheme", "he", SCHEMES, "weight initialization"),
        choice_param("activation", "relu", ("tanh", "relu"), "nonlinearity between layers"),
        int_param("depth", 50, 1, 100, 5, "layers"),
        int_param("width", 128, 8, 256, 8, "units per layer (fan_in = fan_out)"),
        int_param("networks", 64, 1, 250, 16, "independent random networks averaged"),
    ],
    plots=(Plot("pre-activation variance per layer", y=(*SCHEMES, "one network"), log_y=True),),
)
def init_variance_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Track the variance of each layer's pre-activations z = h W for the three schemes.

    With ReLU, E[relu(z)^2] = Var(z)/2, so a weight variance of 1/fan_in
    halves the signal at every layer while He's 2/fan_in keeps it constant.
    The claim is about the expectation over random weights, so the curves
    average `networks` independent networks, each fed one standard-normal
    input. For one input, a layer with fresh N(0, s^2) weights gives exactly
    z ~ N(0, s^2 ||h||^2 I), which is what is sampled: no weight matrix is
    ever formed, so thousands of networks cost less than one batch through
    one network. A single network's curve wanders (by a factor of about
    exp(sqrt(5 depth / width)) for ReLU) around the average.
    """
    import numpy as np

    scheme, act, depth = params["scheme"], params["activation"], params["depth"]
    width, networks = params["width"], params["networks"]
    stds = [init_std(s, width, width) for s in SCHEMES]
    x = rng.standard_normal((networks, width))
    h = [x] * len(SCHEMES)
    second_moment = np.empty((len(SCHEMES), depth))
    single = np.empty(depth)
    pick = SCHEMES.index(scheme)
    for layer in range(depth):
        xi = rng.standard_normal((networks, width))
        for k, std in enumerate(stds):
            norm_sq = np.einsum("ij,ij->i", h[k], h[k])
            z = (std * np.sqrt(norm_sq))[:, None] * xi
            # E[z] = 0, so the mean square is the variance; given h it is std^2 ||h||^2 xi^2.
            per_net = std * std * norm_sq * np.einsum("ij,ij->i", xi, xi) / width
            second_moment[k, layer] = per_net.mean()
            if k == pick:
                single[layer] = per_net[0]
            h[k] = _activate(act, z)
    chosen = second_moment[pick]
    std = stds[pick]
    ratio = float(chosen[-1] / chosen[0]) if chosen[0] > 0 else float("nan")
    others = ", ".join(f"{s} {second_moment[i, -1]:.3g}" for i, s in enumerate(SCHEMES))
    explanation = (
        f"{scheme.capitalize()} initialization draws weights with std {std:.4f} for fan_in "
        f"{width}. Averaged over {networks} random networks, the pre-activation variance "
        f"through {depth} {act} layers goes from {chosen[0]:.3g} at layer 1 to {chosen[-1]:.3g} "
        f"at layer {depth} (x{ratio:.3g}); one single network ends at {single[-1]:.3g}. "
        f"Last-layer variance by scheme: {others}. "
        + (
            "With ReLU each layer halves E[h^2], so LeCun/Xavier (variance 1/fan_in here, as "
            "fan_in = fan_out) shrink the signal by 2 per layer while He's 2/fan_in keeps it."
            if act == "relu"
            else f"tanh has slope 1 only at 0 and less everywhere else, so LeCun/Xavier's "
            f"1/fan_in preserves the variance to first order only: through {depth} layers it "
            f"still decays, from {second_moment[0, 0]:.3g} to {second_moment[0, -1]:.3g} "
            "(slowly, not geometrically), while He's doubled variance keeps it "
            "up by driving units toward saturation."
        )
    )
    return DemoResult.partial(
        {
            "variance": chosen,
            "var_lecun": second_moment[0],
            "var_xavier": second_moment[1],
            "var_he": second_moment[2],
            "var_single_network": single,
            "weight_std": std,
            "ratio": ratio,
        },
        explanation,
        {**{s: second_moment[i] for i, s in enumerate(SCHEMES)}, "one network": single},
    )


ACTIVATIONS = ("sigmoid", "tanh", "relu")
#: With compare = "scale": the chosen weight scale halved, as given, and doubled.
SCALE_FACTORS = (0.5, 1.0, 2.0)
SCALE_CURVES = ("scale x0.5", "scale x1", "scale x2")


def _backprop_norms(
    act: str, weights: np.ndarray, x: np.ndarray, upstream: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per layer: ||dL/dW_l|| and ||dL/dz_l|| (the backward signal at the pre-activations)."""
    import numpy as np

    depth = weights.shape[0]
    inputs, pre = [], []
    h = x
    for w in weights:
        z = h @ w
        inputs.append(h)
        pre.append(z)
        h = _activate(act, z)
    weight_norms, signal_norms = np.empty(depth), np.empty(depth)
    grad_h = upstream
    for layer in range(depth - 1, -1, -1):
        grad_z = grad_h * _derivative(act, pre[layer])
        signal_norms[layer] = np.linalg.norm(grad_z)
        weight_norms[layer] = np.linalg.norm(inputs[layer].T @ grad_z)
        grad_h = grad_z @ weights[layer].T
    return weight_norms, signal_norms


@demo(
    "vanishing_gradients",
    "Vanishing and exploding gradients: the backward signal per layer",
    ["vanishing gradients", "exploding gradients", "activation functions", "initialization"],
    [
        choice_param("activation", "sigmoid", ACTIVATIONS, "nonlinearity"),
        int_param("depth", 20, 2, 100, 2, "layers"),
        float_param("weight_scale", 1.0, 0.1, 4.0, 0.1, "weight std in units of 1/sqrt(width)"),
        int_param("width", 64, 8, 64, 8, "units per layer"),
        choice_param(
            "compare",
            "activation",
            ("activation", "scale"),
            "curves for the three activations, or for weight_scale x0.5, x1, x2",
        ),
    ],
    plots=(
        Plot("||dL/dz|| per layer (input side left)", y=(*ACTIVATIONS, *SCALE_CURVES), log_y=True),
    ),
)
def vanishing_gradients_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Backpropagate a random output gradient through a deep stack and measure it at every layer.

    Each layer multiplies the backward signal dL/dz by W^T and by the
    activation's derivative: at most 0.25 for the sigmoid, at most 1 for tanh,
    0 or 1 for ReLU. Where that per-layer factor stays below 1 the signal
    shrinks geometrically toward the input (vanishes); above 1 it grows
    (explodes). The weight gradient dL/dW = h^T dL/dz also carries the forward
    activations h, which grow where the signal grows, so its norm can look level
    while both factors explode.
    """
    import numpy as np

    act, depth, scale, width = (
        params["activation"],
        params["depth"],
        params["weight_scale"],
        params["width"],
    )
    base = rng.standard_normal((depth, width, width)) / np.sqrt(width)
    x = rng.standard_normal((BATCH, width))
    upstream = rng.standard_normal((BATCH, width)) / BATCH
    if params["compare"] == "scale":
        runs = [(name, act, scale * f) for name, f in zip(SCALE_CURVES, SCALE_FACTORS, strict=True)]
    else:
        runs = [(name, name, scale) for name in ACTIVATIONS]
    weight_norms, signal_norms = {}, {}
    for name, activation, s in runs:
        weight_norms[name], signal_norms[name] = _backprop_norms(activation, base * s, x, upstream)
    chosen_key = "scale x1" if params["compare"] == "scale" else act
    signal, grads = signal_norms[chosen_key], weight_norms[chosen_key]
    per_layer = float((signal[0] / signal[-1]) ** (1.0 / max(1, depth - 1)))
    ratio = float(signal[0] / signal[-1]) if signal[-1] > 0 else float("nan")
    summary = ", ".join(
        f"{name} {signal_norms[name][0] / signal_norms[name][-1]:.2g}" for name, _, _ in runs
    )
    verdict = "vanishes" if ratio < 0.1 else "explodes" if ratio > 10 else "stays roughly level"
    explanation = (
        f"With {act} and weights of std {scale:g}/sqrt({width}), the backward signal dL/dz has "
        f"norm {signal[-1]:.3g} at the last layer and {signal[0]:.3g} at the first: it "
        f"{verdict} (x{ratio:.3g} over {depth} layers, about x{per_layer:.3g} per layer). "
        f"First/last ratio by curve: {summary}. The weight gradients dL/dW = h^T dL/dz go from "
        f"{grads[-1]:.3g} to {grads[0]:.3g}: they also carry the forward activations h, which "
        "shrink or grow the other way round. The sigmoid's slope is at most 0.25; ReLU passes "
        "the signal where units are active and keeps it level at weight_scale about sqrt(2)."
    )
    values: dict[str, Any] = {
        "signal_norms": signal,
        "grad_norms": grads,
        "ratio_first_last": ratio,
        "per_layer_factor": per_layer,
    }
    for name, _, _ in runs:
        key = name.replace(" ", "_").replace(".", "")
        values[f"signal_norms_{key}"] = signal_norms[name]
        values[f"grad_norms_{key}"] = weight_norms[name]
    return DemoResult.partial(
        values, explanation, {name: signal_norms[name] for name, _, _ in runs}
    )
