"""Learning-rate demos: schedules (step, exponential, cosine, cyclic, 1cycle, SGDR) and the LR range test.

The schedule formulas are plain-Python functions of the step number so that
the exercise generator and the tests can use exactly the same definitions
as the demo without NumPy.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from flashdl.engine.params import choice_param, float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    from numpy.random import Generator

SCHEDULES = ("step", "exponential", "cosine", "cyclic", "one_cycle", "sgdr")
ONE_CYCLE_WARMUP = 0.3  # fraction of the run spent warming up
ONE_CYCLE_DIV = 25.0  # warm-up starts at lr_max / 25, as in PyTorch's OneCycleLR


def step_lr(t: int, lr_max: float, gamma: float, every: int) -> float:
    """Step decay: multiply by gamma every `every` steps."""
    return lr_max * gamma ** (t // every)


def exponential_lr(t: int, lr_max: float, gamma: float, every: int) -> float:
    """Smooth exponential decay by a factor gamma per `every` steps."""
    return lr_max * gamma ** (t / every)


def cosine_lr(t: float, total: float, lr_max: float, lr_min: float) -> float:
    """Cosine annealing from lr_max at t = 0 to lr_min at t = total."""
    return lr_min + 0.5 * (lr_max - lr_min) * (1.0 + math.cos(math.pi * t / total))


def cyclic_lr(t: int, lr_max: float, lr_min: float, half_period: int) -> float:
    """Smith's triangular cyclic LR: up from lr_min to lr_max in `half_period` steps, then down."""
    position = (t % (2 * half_period)) / half_period
    return lr_min + (lr_max - lr_min) * (1.0 - abs(position - 1.0))


def one_cycle_lr(t: int, steps: int, lr_max: float, lr_min: float) -> float:
    """1cycle: linear warm-up from lr_max/25 over 30% of the run, then cosine down to lr_min."""
    warm = max(1, round(ONE_CYCLE_WARMUP * steps))
    start = lr_max / ONE_CYCLE_DIV
    if t < warm:
        return start + (lr_max - start) * t / warm
    return cosine_lr(t - warm, max(1, steps - 1 - warm), lr_max, lr_min)


def sgdr_position(t: int, t0: int, t_mult: int) -> tuple[int, int]:
    """(steps since the last restart, length of the current cycle) for SGDR.

    Cycles have lengths T_0, T_0 t_mult, T_0 t_mult^2, ..., so restarts happen
    at T_0, T_0 + T_0 t_mult, ... (Loshchilov & Hutter 2017).
    """
    length = t0
    while t >= length:
        t -= length
        length *= t_mult
    return t, length


def sgdr_lr(t: int, t0: int, t_mult: int, lr_max: float, lr_min: float) -> float:
    """Cosine annealing with warm restarts."""
    t_cur, length = sgdr_position(t, t0, t_mult)
    return cosine_lr(t_cur, length, lr_max, lr_min)


def sgdr_restarts(steps: int, t0: int, t_mult: int) -> list[int]:
    """Steps (below `steps`) at which SGDR restarts."""
    out, at, length = [], t0, t0
    while at < steps:
        out.append(at)
        length *= t_mult
        at += length
    return out


def schedule_value(name: str, t: int, p: dict[str, Any]) -> float:
    """Learning rate of schedule `name` at step t for the demo's parameters p."""
    lr_max, lr_min, cycle, gamma = p["lr_max"], p["lr_min"], p["cycle"], p["gamma"]
    if name == "step":
        return step_lr(t, lr_max, gamma, cycle)
    if name == "exponential":
        return exponential_lr(t, lr_max, gamma, cycle)
    if name == "cosine":
        return cosine_lr(t, p["steps"], lr_max, lr_min)
    if name == "cyclic":
        return cyclic_lr(t, lr_max, lr_min, cycle)
    if name == "one_cycle":
        return one_cycle_lr(t, p["steps"], lr_max, lr_min)
    return sgdr_lr(t, cycle, p["t_mult"], lr_max, lr_min)


_WHAT = {
    "step": "multiplies the rate by gamma = {gamma:g} every {cycle} steps",
    "exponential": "decays smoothly by a factor gamma = {gamma:g} per {cycle} steps",
    "cosine": "follows half a cosine from lr_max to lr_min over the {steps} steps",
    "cyclic": "ramps linearly between lr_min and lr_max, {cycle} steps each way (Smith 2017)",
    "one_cycle": "warms up linearly from lr_max/25 for 30% of the run, then anneals to lr_min",
    "sgdr": "anneals by cosine and restarts at lr_max after T_0 = {cycle} steps, cycles "
    "growing by t_mult = {t_mult} (Loshchilov & Hutter 2017)",
}


def _schedule_constraint(p: dict[str, Any]) -> str | None:
    return "lr_min must not exceed lr_max" if p["lr_min"] > p["lr_max"] else None


@demo(
    "lr_schedule",
    "Learning-rate schedules",
    ["learning rate", "schedules", "sgdr", "cyclic learning rate"],
    [
        choice_param("schedule", "cosine", SCHEDULES, "the schedule's shape"),
        float_param("lr_max", 0.1, 1e-4, 1.0, 2.0, "initial / peak learning rate", log_step=True),
        float_param("lr_min", 0.001, 0.0, 0.5, 0.001, "floor of the schedule"),
        int_param("steps", 100, 10, 2000, 10, "length of the run"),
        int_param("cycle", 20, 1, 1000, 5, "step period / decay period / half-cycle / T_0"),
        float_param("gamma", 0.5, 0.01, 1.0, 0.05, "decay factor for step and exponential"),
        int_param("t_mult", 2, 1, 4, 1, "SGDR cycle growth factor"),
    ],
    plots=(Plot("learning rate per step", y=("lr",)),),
    constraint=_schedule_constraint,
)
def lr_schedule_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Compute the learning rate at every step of a run for one schedule.

    Deterministic: the seed is unused, because a schedule has no randomness.
    """
    import numpy as np

    name, steps = params["schedule"], params["steps"]
    lr = np.array([schedule_value(name, t, params) for t in range(steps)])
    if name == "sgdr":
        restarts = sgdr_restarts(steps, params["cycle"], params["t_mult"])
    else:
        # Where a falling (or flat) rate turns upward again: cyclic's new cycles.
        restarts = [
            t for t in range(2, steps) if lr[t] > lr[t - 1] * (1 + 1e-12) and lr[t - 1] <= lr[t - 2]
        ]
    what = _WHAT[name].format(**params)
    turns = "jumps back up to lr_max (a restart)" if name == "sgdr" else "turns back up"
    where = f" It {turns} at steps {', '.join(map(str, restarts[:8]))}." if restarts else ""
    explanation = (
        f"The {name} schedule {what}. Over {steps} steps the rate starts at {lr[0]:.4g}, "
        f"peaks at {lr.max():.4g}, ends at {lr[-1]:.4g} and averages {lr.mean():.4g}.{where}"
    )
    return DemoResult.partial(
        {"lr": lr, "restarts": np.array(restarts, dtype=int), "lr_final": float(lr[-1])},
        explanation,
        {"lr": lr},
    )


def _range_constraint(p: dict[str, Any]) -> str | None:
    return "lr_start must be below lr_end" if p["lr_start"] >= p["lr_end"] else None


@demo(
    "lr_range_test",
    "LR range test: loss while the learning rate grows exponentially",
    ["learning rate", "cyclic learning rate", "lr range test"],
    [
        float_param("lr_start", 1e-5, 1e-7, 1e-2, 10.0, "first learning rate", log_step=True),
        float_param("lr_end", 10.0, 1e-2, 10.0, 2.0, "last learning rate", log_step=True),
        int_param("steps", 100, 20, 500, 10, "mini-batch steps in the test"),
    ],
    plots=(Plot("loss vs log10(lr)", y=("loss", "smoothed loss"), x="log10 lr", log_y=True),),
    constraint=_range_constraint,
)
def lr_range_test_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Train a linear model with SGD while multiplying the LR by a constant each step (Smith 2017).

    The loss barely moves while the rate is too small, falls fast in the
    useful range and explodes once the rate passes the stability limit. The
    bounds for a cyclic schedule are read off where the loss starts falling
    and where it stops falling.
    """
    import numpy as np

    start, end, steps = params["lr_start"], params["lr_end"], params["steps"]
    n, d, batch = 512, 10, 16
    X = rng.standard_normal((n, d))
    w_true = rng.normal(0.0, 1.0, size=d)
    y = X @ w_true + 0.1 * rng.standard_normal(n)
    lrs = start * (end / start) ** (np.arange(steps) / max(1, steps - 1))
    w = np.zeros(d)
    losses, smooth = [], []
    avg, best = 0.0, math.inf
    for t in range(steps):
        loss = float(0.5 * np.mean((X @ w - y) ** 2))  # training loss before this step
        if not math.isfinite(loss):
            break
        avg = 0.9 * avg + 0.1 * loss
        smoothed = avg / (1.0 - 0.9 ** (t + 1))  # bias-corrected moving average
        losses.append(loss)
        smooth.append(smoothed)
        best = min(best, smoothed)
        if smoothed > 4.0 * best:
            break  # diverged: stop the test, as the usual implementations do
        idx = rng.integers(0, n, size=batch)
        w = w - lrs[t] * (X[idx].T @ (X[idx] @ w - y[idx])) / batch
    done = len(losses)
    lr_seen, smooth_arr = lrs[:done], np.array(smooth)
    i_min = int(np.argmin(smooth_arr))
    drop = smooth_arr[0] - smooth_arr[i_min]
    started = np.nonzero(smooth_arr[: i_min + 1] < smooth_arr[0] - 0.1 * drop)[0]
    i_base = int(started[0]) if started.size else 0
    base_lr, max_lr = float(lr_seen[i_base]), float(lr_seen[i_min])
    stopped = (
        f"stopped at step {done} (lr {lr_seen[-1]:.3g}) when the loss exploded"
        if (done < steps)
        else f"ran all {steps} steps"
    )
    thumb_lo, thumb_hi = max_lr / 4.0, max_lr / 3.0
    explanation = (
        f"The rate grew from {start:.2g} to {end:.2g} by x{(end / start) ** (1 / max(1, steps - 1)):.4f} "
        f"per step; the test {stopped}. The smoothed loss started falling (10% of its total "
        f"drop) at lr {base_lr:.3g} and bottomed out at {smooth_arr[i_min]:.3g} at lr "
        f"{max_lr:.3g}. Read off the curve (Smith 2017: where the loss starts to fall and where "
        f"it stops), the bounds are base_lr ~ {base_lr:.2g} and max_lr ~ {max_lr:.2g}, a range "
        f"of x{max_lr / base_lr:.0f}. That wide range is the test's outer limit, not a "
        f"recommendation: Smith also gives a rule of thumb for a narrower cycle, base_lr = max_lr/4 "
        f"to max_lr/3 = {thumb_lo:.2g} to {thumb_hi:.2g}. Both are starting points to tune."
    )
    return DemoResult.partial(
        {
            "lr": lr_seen,
            "loss": np.array(losses),
            "smoothed_loss": smooth_arr,
            "base_lr": base_lr,
            "max_lr": max_lr,
            "rule_of_thumb_base_lr": thumb_lo,
            "steps_run": done,
        },
        explanation,
        {"log10 lr": np.log10(lr_seen), "loss": np.array(losses), "smoothed loss": smooth_arr},
    )
