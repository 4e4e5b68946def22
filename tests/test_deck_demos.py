"""Every demonstrate card's claim, checked in its own demo's numbers at the card's parameters.

A card says something ("the flat directions shrink most", "momentum rolls past the global
minimum"); its demo is meant to show exactly that. Each check below runs the card's demo with
the parameters the deck gives it (seed 0, as the study screen first shows it) and asserts the
claim in the numbers, recomputing them independently where a closed form exists. A new
demonstrate card without a check here fails ``test_every_demonstrate_card_has_a_claim_check``.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from flashdl.engine import run_demo

DECKS = Path(__file__).resolve().parent.parent / "decks"


def _demonstrate_cards() -> dict[str, dict[str, Any]]:
    cards = {}
    for path in sorted(DECKS.glob("*.toml")):
        deck = tomllib.loads(path.read_text(encoding="utf-8"))
        for card in deck["cards"]:
            if "demo" in card and card.get("kind", "demonstrate") == "demonstrate":
                cards[f"{deck['deck']['id']}/{card['id']}"] = card["demo"]
    return cards


CARDS = _demonstrate_cards()
Values = dict[str, Any]
CLAIMS: dict[str, Callable[[Values], None]] = {}


def claim(*card_ids: str) -> Callable[[Callable[[Values], None]], Callable[[Values], None]]:
    def register(check: Callable[[Values], None]) -> Callable[[Values], None]:
        for card_id in card_ids:
            CLAIMS[card_id] = check
        return check

    return register


def params(card_id: str) -> dict[str, Any]:
    return dict(CARDS[card_id].get("params", {}))


# ------------------------------------------------------------------------------- dropout
@claim("dropout/dropout-training-step")
def _training_step(v: Values) -> None:
    mask, x, out = v["mask"], v["input"], v["output"]
    assert set(np.unique(mask)) == {0.0, 1.0}, "each unit is kept or dropped"
    assert np.all(out[mask == 0] == 0), "a dropped unit sends nothing forward"
    n, q = mask.size, 0.5
    assert abs(mask.mean() - q) < 4 * math.sqrt(q * (1 - q) / n)
    np.testing.assert_allclose(out[mask == 1], x[mask == 1] / q)


@claim("dropout/vanilla-dropout-test-scaling")
def _vanilla(v: Values) -> None:
    np.testing.assert_array_equal(v["output"], v["input"] * v["mask"])  # training: unscaled
    np.testing.assert_allclose(v["output_eval"], v["input"] * 0.5)  # test: times q = 1 - p


@claim("dropout/inverted-dropout")
def _inverted(v: Values) -> None:
    np.testing.assert_allclose(v["output"], v["input"] * v["mask"] / 0.8)
    np.testing.assert_array_equal(v["output_eval"], v["input"])  # test time: the identity


@claim("dropout/spatial-dropout")
def _spatial(v: Values) -> None:
    mask = v["mask"]
    assert (mask == mask[:, :1]).all(), "whole feature maps are kept or dropped"
    assert 0 < v["dropped_channels"] < 8
    assert v["elementwise_mask"].mean() < 1.0


@claim("dropout/mc-dropout")
def _mc(v: Values) -> None:
    assert v["std_outside"] > 2 * v["std_inside"], "the spread flags extrapolation"
    se = v["std"] / math.sqrt(50)
    assert np.all(np.abs(v["mean"] - v["deterministic"]) <= 5 * se + 1e-9)


@claim("dropout/weight-scaling-rule")
def _weight_scaling(v: Values) -> None:
    assert v["gap_geometric"] < 1e-12, "exact for a softmax layer"
    assert v["gap_arithmetic"] > 1e-3, "but not the arithmetic average"
    p = v["weight_scaling"]
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


@claim("dropout/max-norm")
def _max_norm(v: Values) -> None:
    c = 3.0
    assert v["max_norm_history"].max() <= c * (1 + 1e-9), "every unit stays inside the ball"
    assert v["norms_free"].max() > 2 * c, "without the cap the weights run off"
    # The projection only shortens: the capped units point where the free ones would,
    # up to the different paths; at least one unit sits exactly on the sphere.
    assert np.isclose(v["norms_max_norm"], c).any()


# ------------------------------------------------------------------------------- generalization
def _line_mse(coef: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((coef[0] + coef[1] * x - y) ** 2))


@claim("generalization/covariate-shift")
def _covariate(v: Values) -> None:
    train = _line_mse(v["coef_unweighted"], v["x_train"], v["y_train"])
    assert v["test_mse_unweighted"] > 2 * train, "the same fit does worse where inputs moved"


@claim("generalization/importance-weighting")
def _importance(v: Values) -> None:
    x = v["x_train"]
    ratio = (np.exp(-0.5 * ((x - 2.0) / 0.5) ** 2) / 0.5) / np.exp(-0.5 * x**2)
    np.testing.assert_allclose(v["weights"], ratio, rtol=1e-10)
    assert v["test_mse_weighted"] < 0.5 * v["test_mse_unweighted"]
    assert v["effective_sample_size"] < 0.5 * x.size, "bought with variance"


def _fits(v: Values) -> tuple[np.ndarray, np.ndarray]:
    return v["train_mse"], v["val_mse"]


@claim("generalization/underfitting")
def _underfitting(v: Values) -> None:
    train, val = _fits(v)
    assert train[1] > 3 * 0.2**2, "degree 1: training error well above the noise floor"
    assert val[1] < 1.3 * train[1], "and validation error about as high"


@claim("generalization/overfitting")
def _overfitting(v: Values) -> None:
    train, val = _fits(v)
    assert train[15] < 0.5 * 0.2**2, "degree 15 fits the noise"
    assert val[15] > 10 * train[15] and val[15] > 3 * val.min()


@claim("generalization/bias-variance-tradeoff")
def _tradeoff(v: Values) -> None:
    train, val = _fits(v)
    best = int(np.argmin(val))
    assert 0 < best < 15 and val[best] < val[0] and val[best] < val[15], "U-shaped"
    assert np.all(np.diff(train) <= 1e-10), "training error only falls with capacity"


@claim("generalization/polynomial-capacity")
def _polynomial(v: Values) -> None:
    train, val = _fits(v)
    floor = 0.1**2
    assert train[1] > 5 * floor and val[1] > 5 * floor, "degree 1: both high"
    assert val[3] < 3 * floor and train[3] < 3 * floor, "degree 3: both low"
    assert val[3] < val[1] / 5
    assert train[15] < train[3] and val[15] > 10 * val[3], "degree 15: low train, high test"


@claim("generalization/early-stopping")
def _early(v: Values) -> None:
    val, stop, best = v["val_loss"], v["stop_epoch"], v["best_epoch"]
    assert stop - best == 5, "stops after `patience` epochs without a new best"
    assert val[best - 1] == val[:stop].min(), "and restores the best epoch"
    assert stop < val.size


@claim("generalization/robustness-perturbations")
def _noise(v: Values) -> None:
    X, y = v["X"], v["y"]
    n, d = X.shape
    ridge = np.linalg.solve(X.T @ X + n * 0.5**2 * np.eye(d), X.T @ y)  # lambda = sigma^2
    np.testing.assert_allclose(v["w_tikhonov"], ridge, rtol=1e-10)
    gap_noisy = np.linalg.norm(v["w_noisy"] - ridge)
    gap_ols = np.linalg.norm(np.linalg.lstsq(X, y, rcond=None)[0] - ridge)
    assert gap_noisy < 0.1 * gap_ols, "input noise lands on the Tikhonov solution"


@claim("generalization/data-augmentation")
def _augmentation(v: Values) -> None:
    assert v["val_mse_augmented"] < 0.5 * v["val_mse_plain"], "validation error drops"
    assert v["train_mse_augmented"] > v["train_mse_plain"], "the originals are memorised less"
    x, xa = v["x_train"], v["x_augmented"]
    np.testing.assert_array_equal(xa[x.size : 2 * x.size], -x)  # the mirrored copies
    np.testing.assert_array_equal(v["y_augmented"][x.size : 2 * x.size], v["y_train"])


# ------------------------------------------------------------------------------- initialization
@claim("initialization/why-initialization-matters")
def _why_init(v: Values) -> None:
    first_last = {k: v[f"signal_norms_{k}"][0] / v[f"signal_norms_{k}"][-1]
                  for k in ("scale_x05", "scale_x1", "scale_x2")}
    assert first_last["scale_x05"] < 1e-3, "factor below 1 per layer: vanishes"
    assert 0.1 < first_last["scale_x1"] < 10, "He's scale: about level"
    assert first_last["scale_x2"] > 1e3, "factor above 1 per layer: explodes"


@claim("initialization/initialization-goal", "initialization/he-initialization")
def _he_level(v: Values) -> None:
    var = v["var_he"]
    assert var.max() / var.min() < 2.0, "He keeps the ReLU variance level through depth"
    assert var[0] == pytest.approx(2.0, rel=0.15)  # 2/n * n * E[x^2] with E[x^2] = 1


@claim("initialization/xavier-initialization", "initialization/lecun-initialization")
def _tanh_first_order(v: Values) -> None:
    var = v["variance"]
    assert var[0] == pytest.approx(0.98, abs=0.05), "preserved at the first layer"
    assert 0.01 < var[-1] < 0.06, "but decays to about 0.03 by layer 20"
    assert var[-1] > 2.0**-19 * var[0] * 1e3, "slowly, not geometrically"


@claim("initialization/initialization-mismatch")
def _mismatch(v: Values) -> None:
    var = v["var_xavier"]
    per_layer = (var[-1] / var[0]) ** (1 / 29)
    assert per_layer == pytest.approx(0.5, abs=0.05), "ReLU halves the variance per layer"


@claim("initialization/sigmoid-vanishing-gradients")
def _sigmoid(v: Values) -> None:
    assert v["ratio_first_last"] < 4.0**-10 * 100, "about 4^-10 over 10 layers"
    assert v["per_layer_factor"] < 0.3, "at most 1/4 times the weight gain per layer"


@claim("initialization/exploding-gradients")
def _exploding(v: Values) -> None:
    assert v["ratio_first_last"] > 100, "several hundred times larger at the first layer"
    assert v["per_layer_factor"] == pytest.approx(math.sqrt(2), rel=0.15)


# ------------------------------------------------------------------------------- normalization
@claim("normalization/batchnorm-training-formula")
def _bn_formula(v: Values) -> None:
    x = v["x"]
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)  # biased variance, eps 1e-5
    np.testing.assert_allclose(v["output"], expected)


@claim("normalization/batchnorm-gamma-beta")
def _bn_affine(v: Values) -> None:
    out = v["output"]
    np.testing.assert_allclose(out.mean(0), 0.5, atol=1e-9)
    np.testing.assert_allclose(out.std(0), 2.0, rtol=1e-4)


@claim("normalization/batchnorm-inference")
def _bn_inference(v: Values) -> None:
    x = v["x"]
    expected = (x - v["running_mean"]) / np.sqrt(v["running_var"] + 1e-5)
    np.testing.assert_allclose(v["output_eval"], expected)  # eval mode: running statistics
    assert np.all(np.abs(v["running_mean"] - v["true_mean"]) < 0.5 + 0.25 * np.abs(v["true_mean"]))


@claim("normalization/batchnorm-running-update")
def _bn_running(v: Values) -> None:
    first = run_demo("batchnorm", seed=0, **{**params("normalization/batchnorm-running-update"),
                                             "steps": 1}).values
    x = first["x"]
    np.testing.assert_allclose(first["running_mean"], 0.1 * x.mean(0))
    np.testing.assert_allclose(first["running_var"], 0.9 + 0.1 * x.var(0, ddof=1))


@claim("normalization/layernorm-vs-batchnorm")
def _ln(v: Values) -> None:
    np.testing.assert_allclose(v["bn_output"].mean(axis=0), 0, atol=1e-12)  # per feature
    np.testing.assert_allclose(v["ln_output"].mean(axis=1), 0, atol=1e-12)  # per example
    np.testing.assert_allclose(v["ln_single"], v["ln_output"][:1])  # needs no batch


# ------------------------------------------------------------------------------- optimization
@claim("optimization/gradient-clipping")
def _clipping(v: Values) -> None:
    np.testing.assert_allclose(v["clipped_norms"], np.minimum(v["norms"], 1.0), rtol=1e-5)
    g, c = v["grads"], v["clipped"]
    assert g @ c / (np.linalg.norm(g) * np.linalg.norm(c)) == pytest.approx(1.0)


@claim("optimization/lr-range-test")
def _range(v: Values) -> None:
    lr, s = v["lr"], v["smoothed_loss"]
    i_base, i_max = np.searchsorted(lr, v["base_lr"]), np.searchsorted(lr, v["max_lr"])
    assert s[i_max] == s.min(), "max_lr: where the loss stops falling"
    assert s[i_base] < s[0] and s[: i_base].min() > s[i_max], "base_lr: where it starts to fall"
    assert v["steps_run"] < lr.size + 1 and s[-1] > s.min(), "beyond max_lr it blows up"
    assert v["rule_of_thumb_base_lr"] == pytest.approx(v["max_lr"] / 4)


def _lr(v: Values) -> np.ndarray:
    return v["lr"]


@claim("optimization/lr-annealing")
def _step(v: Values) -> None:
    np.testing.assert_allclose(_lr(v), [0.1 * 0.5 ** (t // 25) for t in range(100)])


@claim("optimization/step-and-exponential-decay")
def _exponential(v: Values) -> None:
    lr = _lr(v)
    np.testing.assert_allclose(lr[1:] / lr[:-1], 0.5 ** (1 / 20))  # smooth: one factor per step


@claim("optimization/cosine-annealing")
def _cosine(v: Values) -> None:
    lr = _lr(v)
    assert lr[0] == pytest.approx(0.1) and np.all(np.diff(lr) < 0), "one decay, no restart"
    drops = -np.diff(lr)
    assert 40 <= int(np.argmax(drops)) <= 60, "falls fastest in the middle"
    assert drops[0] < drops.max() / 10 and drops[-1] < drops.max() / 10


@claim("optimization/cyclic-lr")
def _cyclic(v: Values) -> None:
    lr = _lr(v)
    assert lr.min() == pytest.approx(0.01) and lr.max() == pytest.approx(0.1)
    assert v["restarts"].tolist() == [51, 101, 151], "turns back up every 2 x 25 steps"


@claim("optimization/sgdr")
def _sgdr(v: Values) -> None:
    lr = _lr(v)
    assert v["restarts"].tolist() == [10, 30, 70], "runs of 10, 20, 40 steps"
    for r in (10, 30, 70):
        assert lr[r] == pytest.approx(0.1) and lr[r - 1] < 0.01, "jumps back to lr_max"


@claim("optimization/one-cycle")
def _one_cycle(v: Values) -> None:
    lr = _lr(v)
    peak = int(np.argmax(lr))
    assert lr[0] == pytest.approx(0.5 / 25) and lr[peak] == pytest.approx(0.5)
    assert np.all(np.diff(lr[: peak + 1]) > 0) and np.all(np.diff(lr[peak:]) < 0)
    assert lr[-1] == pytest.approx(0.001, rel=0.05), "ends far below the start"


def _reach(losses: np.ndarray, target: float) -> int:
    below = np.nonzero(losses < target)[0]
    return int(below[0]) if below.size else 10**9


@claim("optimization/momentum")
def _momentum(v: Values) -> None:
    assert v["final_momentum"] < 1e-3 * v["final_sgd"]


@claim("optimization/momentum-ill-conditioning")
def _conditioning(v: Values) -> None:
    target = 1e-3 * v["loss_sgd"][0]
    sgd, mom = _reach(v["loss_sgd"], target), _reach(v["loss_momentum"], target)
    # condition 100: SGD needs of the order of 100 x log(1000) steps, momentum about 10 x that
    assert mom < 100 and sgd > 200 and sgd > 3 * mom


@claim("optimization/momentum-local-minima")
def _local_minima(v: Values) -> None:
    def slope(x: float) -> float:  # g(x) = x^2/20 + (1 - cos 2x)/2
        return 0.1 * x + math.sin(2 * x)

    x_sgd, x_mom = v["path_sgd"][-1, 0], v["path_momentum"][-1, 0]
    assert abs(slope(x_sgd)) < 1e-6 and x_sgd < -8, "SGD stops in the first local minimum"
    assert abs(slope(x_mom)) < 1e-3 and x_mom > 2, "momentum rolls past the global minimum at 0"
    assert 0.1 + 2 * math.cos(2 * x_mom) > 0, "and rests in a local minimum beyond it"
    assert v["final_momentum"] > 0.1, "which is not the global one"


def _first_step(v: Values, name: str) -> np.ndarray:
    path = v[f"path_{name}"]
    return path[1] - path[0]


ROSENBROCK_START_GRAD = np.array([-2 * 2.5 - 40 * -1.5 * (2.0 - 2.25), 20 * (2.0 - 2.25)])


@claim("optimization/rmsprop")
def _rmsprop(v: Values) -> None:
    g = ROSENBROCK_START_GRAD
    step = _first_step(v, "rmsprop")
    np.testing.assert_allclose(step, -0.01 * g / np.sqrt(0.01 * g**2), rtol=1e-6)
    sgd = _first_step(v, "sgd")
    assert abs(sgd[0] / sgd[1]) == pytest.approx(abs(g[0] / g[1]))
    assert abs(step[0]) == pytest.approx(abs(step[1])), "per-parameter step sizes"


@claim("optimization/adam")
def _adam(v: Values) -> None:
    np.testing.assert_allclose(_first_step(v, "adam"), -0.05 * np.sign(ROSENBROCK_START_GRAD),
                               rtol=1e-6)  # bias-corrected: m_hat / sqrt(v_hat) = sign(g)
    assert v["final_adam"] < 1e-4


@claim("optimization/diffgrad")
def _diffgrad(v: Values) -> None:
    xi = v["diffgrad_friction"]
    assert xi.min() >= 0.5 and xi.max() <= 1.0
    assert (xi < 0.55).mean() > 0.5, "mostly half steps where the gradient barely changes"


# ------------------------------------------------------------------------------- regularization
@claim("regularization/l2-vs-decoupled-decay")
def _adamw(v: Values) -> None:
    adamw, adam_l2 = v["final_adamw"], v["final_adam_l2"]
    np.testing.assert_allclose(adamw, (1 - 0.03 * 0.1) ** 300, rtol=0.1)  # every weight alike
    assert adam_l2[-1] > 2 * adamw[-1], "large gradient history: barely decayed under Adam + L2"
    assert adam_l2[0] < 0.01 * adamw[0], "tiny gradients: decayed to about 0"


@claim("regularization/l1-constant-pull")
def _constant_pull(v: Values) -> None:
    assert v["zeros_proximal"] > 0, "the proximal step lands weights exactly on 0"
    assert v["zeros_subgradient"] == 0, "plain subgradient steps only jitter around it"


@claim("regularization/l1-subgradient-update")
def _subgradient(v: Values) -> None:
    off = (v["w_true"] == 0) & (v["w_proximal"] == 0)
    jitter = np.abs(v["w_subgradient"][off])
    assert off.any() and np.all(jitter > 0), "never exactly 0"
    assert np.all(jitter <= 2 * 0.1 * 0.05 + 1e-3), "but within about lr x lambda of it"


def _w_at(v: Values, lam: float) -> float:
    return float(np.interp(lam, v["lams"], v["w_star"]))


@claim("regularization/ew-example-l2")
def _ew_l2(v: Values) -> None:
    for lam, expected in ((0.25, 0.79), (0.5, 0.65), (1, 0.46), (2, 0.29), (4, 0.17)):
        # root of 2(w - 1) + (w - 1)^2/2 + 2 lam w = 0 with w in (0, 1)
        u = -2 * (1 + lam) + 2 * math.sqrt(1 + lam + lam**2)
        assert 1 + u == pytest.approx(expected, abs=0.006)
        assert _w_at(v, lam) == pytest.approx(1 + u, abs=0.01)
    assert np.all(v["w_star"] > 0), "never reaches 0"


@claim("regularization/ew-example-l1")
def _ew_l1(v: Values) -> None:
    for lam, expected in ((0.25, 0.87), (0.5, 0.73), (1, 0.41)):
        assert math.sqrt(4 - 2 * lam) - 1 == pytest.approx(expected, abs=0.006)
        assert _w_at(v, lam) == pytest.approx(expected, abs=0.01)
    assert np.all(v["w_star"][v["lams"] >= 1.5] == 0.0), "exactly 0 from lambda = 1.5 on"


@claim("regularization/l2-curvature-shrinkage")
def _curvature(v: Values) -> None:
    h = v["curvature"]
    np.testing.assert_allclose(v["w_ridge"] / v["w_ols"], h / (h + 1.0), rtol=1e-8)
    order = np.argsort(h)
    factors = (v["w_ridge"] / v["w_ols"])[order]
    assert np.all(np.diff(factors) > 0), "the flatter the direction, the more it shrinks"
    assert factors[0] < 0.2 < 0.8 < factors[-1]


@claim("regularization/elastic-net")
def _elastic(v: Values) -> None:
    lasso = v["w_lasso"][:4].reshape(2, 2)  # the two informative pairs of twins
    elastic = v["w_elastic"][:4].reshape(2, 2)
    assert (lasso == 0).any(axis=1).sum() >= 1, "lasso keeps one twin of a pair"
    assert np.all(elastic != 0), "elastic net keeps both twins"
    assert np.all(np.abs(elastic[:, 0] - elastic[:, 1]) < 0.1), "and shares the weight"
    assert v["zeros_elastic"] >= 4, "while still dropping useless features"


# ------------------------------------------------------------------------------- the tests
def test_every_demonstrate_card_has_a_claim_check() -> None:
    missing = sorted(set(CARDS) - set(CLAIMS))
    assert not missing, f"demonstrate cards without a claim check: {missing}"
    assert not sorted(set(CLAIMS) - set(CARDS)), "checks for cards that are gone"


@pytest.mark.parametrize("card_id", sorted(CLAIMS))
def test_the_demo_shows_what_its_card_claims(card_id: str) -> None:
    demo = CARDS[card_id]
    result = run_demo(demo["name"], seed=0, **demo.get("params", {}))
    CLAIMS[card_id](result.values)
