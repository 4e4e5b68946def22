"""Exercise generators: every answer recomputed independently from the question's inputs."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from flashdl.engine import Exercise, list_exercises, make_exercise
from flashdl.engine.exercises import Tolerance, parse_numbers


def _dropout(d: dict[str, Any]) -> tuple[float, ...]:
    if d["mode"] == "inverted":  # a kept unit is divided by the keep probability; a dropped one is 0
        return (d["x"] / (1 - d["p"]) if d["bit"] == 1 else 0.0,)
    return (1 - d["p"],)


def _soft(d: dict[str, Any]) -> tuple[float, ...]:
    t = d["t"]
    return tuple(0.0 if abs(w) <= t else w - t if w > 0 else w + t for w in d["w"])


def _bn(d: dict[str, Any]) -> tuple[float, ...]:
    xs = d["x"]
    n = len(xs)
    mean = sum(xs) / n
    if "momentum" not in d:
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / n)
        return tuple((x - mean) / sd for x in xs)
    m = d["momentum"]
    unbiased = sum((x - mean) ** 2 for x in xs) / (n - 1)
    return (m * mean, 1 - m + m * unbiased)


def _init(d: dict[str, Any]) -> tuple[float, ...]:
    fan_in, fan_out = d["fan_in"], d["fan_out"]
    var = {"he": 2 / fan_in, "lecun": 1 / fan_in, "xavier": 2 / (fan_in + fan_out)}
    schemes = ("he", "xavier", "lecun") if d["scheme"] == "all" else (d["scheme"],)
    return tuple(math.sqrt(var[s]) for s in schemes)


def _schedule(d: dict[str, Any]) -> tuple[float, ...]:
    t = d["t"]
    if d["schedule"] == "step":
        return (d["lr_max"] * d["gamma"] ** math.floor(t / d["every"]),)
    if d["schedule"] == "cosine":
        start, length = 0, d["T"]
    else:  # SGDR: walk the cycle boundaries T_0, T_0 + T_0 T_mult, ...
        start, length = 0, d["T_0"]
        while t >= start + length:
            start += length
            length *= d["T_mult"]
    frac = (t - start) / length
    return (d["lr_min"] + (d["lr_max"] - d["lr_min"]) * (1 + math.cos(math.pi * frac)) / 2,)


def _momentum(d: dict[str, Any]) -> tuple[float, ...]:
    # Closed form of three heavy-ball steps: v1 = g1, v2 = b g1 + g2, v3 = b^2 g1 + b g2 + g3.
    b, lr = d["beta"], d["lr"]
    g1, g2, g3 = d["grads"]
    v1, v2, v3 = g1, b * g1 + g2, b * b * g1 + b * g2 + g3
    return (d["theta0"] - lr * (v1 + v2 + v3),)


def _l2(d: dict[str, Any]) -> tuple[float, ...]:
    if "w_ols" in d:  # minimise h/2 (w - w_ols)^2 + lam/2 w^2: h (w - w_ols) + lam w = 0
        return (d["h"] * d["w_ols"] / (d["h"] + d["lam"]),)
    w = d["w0"]
    for _ in range(d["steps"]):
        w = w - d["lr"] * d["lam"] * w  # gradient of lam/2 w^2 is lam w
    return (w,)


def _lambda(d: dict[str, Any]) -> tuple[float, ...]:
    a, h = d["a"], 1e-6
    e0 = lambda w: (w - a) ** 2 + (w - a) ** 3 / 6  # noqa: E731
    return (abs((e0(h) - e0(-h)) / (2 * h)),)  # |E0'(0)| by central difference


def _clip(d: dict[str, Any]) -> tuple[float, ...]:
    g = [*d["g1"], *d["g2"]]
    norm = math.hypot(*g)
    scale = min(1.0, d["max_norm"] / norm)
    return tuple(x * scale for x in g)


def _early(d: dict[str, Any]) -> tuple[float, ...]:
    val, patience = d["val_loss"], d["patience"]
    for e in range(patience + 1, len(val) + 1):
        if min(val[e - patience : e]) >= min(val[: e - patience]):
            best = min(range(e - patience), key=lambda i: (val[i], i)) + 1
            return (float(e), float(best))
    raise AssertionError("exercise should stop before its last epoch")


def _adaptive(d: dict[str, Any]) -> tuple[float, ...]:
    if "g_prev" in d:
        return (1 / (1 + math.exp(-abs(d["g_prev"] - d["g"]))),)
    g, lr = d["g"], d["lr"]
    m_hat, v_hat = g, g * g  # bias-corrected first moments after one step
    return (-lr * m_hat / math.sqrt(v_hat),)


INDEPENDENT: dict[str, Callable[[dict[str, Any]], tuple[float, ...]]] = {
    "dropout": _dropout,
    "l1_zeroing": _soft,
    "batchnorm": _bn,
    "init_variance": _init,
    "lr_schedule": _schedule,
    "momentum": _momentum,
    "l2_shrinkage": _l2,
    "lambda_sweep": _lambda,
    "gradient_clipping": _clip,
    "early_stopping": _early,
    "adaptive_optimizers": _adaptive,
}
VARIANTS: dict[str, list[dict[str, str]]] = {
    "dropout": [{"mode": "inverted"}, {"mode": "vanilla"}],
    "batchnorm": [{"kind": "normalize"}, {"kind": "running"}],
    "init_variance": [{"scheme": s} for s in ("all", "he", "lecun", "xavier")],
    "lr_schedule": [{"schedule": s} for s in ("cosine", "sgdr", "step")],
    "l2_shrinkage": [{"kind": "decay"}, {"kind": "ridge"}],
    "adaptive_optimizers": [{"kind": "diffgrad"}, {"kind": "adam"}],
}


def test_at_least_eight_demos_have_exercises() -> None:
    assert len(list_exercises()) >= 8
    assert set(list_exercises()) == set(INDEPENDENT)


def _wrong(answer: tuple[float, ...]) -> str:
    return ", ".join(repr(a * 1.1 + 0.05) for a in answer)


@pytest.mark.parametrize("name", sorted(INDEPENDENT))
def test_answers_match_independent_computation(name: str) -> None:
    for variant in VARIANTS.get(name, [{}]):
        prompts = set()
        for seed in range(25):
            ex = make_exercise(name, seed=seed, **variant)
            assert isinstance(ex, Exercise) and ex.demo == name and ex.seed == seed
            expected = INDEPENDENT[name](ex.data)
            assert len(ex.answer) == len(expected)
            for got, want in zip(ex.answer, expected, strict=True):
                assert got == pytest.approx(want, rel=1e-6, abs=1e-9), (name, variant, seed)
            assert ex.check(", ".join(repr(a) for a in ex.answer))
            assert ex.check(" ".join(f"{a:.6g}" for a in ex.answer))
            assert not ex.check(_wrong(ex.answer))
            assert not ex.check("")
            assert not ex.check("banana")
            assert not ex.judge("banana").readable, "text is re-asked, not graded"
            assert ex.prompt and ex.worked and any(c.isdigit() for c in ex.worked)
            prompts.add(ex.prompt)
        assert len(prompts) > 1, "the question's numbers come from the seed"


def test_same_seed_same_exercise() -> None:
    for name in list_exercises():
        assert make_exercise(name, seed=4) == make_exercise(name, seed=4)


def test_worked_examples_from_the_brief() -> None:
    from flashdl.engine.initialization import init_std
    from flashdl.engine.sparsity import soft_threshold

    assert float(soft_threshold(0.30, 0.10)) == pytest.approx(0.20)
    assert init_std("he", 512, 512) == 0.0625
    ex = Exercise("dropout", "p = 0.2: factor?", (1.25,), "1/(1-0.2)")
    assert ex.check("1.25") and ex.check("5/4") and ex.check(" 1.250 ") and not ex.check("1.2")


def test_parse_numbers_accepts_fractions_and_lists_and_never_raises() -> None:
    assert parse_numbers("1/8") == [0.125]
    assert parse_numbers("-3/4, 2") == [-0.75, 2.0]
    assert parse_numbers("[1 2; 3]") == [1.0, 2.0, 3.0]
    assert parse_numbers("(0.5,-1e-3)") == [0.5, -0.001]
    assert parse_numbers("\u22121.5") == [-1.5]
    assert parse_numbers(".5") == [0.5]
    assert parse_numbers("1/2/3") == [pytest.approx(1 / 6)]  # arithmetic, read left to right
    for bad in ["", "  ", "1/0", "nan", "inf", "1..2", "one", "1,,x", "0x10", "1_0", "1e999"]:
        assert parse_numbers(bad) is None, bad
    assert parse_numbers(None) is None  # type: ignore[arg-type]
    assert parse_numbers("1 " * 100) is None


def test_check_counts_and_tolerance() -> None:
    ex = Exercise("batchnorm", "q", (1.0, -0.5), "w", Tolerance(abs=1e-3, rel=0.0))
    assert ex.check("1.0009, -0.4995")
    assert not ex.check("1.002, -0.5")
    assert not ex.check("1.0")
    assert not ex.check("1, -0.5, 3")
    assert not ex.check(object())  # type: ignore[arg-type]
    rel = Tolerance(abs=0.0, rel=0.01)
    assert rel.accepts(101.0, 100.0) and not rel.accepts(102.0, 100.0)
    assert "0.5" in Tolerance().describe() or "0.50%" in Tolerance().describe()


def test_the_dropout_exercise_asks_a_units_output_from_x_the_mask_bit_and_p() -> None:
    asked = [make_exercise("dropout", seed=s, mode="inverted") for s in range(40)]
    assert {ex.data["bit"] for ex in asked} == {0, 1}, "both mask bits come up"
    for ex in asked:
        assert f"x = {ex.data['x']:g}" in ex.prompt and f"mask bit {ex.data['bit']}" in ex.prompt


def test_the_init_exercise_asks_all_three_schemes_by_default() -> None:
    ex = make_exercise("init_variance", seed=3)
    assert len(ex.answer) == 3
    assert all(name in ex.prompt for name in ("He", "Xavier", "LeCun"))


# ------------------------------------------------------------------ worked answers
def test_an_arithmetic_answer_is_graded_by_its_value() -> None:
    ex = Exercise("l2_shrinkage", "3 x 0.98^10?", (3 * 0.98**10,), "w", Tolerance(1e-9, 1e-9))
    for typed in ("3*0.98^10", "3*0.98**10", "3 × 0.98¹⁰", "3*(1-0.02)^10", "3*exp(10*ln(0.98))"):
        verdict = ex.judge(typed)
        assert verdict.readable and verdict.correct, typed
    assert ex.judge("(3*0.98)^10").readable and not ex.check("(3*0.98)^10")  # "^" binds tighter
    std = Exercise("init_variance", "He std, fan_in 256?", (math.sqrt(2 / 256),), "w")
    assert std.check("sqrt(2/256)") and std.check("1/sqrt(128)") and std.check("2^0.5/16")
    assert Exercise("x", "q", (math.pi / 2,), "w").check("π/2")
    assert Exercise("x", "q", (math.e,), "w").check("e")


@pytest.mark.parametrize(
    "typed",
    ["abc", "banana 3", "__import__('os')", "().__class__", "open('x')", "x=1", "1 if 1 else 2",
     "[1]*10**9", "'a'*10", "1<2", "lambda: 1", "sqrt", "1/0", "10^400", "9**9**9", "2**100000",
     "1e999", "1 " * 150, "(" * 120 + "1" + ")" * 120, "sqrt(-1)", "1,,2", "True"],
)
def test_text_that_is_not_arithmetic_is_reasked_with_a_hint_not_graded(typed: str) -> None:
    verdict = Exercise("x", "q", (1.0,), "w").judge(typed)
    assert not verdict.readable and not verdict.correct
    assert verdict.hint


def test_the_wrong_count_of_numbers_is_reasked_with_the_count() -> None:
    verdict = Exercise("x", "q", (1.0, 2.0), "w").judge("1")
    assert not verdict.readable and "2 numbers" in verdict.hint


def test_exponents_are_capped_so_no_answer_is_slow() -> None:
    import time

    ex = Exercise("x", "q", (1.0,), "w")
    started = time.perf_counter()
    for typed in ("9**9**9**9", "2^1001", "(10^300)*(10^300)", "-(2**1000)**2"):
        assert not ex.judge(typed).readable, typed
    assert time.perf_counter() - started < 1.0


def test_the_exercise_bank_does_not_import_the_registry_that_loads_it() -> None:
    """No import circle: exercises (the registry) -> exercise_bank -> exercise_model."""
    import ast
    from pathlib import Path

    import flashdl.engine as engine

    def imported(module: str) -> set[str]:
        tree = ast.parse((Path(engine.__file__).parent / f"{module}.py").read_text())
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        return names

    assert "flashdl.engine.exercises" not in imported("exercise_bank")
    assert "flashdl.engine.exercises" not in imported("exercise_model")
    assert "flashdl.engine.exercise_bank" not in imported("exercise_model")
