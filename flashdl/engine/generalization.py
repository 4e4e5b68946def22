"""Generalization demos: early stopping, model capacity, covariate shift.

Each one separates what the training data shows from what fresh data
shows, which is the whole point of a validation set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from numpy.random import Generator


def early_stop(val_loss: Sequence[float], patience: int) -> tuple[int, int]:
    """(stop epoch, best epoch), 1-based, for patience-based early stopping.

    Training stops at the first epoch that completes `patience` epochs in a
    row without a strict improvement on the best validation loss so far; the
    weights of the best epoch are restored. If that never happens, training
    runs to the end.
    """
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_loss, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_loss), best_epoch


@demo(
    "early_stopping",
    "Early stopping with patience on a noisy validation curve",
    ["early stopping", "overfitting", "regularization"],
    [
        int_param("patience", 5, 1, 50, 1, "epochs without improvement before stopping"),
        int_param("epochs", 100, 10, 500, 10, "maximum epochs"),
        float_param("noise", 0.02, 0.0, 0.5, 0.01, "std of the validation-loss noise"),
    ],
    plots=(Plot("loss per epoch", y=("train loss", "val loss")),),
)
def early_stopping_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Simulate train and validation curves and apply patience-based early stopping.

    The noiseless validation loss is 0.2 + 0.8 exp(-t/12) + 0.004 t: it falls,
    then rises as the model overfits (true minimum near epoch 34). Noise makes
    single epochs look better or worse than they are, which is why patience
    exists - and why too small a patience stops on a fluke.
    """
    import numpy as np

    patience, epochs, noise = params["patience"], params["epochs"], params["noise"]
    t = np.arange(1, epochs + 1, dtype=float)
    train = 0.05 + 0.95 * np.exp(-t / 10.0) + 0.005 * rng.standard_normal(epochs)
    clean_val = 0.2 + 0.8 * np.exp(-t / 12.0) + 0.004 * t
    val = clean_val + noise * rng.standard_normal(epochs)
    stop, best = early_stop(val.tolist(), patience)
    true_best = int(np.argmin(clean_val)) + 1
    ran_out = stop == epochs and stop - best < patience
    stopped = (
        f"training ran all {epochs} epochs without {patience} non-improving epochs in a row"
        if ran_out
        else f"with patience {patience} training stopped at epoch {stop}, {epochs - stop} "
        f"epochs early"
    )
    explanation = (
        f"Validation loss last improved at epoch {best} ({val[best - 1]:.4f}); {stopped}, "
        f"and the weights of epoch {best} were restored. The noiseless curve's minimum is at "
        f"epoch {true_best} ({clean_val[true_best - 1]:.4f}), so the restored model's true "
        f"loss is {clean_val[best - 1] - clean_val[true_best - 1]:.4f} above the best possible. "
        "Larger noise with small patience stops early on a lucky dip."
    )
    return DemoResult.partial(
        {
            "train_loss": train,
            "val_loss": val,
            "clean_val_loss": clean_val,
            "stop_epoch": stop,
            "best_epoch": best,
            "best_val": float(val[best - 1]),
            "true_best_epoch": true_best,
        },
        explanation,
        {"train loss": train, "val loss": val},
    )


MAX_DEGREE = 15


def _target(x: Any) -> Any:
    import numpy as np

    return np.sin(np.pi * x)


@demo(
    "capacity",
    "Capacity: polynomial fits from underfitting to overfitting",
    ["capacity", "overfitting", "underfitting", "bias-variance"],
    [
        int_param("degree", 9, 0, MAX_DEGREE, 1, "degree of the highlighted fit"),
        int_param("n_samples", 15, 5, 200, 5, "training points"),
        float_param("noise", 0.2, 0.0, 1.0, 0.05, "std of the label noise"),
    ],
    plots=(
        Plot("MSE vs degree", y=("train MSE", "val MSE"), x="degree", log_y=True),
        Plot("the fit", y=("target", "fit"), x="x", scatter=(("x train", "y train"),)),
    ),
)
def capacity_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Fit polynomials of degree 0..15 by least squares to noisy samples of sin(pi x) on [-1, 1].

    Training error can only fall as the degree (capacity) grows; validation
    error on fresh points falls while the model underfits and rises once it
    starts fitting the noise. Fits use a Legendre basis for numerical sanity.
    """
    import numpy as np
    from numpy.polynomial import legendre

    degree, n, noise = params["degree"], params["n_samples"], params["noise"]
    x_train = rng.uniform(-1.0, 1.0, size=n)
    y_train = _target(x_train) + noise * rng.standard_normal(n)
    x_val = rng.uniform(-1.0, 1.0, size=200)
    y_val = _target(x_val) + noise * rng.standard_normal(200)
    grid = np.linspace(-1.0, 1.0, 101)
    degrees = np.arange(MAX_DEGREE + 1)
    train_mse, val_mse = np.empty(len(degrees)), np.empty(len(degrees))
    fit = grid
    for d in degrees:
        coef = np.linalg.lstsq(legendre.legvander(x_train, d), y_train, rcond=None)[0]
        train_mse[d] = np.mean((legendre.legval(x_train, coef) - y_train) ** 2)
        val_mse[d] = np.mean((legendre.legval(x_val, coef) - y_val) ** 2)
        if d == degree:
            fit = legendre.legval(grid, coef)
    best = int(np.argmin(val_mse))
    verdict = (
        "underfits"
        if degree < best
        else "overfits"
        if val_mse[degree] > 1.5 * val_mse[best]
        else "is close to the best"
    )
    explanation = (
        f"With {n} points and noise {noise:g}: degree 0 has train/val MSE {train_mse[0]:.3g}/"
        f"{val_mse[0]:.3g}; validation error is lowest at degree {best} ({val_mse[best]:.3g}); "
        f"degree {MAX_DEGREE} reaches train MSE {train_mse[-1]:.3g} but val MSE "
        f"{val_mse[-1]:.3g}. The highlighted degree {degree} (train {train_mse[degree]:.3g}, "
        f"val {val_mse[degree]:.3g}) {verdict}. The noise floor is noise^2 = {noise**2:.3g}."
    )
    return DemoResult.partial(
        {
            "x_train": x_train,
            "y_train": y_train,
            "degrees": degrees,
            "train_mse": train_mse,
            "val_mse": val_mse,
            "best_degree": best,
            "x": grid,
            "fit": fit,
        },
        explanation,
        {
            "degree": degrees.astype(float),
            "train MSE": np.maximum(train_mse, 1e-12),
            "val MSE": np.maximum(val_mse, 1e-12),
            "x": grid,
            "target": _target(grid),
            "fit": np.clip(fit, -3.0, 3.0),
            "x train": x_train,
            "y train": y_train,
        },
    )


TEST_STD = 0.5


def _normal_pdf(x: Any, mean: float, std: float) -> Any:
    import numpy as np

    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2.0 * np.pi))


@demo(
    "covariate_shift",
    "Covariate shift and importance weighting",
    ["covariate shift", "domain adaptation", "generalization"],
    [
        float_param(
            "shift", 1.5, 0.0, 3.0, 0.25, "mean of the test inputs (train inputs ~ N(0, 1))"
        ),
        int_param("n_samples", 200, 20, 2000, 20, "training points"),
    ],
    plots=(
        Plot("fits", y=("target", "unweighted fit", "weighted fit"), x="x"),
        Plot("input densities", y=("p_train", "p_test"), x="x"),
    ),
)
def covariate_shift_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Fit a line to sin(1.5 x) with train x ~ N(0, 1) and test x ~ N(shift, 0.5^2).

    The target function is the same in both; only the input distribution
    moves. A misspecified model (a line) fitted on training data is best
    near 0; weighting each training point by w(x) = p_test(x) / p_train(x)
    makes the fit minimize the error the test distribution will see.
    """
    import numpy as np

    shift, n = params["shift"], params["n_samples"]
    x_train = rng.standard_normal(n)
    y_train = np.sin(1.5 * x_train) + 0.1 * rng.standard_normal(n)
    x_test = shift + TEST_STD * rng.standard_normal(1000)
    y_test = np.sin(1.5 * x_test) + 0.1 * rng.standard_normal(1000)
    weights = _normal_pdf(x_train, shift, TEST_STD) / _normal_pdf(x_train, 0.0, 1.0)
    design = np.column_stack([np.ones(n), x_train])
    plain = np.linalg.lstsq(design, y_train, rcond=None)[0]
    root_w = np.sqrt(weights)
    weighted = np.linalg.lstsq(design * root_w[:, None], y_train * root_w, rcond=None)[0]

    def test_mse(coef: np.ndarray) -> float:
        return float(np.mean((coef[0] + coef[1] * x_test - y_test) ** 2))

    mse_plain, mse_weighted = test_mse(plain), test_mse(weighted)
    ess = float(weights.sum() ** 2 / (weights**2).sum())
    grid = np.linspace(-3.0, 4.5, 91)
    explanation = (
        f"Train inputs ~ N(0, 1), test inputs ~ N({shift:g}, {TEST_STD:g}^2), same target "
        f"sin(1.5x). The ordinary least-squares line (slope {plain[1]:.3f}) has test MSE "
        f"{mse_plain:.4f}; weighting each training point by p_test(x)/p_train(x) gives slope "
        f"{weighted[1]:.3f} and test MSE {mse_weighted:.4f}. The price is variance: the "
        f"weights leave an effective sample size of {ess:.1f} out of {n}."
    )
    return DemoResult.partial(
        {
            "x_train": x_train,
            "y_train": y_train,
            "x_test": x_test,
            "y_test": y_test,
            "weights": weights,
            "coef_unweighted": plain,
            "coef_weighted": weighted,
            "test_mse_unweighted": mse_plain,
            "test_mse_weighted": mse_weighted,
            "effective_sample_size": ess,
        },
        explanation,
        {
            "x": grid,
            "target": np.sin(1.5 * grid),
            "unweighted fit": plain[0] + plain[1] * grid,
            "weighted fit": weighted[0] + weighted[1] * grid,
            "p_train": _normal_pdf(grid, 0.0, 1.0),
            "p_test": _normal_pdf(grid, shift, TEST_STD),
        },
    )
