"""Optimizer demos: momentum, adaptive methods (Adam, RMSprop, diffGrad, SGD), gradient clipping.

The 2-D optimizers run in plain Python floats: for two coordinates that is
several times faster than NumPy's per-call overhead, and it keeps the update
rules readable line by line, exactly as written in the papers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flashdl.engine.params import choice_param, float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    from numpy.random import Generator

Vec = tuple[float, float]
START = (-10.0, 1.0)
DIVERGED = 1e6


def momentum_step(theta: float, v: float, g: float, lr: float, beta: float) -> tuple[float, float]:
    """Heavy-ball update in PyTorch's form: v <- beta v + g; theta <- theta - lr v."""
    v = beta * v + g
    return theta - lr * v, v


def bumpy(x: float) -> float:
    """A bowl with ripples: g(x) = x^2/20 + (1 - cos 2x)/2, global minimum 0 at x = 0.

    Its slope x/10 + sin 2x has a zero roughly every pi along the way in, so a
    descent from x = -10 meets local minima (near -8.88, -5.96, -2.99) first.
    """
    return 0.05 * x * x + 0.5 * (1.0 - math.cos(2.0 * x))


def bumpy_slope(x: float) -> float:
    """g'(x) for :func:`bumpy`."""
    return 0.1 * x + math.sin(2.0 * x)


@demo(
    "momentum",
    "Momentum on an ill-conditioned valley or a bumpy slope",
    ["momentum", "optimization", "sgd"],
    [
        float_param("beta", 0.9, 0.0, 0.99, 0.05, "momentum coefficient"),
        float_param("lr", 0.5, 0.01, 1.9, 0.05, "learning rate"),
        float_param("condition", 50.0, 1.0, 1000.0, 10.0, "valley: largest / smallest curvature"),
        int_param("steps", 100, 10, 1000, 10, "iterations"),
        choice_param(
            "surface", "valley", ("valley", "bumpy"), "quadratic valley, or a bowl with ripples"
        ),
    ],
    plots=(
        Plot("loss per step", y=("SGD", "momentum"), log_y=True),
        Plot("paths", scatter=(("SGD x", "SGD y"), ("momentum x", "momentum y"))),
    ),
)
def momentum_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Run SGD and heavy-ball momentum from (-10, 1) on one of two surfaces.

    valley: f(x, y) = (x^2 / condition + y^2) / 2. The gradient is steep across
    the valley (y) and shallow along it (x); SGD must keep lr below 2 for y and
    then crawls along x at rate 1 - lr/condition, while momentum accumulates the
    consistent x-gradient. bumpy: f(x, y) = x^2/20 + (1 - cos 2x)/2 + y^2/2, a
    bowl with local minima on the way to the global one at 0: SGD stops in the
    first, momentum's inertia can carry it over bumps, or past the best minimum.
    """
    import numpy as np

    beta, lr, cond, steps = params["beta"], params["lr"], params["condition"], params["steps"]
    surface = params["surface"]
    curv = (1.0 / cond, 1.0)

    def loss(pos: list[float]) -> float:
        if surface == "bumpy":
            return bumpy(pos[0]) + 0.5 * pos[1] ** 2
        return 0.5 * (curv[0] * pos[0] ** 2 + curv[1] * pos[1] ** 2)

    def slope(i: int, pos: list[float]) -> float:
        if surface == "bumpy" and i == 0:
            return bumpy_slope(pos[0])
        return curv[i] * pos[i]

    def run(b: float) -> tuple[list[Vec], list[float]]:
        pos, vel = list(START), [0.0, 0.0]
        path, losses = [tuple(pos)], [loss(pos)]
        for _ in range(steps):
            grads = [slope(0, pos), slope(1, pos)]
            for i in range(2):
                if abs(pos[i]) < DIVERGED:
                    pos[i], vel[i] = momentum_step(pos[i], vel[i], grads[i], lr, b)
            path.append(tuple(pos))
            losses.append(loss(pos))
        return path, losses

    path_sgd, loss_sgd = run(0.0)
    path_mom, loss_mom = run(beta)
    if surface == "bumpy":
        explanation = (
            f"A bowl with ripples, global minimum 0 at x = 0, start x = -10; lr {lr:g}, "
            f"{steps} steps. SGD ends at x = {path_sgd[-1][0]:.3f} with loss {loss_sgd[-1]:.3g}"
            f"{_where(path_sgd[-1][0])}. Momentum (beta {beta:g}) ends at x = "
            f"{path_mom[-1][0]:.3f} with loss {loss_mom[-1]:.3g}{_where(path_mom[-1][0])}. "
            "Inertia can roll the iterate over bumps that stop plain SGD, and just as well "
            "past the best minimum: nothing guarantees the global one."
        )
    else:
        target = 1e-3 * loss_sgd[0]

        def reach(losses: list[float]) -> str:
            hit = next((t for t, v in enumerate(losses) if v < target), None)
            return f"step {hit}" if hit is not None else f"not within {steps} steps"

        explanation = (
            f"Curvatures {curv[0]:.3g} and 1 (condition {cond:g}). After {steps} steps with lr "
            f"{lr:g}: SGD's loss is {loss_sgd[-1]:.3g}, momentum's (beta {beta:g}) "
            f"{loss_mom[-1]:.3g}. Loss below 1/1000 of the start: SGD at {reach(loss_sgd)}, "
            f"momentum at {reach(loss_mom)}. Along the shallow axis SGD shrinks x by "
            f"1 - lr/condition = {1 - lr / cond:.4f} per step; momentum's velocity adds up "
            f"consistent gradients (effective lr up to lr/(1-beta) = "
            f"{lr / max(1e-9, 1 - beta):.3g})."
        )
    ps, pm = np.array(path_sgd), np.array(path_mom)
    return DemoResult.partial(
        {
            "path_sgd": ps,
            "path_momentum": pm,
            "loss_sgd": np.array(loss_sgd),
            "loss_momentum": np.array(loss_mom),
            "final_sgd": loss_sgd[-1],
            "final_momentum": loss_mom[-1],
        },
        explanation,
        {
            "SGD": np.array(loss_sgd),
            "momentum": np.array(loss_mom),
            "SGD x": ps[:, 0],
            "SGD y": ps[:, 1],
            "momentum x": pm[:, 0],
            "momentum y": pm[:, 1],
        },
    )


def _where(x: float) -> str:
    """Where on the bumpy surface x has come to rest, in words."""
    if abs(bumpy_slope(x)) > 1e-3:
        return " (still moving)"
    if abs(x) < 1e-2:
        return ", the global minimum"
    return ", a local minimum" + (" beyond the global one" if x > 0 else "")


def _rosenbrock(p: Vec) -> tuple[float, Vec]:
    x, y = p
    return (1 - x) ** 2 + 10 * (y - x * x) ** 2, (
        -2 * (1 - x) - 40 * x * (y - x * x),
        20 * (y - x * x),
    )


def _quadratic(p: Vec) -> tuple[float, Vec]:
    x, y = p
    return 0.5 * (x * x + 25 * y * y), (x, 25 * y)


FUNCTIONS: dict[str, tuple[Callable[[Vec], tuple[float, Vec]], Vec, Vec]] = {
    "rosenbrock": (_rosenbrock, (-1.5, 2.0), (1.0, 1.0)),
    "quadratic": (_quadratic, (-3.0, 1.0), (0.0, 0.0)),
}
OPTIMIZERS = ("SGD", "RMSprop", "Adam", "diffGrad")


def diffgrad_friction(g_prev: float, g: float) -> float:
    """diffGrad's friction coefficient xi = sigmoid(|g_{t-1} - g_t|) (Dubey et al. 2019)."""
    return 1.0 / (1.0 + math.exp(-abs(g_prev - g)))


def optimize(
    name: str,
    grad_fn: Callable[[Vec], tuple[float, Vec]],
    start: Vec,
    lr: float,
    steps: int,
    friction: list[float] | None = None,
) -> tuple[list[Vec], list[float]]:
    """Run one optimizer with PyTorch's default hyperparameters; stops moving if it diverges.

    For diffGrad, ``friction`` (if given) collects each step's coefficients, both coordinates.
    """
    b1, b2, alpha, eps = 0.9, 0.999, 0.99, 1e-8
    pos = list(start)
    m, v, g_prev = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    loss, grad = grad_fn(start)
    path, losses = [tuple(pos)], [loss]
    for t in range(1, steps + 1):
        if not all(math.isfinite(c) and abs(c) < DIVERGED for c in pos):
            path.append(tuple(pos))
            losses.append(math.inf)
            continue
        for i in range(2):
            g = grad[i]
            if name == "SGD":
                pos[i] -= lr * g
            elif name == "RMSprop":
                v[i] = alpha * v[i] + (1 - alpha) * g * g
                pos[i] -= lr * g / (math.sqrt(v[i]) + eps)
            else:
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                step = lr * (m[i] / (1 - b1**t)) / (math.sqrt(v[i] / (1 - b2**t)) + eps)
                if name == "diffGrad":
                    xi = diffgrad_friction(g_prev[i], g)
                    if friction is not None:
                        friction.append(xi)
                    step *= xi
                    g_prev[i] = g
                pos[i] -= step
        try:
            loss, grad = grad_fn((pos[0], pos[1]))
        except OverflowError:
            loss, grad = math.inf, (0.0, 0.0)
        path.append(tuple(pos))
        losses.append(loss)
    return path, losses


@demo(
    "adaptive_optimizers",
    "Adam, RMSprop, diffGrad and SGD on a test function",
    ["adam", "rmsprop", "diffgrad", "optimization"],
    [
        float_param("lr", 0.05, 1e-4, 0.5, 2.0, "learning rate shared by all four", log_step=True),
        int_param("steps", 500, 10, 3000, 50, "iterations"),
        choice_param("function", "rosenbrock", tuple(FUNCTIONS), "the surface"),
    ],
    plots=(
        Plot("loss per step", y=OPTIMIZERS, log_y=True),
        Plot("paths", scatter=tuple((f"{o} x", f"{o} y") for o in OPTIMIZERS)),
    ),
)
def adaptive_optimizers_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Run four optimizers with the same learning rate from the same start.

    Rosenbrock here is (1-x)^2 + 10 (y-x^2)^2 (a curved valley, minimum at
    (1, 1)); quadratic is (x^2 + 25 y^2)/2. Adam and RMSprop divide by a
    running RMS of the gradient so their step size is about lr whatever the
    gradient's scale; diffGrad damps Adam's step by sigmoid(|g_{t-1} - g_t|),
    which is about 0.5 wherever the gradient changes little between steps: on
    a steady slope as much as near an optimum. The friction reacts to the
    change in the gradient, not to its size, and is not scale-free.
    """
    import numpy as np

    lr, steps, fname = params["lr"], params["steps"], params["function"]
    fn, start, optimum = FUNCTIONS[fname]
    values: dict[str, Any] = {}
    series: dict[str, Any] = {}
    finals = {}
    friction: list[float] = []
    for name in OPTIMIZERS:
        path, losses = optimize(name, fn, start, lr, steps, friction)
        arr = np.array(path)
        key = name.lower()
        values[f"path_{key}"] = arr
        values[f"loss_{key}"] = np.array(losses)
        finals[name] = losses[-1]
        values[f"final_{key}"] = losses[-1]
        series[name] = np.clip(np.array(losses), 1e-12, 1e12)
        series[f"{name} x"], series[f"{name} y"] = arr[:, 0], arr[:, 1]
    ranking = sorted(OPTIMIZERS, key=lambda o: finals[o] if math.isfinite(finals[o]) else math.inf)
    listing = ", ".join(
        f"{o} {finals[o]:.3g}" if math.isfinite(finals[o]) else f"{o} diverged" for o in ranking
    )
    xi = np.array(friction)
    values["diffgrad_friction"] = xi
    damped = float((xi < 0.55).mean()) if xi.size else 0.0
    explanation = (
        f"{fname} from {start}, minimum at {optimum}, lr = {lr:g}, {steps} steps. Final loss "
        f"(best first): {listing}. SGD's step is lr x gradient, so one rate is too big in steep "
        "directions and too small in flat ones; the adaptive methods divide by the gradient's "
        "running RMS, and diffGrad also scales Adam's step by sigmoid(|g_(t-1) - g_t|) "
        "(between 0.5 and 1), braking wherever the gradient barely changes from step to step: "
        f"here {damped:.0%} of its coefficients were below 0.55, i.e. about half an Adam step."
    )
    return DemoResult.partial(values, explanation, series)


def clip_coefficient(total_norm: float, max_norm: float) -> float:
    """PyTorch's clip_grad_norm_ factor: min(1, max_norm / (total_norm + 1e-6))."""
    return min(1.0, max_norm / (total_norm + 1e-6))


@demo(
    "gradient_clipping",
    "Gradient clipping by global norm",
    ["gradient clipping", "exploding gradients", "optimization"],
    [
        float_param("max_norm", 1.0, 0.1, 20.0, 0.1, "largest allowed global gradient norm"),
        int_param("steps", 50, 5, 500, 5, "training steps simulated"),
        int_param("layers", 3, 1, 8, 1, "parameter tensors"),
    ],
    tables=("grads", "clipped"),
    plots=(Plot("global gradient norm", y=("norm before", "norm after"), log_y=True),),
)
def gradient_clipping_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Rescale all gradients together whenever their global L2 norm exceeds max_norm.

    Gradients are simulated with occasional spikes (as in RNNs). Scaling every
    tensor by the same factor keeps the update's direction; clipping each
    element to [-max_norm, max_norm] (clip by value) does not.
    """
    import numpy as np

    max_norm, steps, layers = params["max_norm"], params["steps"], params["layers"]
    sizes = rng.integers(2, 6, size=layers)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    base = rng.lognormal(mean=-0.5, sigma=0.5, size=steps)
    spikes = np.where(rng.random(steps) < 0.1, rng.uniform(5.0, 30.0, size=steps), 1.0)
    raw = rng.standard_normal((steps, int(offsets[-1])))
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    grads = raw * (base * spikes)[:, None]
    norms = np.sqrt(
        sum(
            (grads[:, a:b] ** 2).sum(axis=1) for a, b in zip(offsets[:-1], offsets[1:], strict=True)
        )
    )
    coefs = np.array([clip_coefficient(float(n), max_norm) for n in norms])
    clipped_all = grads * coefs[:, None]
    after = np.linalg.norm(clipped_all, axis=1)
    worst = int(np.argmax(norms))
    g, c = grads[worst], clipped_all[worst]
    by_value = np.clip(g, -max_norm, max_norm)
    cos_value = float(g @ by_value / (np.linalg.norm(g) * np.linalg.norm(by_value) + 1e-300))
    n_clipped = int((coefs < 1.0).sum())
    explanation = (
        f"{n_clipped} of {steps} steps had a global norm above {max_norm:g} and were rescaled. "
        f"The largest, at step {worst}, had norm {norms[worst]:.3g}: every one of the "
        f"{layers} tensors was multiplied by {coefs[worst]:.4g}, giving norm {after[worst]:.3g} "
        f"in exactly the same direction. Clipping each element to +-{max_norm:g} instead "
        f"changes the direction (cosine {cos_value:.4f} with the original)."
    )
    return DemoResult.partial(
        {
            "norms": norms,
            "clipped_norms": after,
            "coefficients": coefs,
            "grads": g,
            "clipped": c,
            "clipped_by_value": by_value,
            "layer_offsets": offsets,
            "clipped_steps": n_clipped,
        },
        explanation,
        {"norm before": norms, "norm after": after},
    )
