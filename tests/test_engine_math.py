"""Each demo's numbers checked against the mathematics, computed independently here.

Nothing in this file compares a demo with a stored copy of its own output:
every expectation is either a closed form, a recurrence re-implemented in
the test, or a statistical bound.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from flashdl.engine import run_demo

# ---------------------------------------------------------------- dropout family


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("mode", ["inverted", "vanilla"])
def test_dropout_preserves_expectation_between_train_and_eval(p: float, mode: str) -> None:
    r = run_demo("dropout", seed=11, p=p, mode=mode, shape=(64, 64))
    x, mask, out, out_eval = (r.values[k] for k in ("input", "mask", "output", "output_eval"))
    assert set(np.unique(mask)) <= {0.0, 1.0}
    keep = 1 - p
    if mode == "inverted":
        np.testing.assert_allclose(out, x * mask / keep)
        np.testing.assert_array_equal(out_eval, x)
        assert r.values["scale"] == pytest.approx(1 / keep)
    else:
        np.testing.assert_array_equal(out, x * mask)
        np.testing.assert_allclose(out_eval, x * keep)
        assert r.values["scale"] == 1.0
    # E[train output | x] equals the eval output's mean; the sampling error of the mean of
    # n independent Bernoulli-masked units has std sqrt(p(1-p) mean(x^2) / n) * scale.
    n = x.size
    sd = math.sqrt(p * keep * np.mean(x**2) / n) * r.values["scale"]
    assert abs(out.mean() - out_eval.mean()) < 5 * sd
    assert r.values["kept_fraction"] == pytest.approx(mask.mean())
    assert abs(mask.mean() - keep) < 5 * math.sqrt(p * keep / n)


def test_dropout_p_zero_keeps_everything() -> None:
    r = run_demo("dropout", p=0.0)
    assert r.values["mask"].all()
    np.testing.assert_array_equal(r.values["output"], r.values["input"])


def test_spatial_dropout_drops_whole_channels() -> None:
    r = run_demo("spatial_dropout", seed=3, p=0.5, channels=32, size=(5, 6))
    mask, cmask, out, x = (r.values[k] for k in ("mask", "channel_mask", "output", "input"))
    assert mask.shape == (32, 30)
    assert (mask == mask[:, :1]).all(), "each channel is kept or dropped as a whole"
    np.testing.assert_array_equal(mask[:, 0], cmask)
    np.testing.assert_allclose(out, x * cmask[:, None, None] / 0.5)
    assert r.values["dropped_channels"] == int((cmask == 0).sum())


def test_mc_dropout_mean_converges_to_deterministic_prediction() -> None:
    r = run_demo("mc_dropout", seed=5, passes=500, p=0.2)
    samples, mean, std = r.values["samples"], r.values["mean"], r.values["std"]
    np.testing.assert_allclose(mean, samples.mean(axis=0))
    np.testing.assert_allclose(std, samples.std(axis=0))
    # Inverted dropout keeps E[output]; the MC mean is within a few standard errors of it.
    se = std / math.sqrt(500)
    assert np.all(np.abs(mean - r.values["deterministic"]) <= 5 * se + 1e-9)
    assert r.values["std_outside"] > r.values["std_inside"]


# ---------------------------------------------------------------- normalization


def test_batchnorm_training_output_is_standardized() -> None:
    r = run_demo("batchnorm", seed=2, batch=64, features=8, eps=1e-8, gamma=1.0, beta=0.0)
    out, x = r.values["output"], r.values["x"]
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(out.var(axis=0), 1.0, atol=1e-6)
    np.testing.assert_allclose(r.values["batch_mean"], x.mean(axis=0))
    np.testing.assert_allclose(r.values["batch_var"], x.var(axis=0))  # biased


def test_batchnorm_affine_and_eval_mode() -> None:
    r = run_demo("batchnorm", seed=4, gamma=2.0, beta=-1.0, eps=1e-3)
    v = r.values
    x = v["x"]
    expected = 2.0 * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3) - 1.0
    np.testing.assert_allclose(v["output"], expected)
    expected_eval = 2.0 * (x - v["running_mean"]) / np.sqrt(v["running_var"] + 1e-3) - 1.0
    np.testing.assert_allclose(v["output_eval"], expected_eval)


def test_batchnorm_running_stats_follow_torch_recurrence() -> None:
    """One step from (0, 1), then step k -> k+1: the batches are a prefix-stable stream."""
    m = 0.3
    first = run_demo("batchnorm", seed=9, steps=1, momentum=m, batch=10).values
    x = first["x"]
    np.testing.assert_allclose(first["running_mean"], m * x.mean(axis=0))
    np.testing.assert_allclose(first["running_var"], (1 - m) + m * x.var(axis=0, ddof=1))
    k = run_demo("batchnorm", seed=9, steps=7, momentum=m, batch=10).values
    k1 = run_demo("batchnorm", seed=9, steps=8, momentum=m, batch=10).values
    x8 = k1["x"]
    np.testing.assert_allclose(k1["running_mean"], (1 - m) * k["running_mean"] + m * x8.mean(0))
    np.testing.assert_allclose(
        k1["running_var"], (1 - m) * k["running_var"] + m * x8.var(0, ddof=1)
    )


def test_layernorm_vs_batchnorm_axes() -> None:
    v = run_demo("layernorm_vs_batchnorm", seed=1, batch=5, features=7).values
    np.testing.assert_allclose(v["bn_output"].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(v["ln_output"].mean(axis=1), 0, atol=1e-12)
    x = v["x"]
    ln = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(v["ln_output"], ln)
    np.testing.assert_allclose(v["ln_single"], ln[:1])
    np.testing.assert_array_equal(v["bn_single"], 0.0)


# ---------------------------------------------------------------- penalties


def _ista_step(X, y, w, lr, lam):
    n = X.shape[0]
    z = w - lr * (X.T @ (X @ w - y)) / n
    return np.sign(z) * np.maximum(np.abs(z) - lr * lam, 0.0), z


def test_ista_zeros_exactly_where_soft_threshold_predicts() -> None:
    params = dict(lam=0.15, lr=0.2, n_samples=120, n_features=30, n_informative=6)
    before = run_demo("l1_zeroing", seed=7, steps=49, **params).values
    after = run_demo("l1_zeroing", seed=7, steps=50, **params).values
    X, y = after["X"], after["y"]
    expected, z = _ista_step(X, y, before["w_proximal"], 0.2, 0.15)
    np.testing.assert_allclose(after["w_proximal"], expected, atol=1e-12)
    predicted_zero = np.abs(z) <= 0.2 * 0.15
    np.testing.assert_array_equal(after["w_proximal"] == 0.0, predicted_zero)
    assert after["zeros_proximal"] == int(predicted_zero.sum()) > 0


def test_ista_converges_to_lasso_kkt_point_and_subgradient_only_jitters() -> None:
    lam = 0.1
    v = run_demo("l1_zeroing", seed=1, lam=lam, lr=0.1, steps=2000).values
    X, y, w = v["X"], v["y"], v["w_proximal"]
    grad = X.T @ (X @ w - y) / X.shape[0]
    nz = w != 0
    np.testing.assert_allclose(grad[nz], -lam * np.sign(w[nz]), atol=1e-6)
    assert np.all(np.abs(grad[~nz]) <= lam + 1e-6)
    # Subgradient descent reaches the same neighbourhood but never lands on 0.
    assert v["zeros_subgradient"] == 0
    off = v["w_true"] == 0
    assert np.all(np.abs(v["w_subgradient"][off & ~nz]) < 0.05)
    assert v["zeros_proximal"] > v["zeros_subgradient"]


def test_l2_shrinks_each_direction_by_h_over_h_plus_lambda_but_never_to_zero() -> None:
    for lam in (0.5, 3.0):
        v = run_demo("l2_shrinkage", seed=2, lam=lam, n_samples=40, n_features=6).values
        X, y = v["X"], v["y"]
        gram = X.T @ X / 40
        h = np.diag(gram)
        np.testing.assert_allclose(gram, np.diag(h), atol=1e-10)  # orthogonal columns
        assert h.max() / h.min() == pytest.approx(100.0)  # the default spread
        ols = np.linalg.lstsq(X, y, rcond=None)[0]
        np.testing.assert_allclose(v["w_ols"], ols, atol=1e-10)
        ridge = np.linalg.solve(X.T @ X + 40 * lam * np.eye(6), X.T @ y)
        np.testing.assert_allclose(v["w_ridge"], ridge, atol=1e-10)
        np.testing.assert_allclose(v["w_ridge"] / ols, h / (h + lam), rtol=1e-8)
        assert v["zeros_ridge"] == 0
        soft = np.sign(h * ols) * np.maximum(np.abs(h * ols) - lam, 0) / h
        np.testing.assert_allclose(v["w_lasso"], soft, atol=1e-12)


def test_lambda_sweep_matches_closed_forms() -> None:
    l1 = run_demo("lambda_sweep", penalty="l1", lam_max=3.0, points=121).values
    lams = l1["lams"]
    assert l1["grad0"] == -1.5 and l1["threshold"] == 1.5
    below = lams < 1.5
    expected = -1 + np.sqrt(4 - 2 * lams[below])  # root of E0'(w) + lam = 0 for w > 0
    np.testing.assert_allclose(l1["w_star"][below], expected, atol=1e-9)
    assert np.all(l1["w_star"][below] > 0)
    assert np.all(l1["w_star"][~below] == 0.0), "exactly zero at and beyond the threshold"
    assert l1["first_zero_lam"] == 1.5
    for lam_max, points in ((2.0, 121), (7.3, 50)):  # the threshold is always part of the sweep
        other = run_demo("lambda_sweep", lam_max=lam_max, points=points).values
        assert other["first_zero_lam"] == 1.5
        assert np.all(other["w_star"][other["lams"] < 1.5] > 0)
    l2 = run_demo("lambda_sweep", penalty="l2").values
    lam = l2["lams"]
    u = -2 * (1 + lam) + 2 * np.sqrt(1 + lam + lam**2)  # E0'(w) + 2 lam w = 0, w = 1 + u
    np.testing.assert_allclose(l2["w_star"], 1 + u, atol=1e-9)
    assert np.all(l2["w_star"] > 0)
    # Each w* is a local minimum of E: the derivative changes sign around it.
    w, h = l2["w_star"][40], 1e-4
    dE = lambda t: 2 * (t - 1) + 0.5 * (t - 1) ** 2 + 2 * lam[40] * t  # noqa: E731
    assert dE(w - h) < 0 < dE(w + h)


def test_elastic_net_satisfies_kkt_conditions() -> None:
    lam, a = 0.2, 0.5
    v = run_demo("elastic_net", seed=3, lam=lam, l1_ratio=a).values
    X, y = v["X"], v["y"]
    n = X.shape[0]
    for key, ratio in (("w_lasso", 1.0), ("w_elastic", a), ("w_ridge", 0.0)):
        w = v[key]
        g = X.T @ (X @ w - y) / n + lam * (1 - ratio) * w
        nz = w != 0
        np.testing.assert_allclose(g[nz], -lam * ratio * np.sign(w[nz]), atol=1e-5)
        assert np.all(np.abs(g[~nz]) <= lam * ratio + 1e-5)
    assert v["zeros_ridge"] == 0 and v["zeros_lasso"] >= v["zeros_elastic"] > 0


# ---------------------------------------------------------------- initialization


@pytest.mark.parametrize("seed", [0, 1])
def test_he_keeps_relu_variance_while_lecun_and_xavier_decay(seed: int) -> None:
    v = run_demo(
        "init_variance",
        seed=seed,
        scheme="he",
        activation="relu",
        depth=50,
        width=128,
        networks=250,
    ).values
    he = v["var_he"]
    assert he.max() / he.min() < 2.0
    assert he[0] == pytest.approx(2.0, rel=0.1)  # 2/fan_in * fan_in * E[x^2], E[x^2] = 1
    for key in ("var_lecun", "var_xavier"):
        ratio = v[key][-1] / v[key][0]
        assert ratio < 1e-10  # halves at each of 49 steps: 2^-49 ~ 1.8e-15
        assert np.all(np.diff(np.log(v[key])) < 0)


def test_init_std_formulas() -> None:
    from flashdl.engine.initialization import init_std

    assert init_std("he", 512, 512) == pytest.approx(0.0625)
    assert init_std("lecun", 100, 7) == pytest.approx(0.1)
    assert init_std("xavier", 300, 500) == pytest.approx(math.sqrt(2 / 800))


def test_sigmoid_gradients_vanish_relu_does_not() -> None:
    v = run_demo("vanishing_gradients", seed=0, depth=20, weight_scale=1.0).values
    sig, relu = v["grad_norms_sigmoid"], v["grad_norms_relu"]
    assert sig[0] / sig[-1] < 1e-6
    assert 1e-2 < relu[0] / relu[-1] < 1e2
    v2 = run_demo("vanishing_gradients", seed=0, depth=20, weight_scale=math.sqrt(2)).values
    assert 0.1 < v2["grad_norms_relu"][0] / v2["grad_norms_relu"][-1] < 10


# ---------------------------------------------------------------- schedules


def _cos(t: float, T: float, hi: float, lo: float) -> float:
    return lo + (hi - lo) * (1 + math.cos(math.pi * t / T)) / 2


@pytest.mark.parametrize(
    "t0,mult,expected", [(10, 2, [10, 30, 70]), (15, 1, [15, 30, 45, 60, 75, 90])]
)
def test_sgdr_restarts_at_the_right_steps(t0: int, mult: int, expected: list[int]) -> None:
    v = run_demo(
        "lr_schedule", schedule="sgdr", cycle=t0, t_mult=mult, steps=100, lr_max=0.1, lr_min=0.001
    ).values
    lr = v["lr"]
    assert v["restarts"].tolist() == expected
    starts = [0, *expected]
    for start, end in zip(starts, [*expected, 10**9], strict=True):
        length = (end - start) if end < 10**9 else t0 * mult ** len(expected)
        for t in range(start, min(end, 100)):
            assert lr[t] == pytest.approx(_cos(t - start, length, 0.1, 0.001), abs=1e-12)
    for r in expected:
        assert lr[r] == pytest.approx(0.1) and lr[r - 1] < lr[r]


def test_other_schedules_follow_their_formulas() -> None:
    base = dict(lr_max=0.2, lr_min=0.002, steps=120, cycle=25, gamma=0.5)
    lr = run_demo("lr_schedule", schedule="cosine", **base).values["lr"]
    np.testing.assert_allclose(lr, [_cos(t, 120, 0.2, 0.002) for t in range(120)])
    lr = run_demo("lr_schedule", schedule="step", **base).values["lr"]
    np.testing.assert_allclose(lr, [0.2 * 0.5 ** (t // 25) for t in range(120)])
    lr = run_demo("lr_schedule", schedule="exponential", **base).values["lr"]
    np.testing.assert_allclose(lr, [0.2 * 0.5 ** (t / 25) for t in range(120)])
    v = run_demo("lr_schedule", schedule="cyclic", **base).values
    lr = v["lr"]
    assert (
        lr[0] == pytest.approx(0.002)
        and lr[25] == pytest.approx(0.2)
        and lr[50] == pytest.approx(0.002)
    )
    np.testing.assert_allclose(np.abs(np.diff(lr)), (0.2 - 0.002) / 25)
    assert v["restarts"].tolist() == [51, 101]
    lr = run_demo("lr_schedule", schedule="one_cycle", **base).values["lr"]
    peak = int(np.argmax(lr))
    assert peak == 36 and lr[0] == pytest.approx(0.2 / 25) and lr[-1] == pytest.approx(0.002)
    assert np.all(np.diff(lr[: peak + 1]) > 0) and np.all(np.diff(lr[peak:]) < 0)


def test_lr_range_test_grows_geometrically_and_stops_on_divergence() -> None:
    v = run_demo("lr_range_test", seed=0, lr_start=1e-5, lr_end=10.0, steps=100).values
    lr = v["lr"]
    ratios = lr[1:] / lr[:-1]
    np.testing.assert_allclose(ratios, (10 / 1e-5) ** (1 / 99))
    assert v["steps_run"] < 100  # SGD on this least-squares problem diverges well before lr = 10
    assert v["base_lr"] < v["max_lr"] < lr[-1]
    s = v["smoothed_loss"]
    assert s[np.searchsorted(lr, v["max_lr"])] == pytest.approx(s.min())


# ---------------------------------------------------------------- optimizers


def test_momentum_paths_follow_the_recurrences() -> None:
    beta, lr, cond = 0.8, 0.4, 20.0
    v = run_demo("momentum", beta=beta, lr=lr, condition=cond, steps=60).values
    t = np.arange(61)
    np.testing.assert_allclose(v["path_sgd"][:, 0], -10 * (1 - lr / cond) ** t)
    np.testing.assert_allclose(v["path_sgd"][:, 1], 1 * (1 - lr) ** t, atol=1e-15)
    x, vel, xs = np.array([-10.0, 1.0]), np.zeros(2), [np.array([-10.0, 1.0])]
    curv = np.array([1 / cond, 1.0])
    for _ in range(60):
        vel = beta * vel + curv * x
        x = x - lr * vel
        xs.append(x)
    np.testing.assert_allclose(v["path_momentum"], np.array(xs), atol=1e-12)
    assert v["final_momentum"] < v["final_sgd"]


def test_adaptive_optimizer_first_steps() -> None:
    lr = 0.01
    v = run_demo("adaptive_optimizers", lr=lr, steps=10, function="quadratic").values
    start = np.array([-3.0, 1.0])
    g = np.array([-3.0, 25.0])  # gradient of (x^2 + 25 y^2)/2 at the start
    np.testing.assert_allclose(v["path_sgd"][1], start - lr * g)
    np.testing.assert_allclose(v["path_adam"][1], start - lr * np.sign(g), rtol=1e-6)
    np.testing.assert_allclose(
        v["path_rmsprop"][1], start - lr * g / np.sqrt(0.01 * g**2), rtol=1e-6
    )
    xi = 1 / (1 + np.exp(-np.abs(g)))  # previous gradient starts at 0
    np.testing.assert_allclose(v["path_diffgrad"][1], start - lr * xi * np.sign(g), rtol=1e-6)


def test_adaptive_optimizers_reach_rosenbrock_minimum() -> None:
    v = run_demo("adaptive_optimizers", lr=0.05, steps=1000, function="rosenbrock").values
    assert v["final_adam"] < 1e-6
    np.testing.assert_allclose(v["path_adam"][-1], [1.0, 1.0], atol=1e-3)


def test_gradient_clipping_keeps_direction_and_caps_norm() -> None:
    max_norm = 2.0
    v = run_demo("gradient_clipping", seed=4, max_norm=max_norm, steps=200, layers=4).values
    norms, after = v["norms"], v["clipped_norms"]
    np.testing.assert_allclose(after, np.minimum(norms, max_norm), rtol=1e-5)
    g, c = v["grads"], v["clipped"]
    cos = g @ c / (np.linalg.norm(g) * np.linalg.norm(c))
    assert cos == pytest.approx(1.0)
    assert np.linalg.norm(g) == pytest.approx(norms.max())
    np.testing.assert_array_equal(v["clipped_by_value"], np.clip(g, -max_norm, max_norm))
    assert v["clipped_steps"] == int((norms > max_norm * (1 + 1e-6) + 1e-6).sum())


# ---------------------------------------------------------------- generalization


def _stop_epoch(val: list[float], patience: int) -> tuple[int, int]:
    """Brute force: stop at the first epoch e whose last `patience` epochs all fail to beat
    the minimum before them."""
    for e in range(patience + 1, len(val) + 1):
        before = min(val[: e - patience])
        if min(val[e - patience : e]) >= before:
            return e, int(np.argmin(val[: e - patience])) + 1
    return len(val), int(np.argmin(val)) + 1


@pytest.mark.parametrize("patience,noise", [(1, 0.05), (5, 0.02), (20, 0.1)])
def test_early_stopping_matches_brute_force(patience: int, noise: float) -> None:
    for seed in range(5):
        v = run_demo("early_stopping", seed=seed, patience=patience, noise=noise).values
        stop, best = _stop_epoch(v["val_loss"].tolist(), patience)
        assert (v["stop_epoch"], v["best_epoch"]) == (stop, best)
        assert v["best_val"] == v["val_loss"][: v["stop_epoch"]].min()


def test_capacity_train_error_falls_with_degree_and_validation_is_u_shaped() -> None:
    v = run_demo("capacity", seed=0, n_samples=30, noise=0.2).values
    train, val = v["train_mse"], v["val_mse"]
    assert np.all(np.diff(train) <= 1e-10)  # nested least-squares problems
    best = v["best_degree"]
    assert best == int(np.argmin(val))
    assert 2 <= best <= 12
    assert val[best] < val[0] and val[best] < val[-1]


def test_covariate_shift_importance_weights_fix_the_fit() -> None:
    for seed in range(3):
        v = run_demo("covariate_shift", seed=seed, shift=1.5, n_samples=400).values
        x, y, w = v["x_train"], v["y_train"], v["weights"]
        ratio = (np.exp(-0.5 * ((x - 1.5) / 0.5) ** 2) / 0.5) / np.exp(-0.5 * x**2)
        np.testing.assert_allclose(w, ratio, rtol=1e-10)
        A = np.column_stack([np.ones_like(x), x])
        coef = np.linalg.solve(A.T @ (w[:, None] * A), A.T @ (w * y))
        np.testing.assert_allclose(v["coef_weighted"], coef, rtol=1e-8)
        assert v["test_mse_weighted"] < v["test_mse_unweighted"]


# ---------------------------------------------------------------- the regularizers added later


def test_data_augmentation_fits_the_mirrored_and_jittered_set_and_generalizes_better() -> None:
    wins = 0
    for seed in range(6):
        v = run_demo("data_augmentation", seed=seed, n_samples=12, degree=9, copies=4).values
        x, y, xa, ya = v["x_train"], v["y_train"], v["x_augmented"], v["y_augmented"]
        assert xa.size == 12 * 2 * 5 and np.all(np.abs(xa) <= 1.0)
        np.testing.assert_array_equal(ya, np.tile(np.concatenate([y, y]), 5))  # labels kept
        # the jittered copies stay near their originals
        assert np.abs(xa[24:].reshape(4, 24) - np.concatenate([x, -x])).max() < 0.5
        # an independent fit in the monomial basis gives the same validation error
        coef = np.polynomial.polynomial.polyfit(xa, ya, 9)
        val = np.mean((np.polynomial.polynomial.polyval(v["x_val"], coef) - v["y_val"]) ** 2)
        assert val == pytest.approx(v["val_mse_augmented"], rel=1e-6)
        wins += v["val_mse_augmented"] < v["val_mse_plain"]
    assert wins == 6


def test_input_noise_converges_to_the_tikhonov_closed_form() -> None:
    far, near = [], []
    for seed in range(4):
        few = run_demo("noise_injection", seed=seed, sigma=0.7, copies=5).values
        many = run_demo("noise_injection", seed=seed, sigma=0.7, copies=1000).values
        X, y = many["X"], many["y"]
        n, d = X.shape
        # E_eps ||y - (X + eps) w||^2 / (2n) = ||y - Xw||^2 / (2n) + sigma^2 ||w||^2 / 2
        ridge = np.linalg.solve(X.T @ X / n + 0.49 * np.eye(d), X.T @ y / n)
        np.testing.assert_allclose(many["w_tikhonov"], ridge, rtol=1e-10)
        far.append(np.linalg.norm(few["w_noisy"] - ridge))
        near.append(np.linalg.norm(many["w_noisy"] - ridge))
    assert np.mean(near) < np.mean(far) / 5  # about sqrt(1000 / 5) = 14 times closer


def _adam_decay(scales: np.ndarray, lr: float, wd: float, steps: int, decoupled: bool):
    """torch.optim.Adam(weight_decay=wd) or torch.optim.AdamW, written out per weight."""
    w = np.ones_like(scales)
    m = np.zeros_like(scales)
    v = np.zeros_like(scales)
    for t in range(1, steps + 1):
        g = scales * (-1) ** (t + 1)
        if decoupled:
            w = w - lr * wd * w
        else:
            g = g + wd * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        w = w - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def test_adam_l2_and_adamw_follow_torchs_update_rules() -> None:
    v = run_demo("adamw_vs_l2", lr=0.05, weight_decay=0.2, steps=120, weights=4).values
    scales = np.logspace(-3, 1, 4)
    np.testing.assert_allclose(v["gradient_scale"], scales)
    np.testing.assert_allclose(v["final_adam_l2"], _adam_decay(scales, 0.05, 0.2, 120, False))
    np.testing.assert_allclose(v["final_adamw"], _adam_decay(scales, 0.05, 0.2, 120, True))
    assert np.all(np.diff(v["final_adam_l2"]) > 0)  # the larger the gradients, the less decay


def test_weight_scaling_is_the_geometric_mean_exactly_for_softmax_only() -> None:
    import itertools

    for network in ("softmax", "relu"):
        v = run_demo("dropout_averaging", seed=1, p=0.3, units=6, passes=200,
                     network=network).values
        x, W, q = v["x"], v["W"], 0.7

        def probs(units: np.ndarray, v: dict = v, W: np.ndarray = W) -> np.ndarray:
            hidden = units if "W1" not in v else np.maximum(units @ v["W1"] + v["b1"], 0)
            z = hidden @ W
            e = np.exp(z - z.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)

        log_geo, arith = 0.0, 0.0
        for bits in itertools.product((0.0, 1.0), repeat=6):
            mask = np.array(bits)
            weight = q ** mask.sum() * (1 - q) ** (6 - mask.sum())
            pm = probs(x * mask)
            log_geo, arith = log_geo + weight * np.log(pm), arith + weight * pm
        geo = np.exp(log_geo) / np.exp(log_geo).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(v["geometric_mean"], geo, atol=1e-12)
        np.testing.assert_allclose(v["arithmetic_mean"], arith, atol=1e-12)
        np.testing.assert_allclose(v["weight_scaling"], probs(q * x), atol=1e-12)
        if network == "softmax":
            np.testing.assert_allclose(v["weight_scaling"], geo, atol=1e-12)
        else:
            assert np.abs(v["weight_scaling"] - geo).max() > 1e-4
        # 200 Monte-Carlo passes: within a few standard errors of the true ensemble
        assert np.abs(v["monte_carlo"] - arith).max() < 5 * 0.5 / math.sqrt(200)


def test_max_norm_projection_caps_length_and_keeps_direction() -> None:
    from flashdl.engine.dropout_rules import project_max_norm

    W = np.random.default_rng(0).standard_normal((8, 5)) * np.array([0.1, 1, 2, 5, 9])
    P = project_max_norm(W, 3.0)
    before, after = np.linalg.norm(W, axis=0), np.linalg.norm(P, axis=0)
    np.testing.assert_allclose(after, np.minimum(before, 3.0))
    np.testing.assert_allclose(P / after, W / before)  # same directions
    v = run_demo("max_norm", seed=2, c=2.0, steps=150).values
    assert v["max_norm_history"].max() <= 2.0 + 1e-12
    assert v["free_norm_history"][-1] > 2.0
    np.testing.assert_allclose(np.linalg.norm(v["weights_max_norm"], axis=0), v["norms_max_norm"])
