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
            else "tanh has slope 1 at 0, so LeCun/Xavier's 1/fan_in sits at the edge: the "
            "variance decays slowly (roughly like 1/layer) instead of geometrically, while "
            "He's doubled variance keeps it up by driving units toward saturation."
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


@demo(
    "vanishing_gradients",
    "Vanishing gradients: gradient norm per layer",
    ["vanishing gradients", "activation functions", "initialization"],
    [
        choice_param("activation", "sigmoid", ACTIVATIONS, "nonlinearity"),
        int_param("depth", 20, 2, 100, 2, "layers"),
        float_param("weight_scale", 1.0, 0.1, 4.0, 0.1, "weight std in units of 1/sqrt(width)"),
        int_param("width", 64, 8, 64, 8, "units per layer"),
    ],
    plots=(Plot("||dL/dW|| per layer (input side left)", y=ACTIVATIONS, log_y=True),),
)
def vanishing_gradients_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Backpropagate a random output gradient and measure ||dL/dW_l|| at every layer.

    Each layer multiplies the backward signal by W^T and by the activation's
    derivative: at most 0.25 for the sigmoid, at most 1 for tanh, 0 or 1 for
    ReLU, so sigmoid gradients shrink geometrically toward the input.
    """
    import numpy as np

    act, depth, scale, width = (
        params["activation"],
        params["depth"],
        params["weight_scale"],
        params["width"],
    )
    weights = rng.standard_normal((depth, width, width)) * (scale / np.sqrt(width))
    x = rng.standard_normal((BATCH, width))
    upstream = rng.standard_normal((BATCH, width)) / BATCH
    norms = np.empty((len(ACTIVATIONS), depth))
    for k, name in enumerate(ACTIVATIONS):
        inputs, pre = [], []
        h = x
        for w in weights:
            z = h @ w
            inputs.append(h)
            pre.append(z)
            h = _activate(name, z)
        grad_h = upstream
        for layer in range(depth - 1, -1, -1):
            grad_z = grad_h * _derivative(name, pre[layer])
            norms[k, layer] = np.linalg.norm(inputs[layer].T @ grad_z)
            grad_h = grad_z @ weights[layer].T
    chosen = norms[ACTIVATIONS.index(act)]
    ratio = float(chosen[0] / chosen[-1]) if chosen[-1] > 0 else float("nan")
    summary = ", ".join(f"{a} {norms[i, 0] / norms[i, -1]:.2g}" for i, a in enumerate(ACTIVATIONS))
    explanation = (
        f"With {act} and weights of std {scale:g}/sqrt({width}), the gradient norm is "
        f"{chosen[-1]:.3g} at the last layer and {chosen[0]:.3g} at the first: the first "
        f"layer learns {ratio:.3g} times as fast as the last. Ratio first/last by activation: "
        f"{summary}. The sigmoid's derivative is at most 0.25, so each layer scales the "
        "backward signal by roughly 0.25 x the weights' gain; ReLU passes it unchanged where "
        "units are active and needs weight_scale about sqrt(2) to keep it level."
    )
    return DemoResult.partial(
        {
            "grad_norms": chosen,
            "grad_norms_sigmoid": norms[0],
            "grad_norms_tanh": norms[1],
            "grad_norms_relu": norms[2],
            "ratio_first_last": ratio,
        },
        explanation,
        {a: norms[i] for i, a in enumerate(ACTIVATIONS)},
    )
