"""Exercise generators, one per demo that has a numeric fact worth practising.

Each generator draws the question's numbers from the seeded generator,
computes the answer with the same formula the demo uses, and writes a worked
solution with the intermediate numbers. Numbers are picked from short lists
of "nice" values so the arithmetic can be done by hand.

The generators are collected in :data:`GENERATORS`, which the registry in
:mod:`flashdl.engine.exercises` reads; this module never imports the registry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flashdl.engine.exercise_model import Exercise, Tolerance
from flashdl.engine.generalization import early_stop
from flashdl.engine.initialization import init_std
from flashdl.engine.optimizers import clip_coefficient, diffgrad_friction, momentum_step
from flashdl.engine.params import Param, choice_param
from flashdl.engine.schedules import cosine_lr, sgdr_lr, sgdr_position, step_lr

if TYPE_CHECKING:  # pragma: no cover
    from numpy.random import Generator

GeneratorFunc = Callable[["Generator", dict[str, Any]], Exercise]
#: demo name -> (generator, the exercise's own parameters)
GENERATORS: dict[str, tuple[GeneratorFunc, tuple[Param, ...]]] = {}


def exercise(demo: str, params: tuple[Param, ...] = ()) -> Callable[[GeneratorFunc], GeneratorFunc]:
    """Decorator adding a generator for demo ``demo`` to :data:`GENERATORS`."""

    def register(func: GeneratorFunc) -> GeneratorFunc:
        GENERATORS[demo] = (func, params)
        return func

    return register


EXACT = Tolerance(abs=1e-9, rel=0.0)
THREE_DP = Tolerance(abs=1e-3, rel=5e-3)


def pick(rng: Generator, options: list[Any]) -> Any:
    """One element of ``options`` as a plain Python value."""
    return options[int(rng.integers(len(options)))]


def fmt(x: float) -> str:
    """Numbers in prompts and worked solutions: up to 6 significant figures, no noise."""
    return f"{x:.6g}"


def nums(values: list[float] | tuple[float, ...]) -> str:
    """A comma-separated list of formatted numbers."""
    return ", ".join(fmt(v) for v in values)


@exercise("dropout", (choice_param("mode", "inverted", ("inverted", "vanilla")),))
def dropout_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """Inverted: one unit's training output from x, its mask bit and p. Vanilla: the test factor."""
    p = pick(rng, [0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75, 0.8, 0.9])
    if params["mode"] == "inverted":
        x = pick(rng, [0.5, 1.0, 1.2, 2.0, 3.0, 4.5, -1.5, -2.0])
        bit = 1 if rng.random() < 0.75 else 0  # mostly kept: the interesting case
        answer = x * bit / (1.0 - p)
        prompt = (
            f"Inverted dropout with drop probability p = {p:g} (PyTorch's convention). A unit "
            f"has value x = {x:g} and mask bit {bit} in this training step. What does the "
            "layer output for it?"
        )
        worked = (
            f"Kept units are divided by the keep probability 1-p = {1 - p:g}: "
            f"{x:g} x {bit} / {1 - p:g} = {fmt(answer)}."
            if bit
            else f"Mask bit 0: the unit is dropped and outputs 0, whatever x and p are "
            f"(kept units would be divided by 1-p = {1 - p:g})."
        )
        data = {"p": p, "mode": "inverted", "x": x, "bit": bit}
        return Exercise("dropout", prompt, (answer + 0.0,), worked, THREE_DP, data=data)
    answer = 1.0 - p
    prompt = (
        f"Vanilla (non-inverted) dropout with drop probability p = {p:g}. By what factor "
        "are activations multiplied at test time?"
    )
    worked = (
        f"Training leaves kept units unscaled, so the expected activation is (1-p) x. "
        f"At test time multiply by 1-p = {fmt(answer)} to match."
    )
    return Exercise(
        "dropout", prompt, (answer,), worked, THREE_DP, data={"p": p, "mode": "vanilla"}
    )


@exercise("l1_zeroing")
def soft_threshold_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """Apply the proximal (soft-threshold) step by hand."""
    lr, lam = pick(rng, [0.1, 0.5, 1.0]), pick(rng, [0.1, 0.2, 0.3])
    t = round(lr * lam, 4)
    ws = [round(float(v), 2) for v in rng.uniform(0.01, 0.8, size=3) * rng.choice([-1, 1], 3)]
    if all(abs(w) > t for w in ws):
        ws[int(rng.integers(3))] = round(math.copysign(t / 2, ws[0]), 3)
    answer = tuple(round(w - min(t, abs(w)) * math.copysign(1.0, w), 10) for w in ws)
    prompt = (
        f"One ISTA step: soft-threshold the weights w = ({nums(ws)}) with lr*lambda = "
        f"{lr:g} x {lam:g} = {t:g}. Give the three results."
    )
    steps = "; ".join(
        f"{fmt(w)} -> {fmt(a)}" + (" (|w| <= t, so exactly 0)" if a == 0 else "")
        for w, a in zip(ws, answer, strict=True)
    )
    worked = f"S_t(w) = w - min(t, |w|) sign(w) with t = {t:g}: {steps}."
    return Exercise("l1_zeroing", prompt, answer, worked, THREE_DP, data={"w": ws, "t": t})


@exercise("batchnorm", (choice_param("kind", "normalize", ("normalize", "running")),))
def batchnorm_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """Normalize a batch by hand, or update the running statistics."""
    while True:
        xs = [int(v) for v in rng.integers(0, 10, size=4)]
        if len(set(xs)) > 1:
            break
    mean = sum(xs) / 4
    var = sum((x - mean) ** 2 for x in xs) / 4
    if params["kind"] == "normalize":
        answer = tuple((x - mean) / math.sqrt(var) for x in xs)
        prompt = (
            f"BatchNorm in training mode (gamma 1, beta 0, eps 0) of the single feature "
            f"[{nums(xs)}]. Give the four outputs (3 decimals)."
        )
        worked = (
            f"Batch mean = {fmt(mean)}; biased variance = {fmt(var)}; std = {fmt(math.sqrt(var))}. "
            f"Outputs (x - mean)/std = {nums(answer)}."
        )
        return Exercise("batchnorm", prompt, answer, worked, THREE_DP, data={"x": xs})
    momentum = pick(rng, [0.1, 0.2, 0.5])
    unbiased = var * 4 / 3
    answer = (momentum * mean, (1 - momentum) * 1.0 + momentum * unbiased)
    prompt = (
        f"A fresh torch.nn.BatchNorm1d (running mean 0, running var 1, momentum {momentum:g}) "
        f"sees one training batch [{nums(xs)}] of a single feature. Give the new running mean "
        "and running variance."
    )
    worked = (
        f"Batch mean {fmt(mean)}; unbiased variance {fmt(var)} x 4/3 = {fmt(unbiased)}. "
        f"running_mean = (1-{momentum:g}) 0 + {momentum:g} x {fmt(mean)} = {fmt(answer[0])}; "
        f"running_var = (1-{momentum:g}) 1 + {momentum:g} x {fmt(unbiased)} = {fmt(answer[1])}."
    )
    return Exercise(
        "batchnorm", prompt, answer, worked, THREE_DP, data={"x": xs, "momentum": momentum}
    )


INIT_NAMES = {
    "he": ("He", "2/{fan_in}"),
    "xavier": ("Xavier", "2/({fan_in} + {fan_out})"),
    "lecun": ("LeCun", "1/{fan_in}"),
}


@exercise(
    "init_variance",
    (choice_param("scheme", "all", ("all", "he", "lecun", "xavier")),),
)
def init_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """Standard deviation of a normal initialization: one scheme, or He, Xavier and LeCun."""
    scheme = params["scheme"]
    fan_in = pick(rng, [50, 64, 128, 200, 256, 512, 800, 1024, 2048])
    fan_out = pick(rng, [64, 100, 256, 300, 512, 1000])
    schemes = ("he", "xavier", "lecun") if scheme == "all" else (scheme,)
    stds = tuple(init_std(s, fan_in, fan_out) for s in schemes)
    names = ", ".join(INIT_NAMES[s][0] for s in schemes)
    prompt = (
        f"A layer has fan_in {fan_in} and fan_out {fan_out}. Standard deviation of normally "
        f"drawn weights under {names} initialization?"
        + (" Give the three, in that order." if len(schemes) > 1 else "")
    )
    worked = (
        "; ".join(
            f"{INIT_NAMES[s][0]}: sqrt({INIT_NAMES[s][1].format(fan_in=fan_in, fan_out=fan_out)})"
            f" = {fmt(std)}"
            for s, std in zip(schemes, stds, strict=True)
        )
        + "."
    )
    data = {"scheme": scheme, "fan_in": fan_in, "fan_out": fan_out}
    return Exercise("init_variance", prompt, stds, worked, Tolerance(abs=1e-4, rel=5e-3), data=data)


@exercise("lr_schedule", (choice_param("schedule", "cosine", ("cosine", "sgdr", "step")),))
def schedule_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """The learning rate at a given step of a cosine, SGDR or step schedule."""
    lr_max = pick(rng, [0.1, 0.05, 0.01, 1.0])
    lr_min = pick(rng, [0.0, 0.001])
    kind = params["schedule"]
    if kind == "cosine":
        total = pick(rng, [50, 100, 200])
        t = int(rng.integers(0, total + 1))
        lr = cosine_lr(t, total, lr_max, lr_min)
        prompt = (
            f"Cosine annealing from lr_max = {lr_max:g} to lr_min = {lr_min:g} over T = {total} "
            f"steps. Learning rate at step t = {t}?"
        )
        data = {"schedule": kind, "lr_max": lr_max, "lr_min": lr_min, "T": total, "t": t}
        worked = (
            f"lr_min + (lr_max - lr_min)(1 + cos(pi t/T))/2 = {lr_min:g} + {fmt(lr_max - lr_min)} "
            f"x (1 + cos(pi x {t}/{total}))/2 = {fmt(lr)}."
        )
    elif kind == "sgdr":
        t0, mult = pick(rng, [10, 20, 50]), pick(rng, [1, 2])
        t = int(rng.integers(0, t0 * (1 + mult + mult * mult)))
        t_cur, length = sgdr_position(t, t0, mult)
        data = {
            "schedule": kind,
            "lr_max": lr_max,
            "lr_min": lr_min,
            "T_0": t0,
            "T_mult": mult,
            "t": t,
        }
        lr = sgdr_lr(t, t0, mult, lr_max, lr_min)
        prompt = (
            f"SGDR with T_0 = {t0}, T_mult = {mult}, lr_max = {lr_max:g}, lr_min = {lr_min:g}. "
            f"Learning rate at step t = {t} (counting from 0)?"
        )
        worked = (
            f"Cycles last {t0}, {t0 * mult}, {t0 * mult * mult}, ... steps; step {t} is {t_cur} "
            f"steps into a cycle of length {length}. lr = {lr_min:g} + {fmt(lr_max - lr_min)} x "
            f"(1 + cos(pi x {t_cur}/{length}))/2 = {fmt(lr)}."
        )
    else:
        gamma, every = pick(rng, [0.1, 0.5]), pick(rng, [10, 30])
        t = int(rng.integers(0, 4 * every))
        lr = step_lr(t, lr_max, gamma, every)
        data = {"schedule": kind, "lr_max": lr_max, "gamma": gamma, "every": every, "t": t}
        prompt = (
            f"Step decay: lr_max = {lr_max:g}, multiplied by gamma = {gamma:g} every {every} "
            f"steps. Learning rate at step t = {t} (counting from 0)?"
        )
        worked = f"floor({t}/{every}) = {t // every} decays: {lr_max:g} x {gamma:g}^{t // every} = {fmt(lr)}."
    return Exercise("lr_schedule", prompt, (lr,), worked, Tolerance(abs=1e-5, rel=5e-3), data=data)


@exercise("momentum")
def momentum_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """Three heavy-ball steps by hand."""
    beta, lr = pick(rng, [0.5, 0.8, 0.9]), pick(rng, [0.1, 0.5, 1.0])
    theta0 = float(rng.integers(-5, 6))
    grads = [float(g) for g in rng.choice([-4, -3, -2, -1, 1, 2, 3, 4], size=3)]
    theta, v, trail = theta0, 0.0, []
    for g in grads:
        theta, v = momentum_step(theta, v, g, lr, beta)
        trail.append(f"v = {fmt(v)}, theta = {fmt(theta)}")
    prompt = (
        f"SGD with momentum (v <- beta v + g; theta <- theta - lr v), beta = {beta:g}, "
        f"lr = {lr:g}, v starts at 0 and theta at {theta0:g}. The gradients of three steps "
        f"are {nums(grads)}. What is theta after the third step?"
    )
    worked = "Step by step: " + "; ".join(trail) + "."
    data = {"beta": beta, "lr": lr, "theta0": theta0, "grads": grads}
    return Exercise("momentum", prompt, (theta,), worked, THREE_DP, data=data)


@exercise("l2_shrinkage", (choice_param("kind", "decay", ("decay", "ridge")),))
def l2_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """Weight decay's multiplicative shrink, or ridge's h/(h+lambda) along one eigen-direction."""
    if params["kind"] == "decay":
        lr, lam = pick(rng, [0.1, 0.01, 0.5]), pick(rng, [0.01, 0.1, 0.2])
        k = pick(rng, [1, 2, 10])
        w0 = pick(rng, [1.0, 2.0, -0.5, 3.0])
        factor = 1.0 - lr * lam
        answer = w0 * factor**k
        prompt = (
            f"Weight decay (L2 penalty lambda/2 ||w||^2) with lr = {lr:g}, lambda = {lam:g}. A "
            f"weight w = {w0:g} gets no data gradient. What is it after {k} step(s)?"
        )
        worked = (
            f"Each step multiplies w by the shrink factor 1 - lr lambda = {fmt(factor)}: "
            f"{w0:g} x {fmt(factor)}^{k} = {fmt(answer)} (smaller, never exactly 0)."
        )
        data = {"lr": lr, "lam": lam, "steps": k, "w0": w0}
        return Exercise(
            "l2_shrinkage", prompt, (answer,), worked, Tolerance(abs=1e-5, rel=1e-4), data=data
        )
    lam = pick(rng, [0.25, 0.5, 1.0, 3.0])
    h = pick(rng, [0.1, 0.5, 1.0, 2.0, 4.0, 10.0])
    w_ols = pick(rng, [2.0, -1.5, 0.6, 4.0])
    answer = h / (h + lam) * w_ols
    prompt = (
        f"Ridge regression, loss mean squared error / 2 + lambda/2 ||w||^2. Along one eigen-"
        f"direction of the data's Hessian the curvature is h = {h:g} and the least-squares "
        f"weight is {w_ols:g}; lambda = {lam:g}. Ridge weight along that direction?"
    )
    worked = (
        f"w_ridge = h/(h + lambda) w_ols = {h:g}/{h + lam:g} x {w_ols:g} = {fmt(answer)}: "
        "the flatter the direction, the more it shrinks."
    )
    data = {"lam": lam, "h": h, "w_ols": w_ols}
    return Exercise("l2_shrinkage", prompt, (answer,), worked, THREE_DP, data=data)


@exercise("lambda_sweep")
def lambda_threshold_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """The L1 threshold |E0'(0)| above which the minimizer is exactly 0."""
    a = pick(rng, [0.5, 0.8, 1.0, 1.2, 1.5])
    grad0 = -2.0 * a + 0.5 * a * a
    answer = abs(grad0)
    prompt = (
        f"E(w) = (w - {a:g})^2 + (w - {a:g})^3/6 + lambda |w|. From which lambda on is the "
        "(local) minimizer near the origin exactly w* = 0?"
    )
    worked = (
        f"0 is optimal when 0 is in E0'(0) + lambda [-1, 1], i.e. lambda >= |E0'(0)|. "
        f"E0'(w) = 2(w - {a:g}) + (w - {a:g})^2/2, so E0'(0) = {fmt(-2 * a)} + {fmt(0.5 * a * a)} "
        f"= {fmt(grad0)} and the threshold is {fmt(answer)}."
    )
    return Exercise("lambda_sweep", prompt, (answer,), worked, THREE_DP, data={"a": a})


@exercise("gradient_clipping")
def clipping_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """Clip two tensors by their global norm."""
    a, b, c = pick(rng, [(3, 4, 12), (2, 3, 6), (1, 2, 2), (4, 4, 7), (2, 6, 9)])
    signs = rng.choice([-1, 1], size=3)
    g = [float(a * signs[0]), float(b * signs[1]), float(c * signs[2])]
    norm = math.sqrt(sum(x * x for x in g))
    max_norm = pick(rng, [1.0, 2.0, 5.0])
    coef = clip_coefficient(norm, max_norm)
    answer = tuple(x * coef for x in g)
    prompt = (
        f"Two gradient tensors g1 = ({nums(g[:2])}) and g2 = ({fmt(g[2])}). Clip by global norm "
        f"with max_norm = {max_norm:g}. Give the three clipped components."
    )
    worked = (
        f"Global norm = sqrt({' + '.join(fmt(x * x) for x in g)}) = {fmt(norm)} > {max_norm:g}, "
        f"so every component is multiplied by {max_norm:g}/{fmt(norm)} = {fmt(coef)}: {nums(answer)}."
    )
    data = {"g1": g[:2], "g2": g[2:], "max_norm": max_norm}
    return Exercise("gradient_clipping", prompt, answer, worked, THREE_DP, data=data)


@exercise("early_stopping")
def early_stopping_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """Read stop and restore epochs off a validation-loss list."""
    patience = pick(rng, [2, 3])
    while True:
        turn = int(rng.integers(3, 7))
        down = [round(0.9 - 0.08 * i + float(rng.uniform(-0.03, 0.03)), 2) for i in range(turn)]
        up = [
            round(down[-1] + 0.01 * (i + 1) + float(rng.uniform(-0.04, 0.03)), 2) for i in range(8)
        ]
        val = down + up
        stop, best = early_stop(val, patience)
        if stop < len(val):
            break
    val = val[: stop + 2]
    prompt = (
        f"Validation loss per epoch (epoch 1 first): {nums(val)}. Early stopping with patience "
        f"{patience} (stop after {patience} epochs in a row without a new best). At which epoch "
        "does training stop, and which epoch's weights are restored? Give both."
    )
    worked = (
        f"The best loss {fmt(val[best - 1])} is at epoch {best}; epochs {best + 1} to {stop} do "
        f"not beat it, so training stops at epoch {stop} and restores epoch {best}."
    )
    data = {"val_loss": val, "patience": patience}
    return Exercise("early_stopping", prompt, (float(stop), float(best)), worked, EXACT, data=data)


@exercise("adaptive_optimizers", (choice_param("kind", "diffgrad", ("diffgrad", "adam")),))
def adaptive_exercise(rng: Generator, params: dict[str, Any]) -> Exercise:
    """diffGrad's friction coefficient, or the size of Adam's first step."""
    if params["kind"] == "diffgrad":
        g_prev = round(float(rng.uniform(-1.0, 1.0)), 1) + 0.0  # + 0.0 turns -0.0 into 0.0
        g = round(float(rng.uniform(-1.0, 1.0)), 1) + 0.0
        xi = diffgrad_friction(g_prev, g)
        prompt = (
            f"diffGrad: the previous gradient of a parameter was {g_prev:g}, the current one "
            f"is {g:g}. What is the friction coefficient xi that scales Adam's step?"
        )
        worked = (
            f"xi = sigmoid(|g_(t-1) - g_t|) = 1/(1 + exp(-{fmt(abs(g_prev - g))})) = {fmt(xi)}."
        )
        data = {"g_prev": g_prev, "g": g}
        return Exercise("adaptive_optimizers", prompt, (xi,), worked, THREE_DP, data=data)
    lr = pick(rng, [0.001, 0.01, 0.1])
    g = round(float(rng.uniform(0.1, 50.0)) * float(rng.choice([-1, 1])), 1)
    answer = -lr * math.copysign(1.0, g)
    prompt = (
        f"Adam (beta1 0.9, beta2 0.999, eps ~ 0, bias correction on), lr = {lr:g}, first step, "
        f"gradient g = {g:g}. By how much does the parameter change?"
    )
    worked = (
        f"m_hat = g and v_hat = g^2 after bias correction, so the step is -lr g/|g| = "
        f"{fmt(answer)}: Adam's first step has size lr whatever the gradient's scale."
    )
    data = {"lr": lr, "g": g}
    return Exercise(
        "adaptive_optimizers", prompt, (answer,), worked, Tolerance(abs=1e-6, rel=1e-3), data=data
    )
