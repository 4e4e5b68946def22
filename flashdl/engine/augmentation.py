"""Regularizing with altered copies of the data: augmentation, and Gaussian input noise.

Both train on inputs the learner never collected. Augmentation adds label-preserving copies
(a mirrored or slightly shifted example keeps its label), so a small training set can no longer
be memorised point by point. Gaussian input noise is the same idea with random shifts; for a
linear model its expected effect is exactly an L2 (Tikhonov) penalty, which the second demo
checks against the closed form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from numpy.random import Generator

VALIDATION_POINTS = 200


def _even_target(x: np.ndarray) -> np.ndarray:
    """The function to learn: cos(3x), the same at x and -x (a known symmetry)."""
    import numpy as np

    return np.cos(3.0 * x)


@demo(
    "data_augmentation",
    "Data augmentation: label-preserving copies against overfitting",
    ["data augmentation", "overfitting", "regularization"],
    [
        int_param("n_samples", 12, 6, 60, 2, "training points collected"),
        int_param("degree", 9, 1, 15, 1, "polynomial degree (model capacity)"),
        float_param("noise", 0.2, 0.0, 1.0, 0.05, "std of the label noise"),
        int_param("copies", 4, 0, 20, 1, "jittered copies of each (mirrored) point"),
        float_param("jitter", 0.05, 0.0, 0.3, 0.01, "std of the shift of a jittered copy"),
    ],
    plots=(
        Plot(
            "fits",
            y=("target", "plain fit", "augmented fit"),
            x="x",
            scatter=(("x train", "y train"),),
        ),
    ),
)
def data_augmentation_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Fit a polynomial to a few noisy points of cos(3x), with and without augmented copies.

    The target is even, so mirroring a point (x -> -x) keeps its label: a
    label-preserving transformation, like flipping a photo of a cat. Each point
    and its mirror image also get `copies` slightly shifted copies (small
    jitter, label kept). The same model fitted to the enlarged set cannot bend
    through every original point any more, and its validation error on fresh
    points drops.
    """
    import numpy as np
    from numpy.polynomial import legendre

    n, degree, noise = params["n_samples"], params["degree"], params["noise"]
    copies, jitter = params["copies"], params["jitter"]
    x = rng.uniform(-1.0, 1.0, n)
    y = _even_target(x) + noise * rng.standard_normal(n)
    x_val = rng.uniform(-1.0, 1.0, VALIDATION_POINTS)
    y_val = _even_target(x_val) + noise * rng.standard_normal(VALIDATION_POINTS)
    mirrored_x, mirrored_y = np.concatenate([x, -x]), np.concatenate([y, y])
    shifted = [
        np.clip(mirrored_x + jitter * rng.standard_normal(2 * n), -1.0, 1.0) for _ in range(copies)
    ]
    x_aug = np.concatenate([mirrored_x, *shifted])
    y_aug = np.tile(mirrored_y, copies + 1)

    def fit(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        return np.linalg.lstsq(legendre.legvander(xs, degree), ys, rcond=None)[0]

    def mse(coef: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> float:
        return float(np.mean((legendre.legval(xs, coef) - ys) ** 2))

    plain, augmented = fit(x, y), fit(x_aug, y_aug)
    val_plain, val_aug = mse(plain, x_val, y_val), mse(augmented, x_val, y_val)
    train_plain, train_aug = mse(plain, x, y), mse(augmented, x, y)
    grid = np.linspace(-1.0, 1.0, 101)
    explanation = (
        f"{n} noisy points of cos(3x), polynomial of degree {degree}. Fitted to them alone, the "
        f"training error is {train_plain:.3g} and the validation error on {VALIDATION_POINTS} "
        f"fresh points {val_plain:.3g}: it bends through the points. Augmented with each "
        f"point's mirror image (cos(3x) is even, so the label survives) and {copies} jittered "
        f"copies of each, {x_aug.size} examples in all, the same model's training error on the "
        f"original points is {train_aug:.3g} and its validation error {val_aug:.3g}. The noise "
        f"floor is noise^2 = {noise**2:.3g}. The copies add no new information about the labels, "
        "only the symmetry and smoothness the task is known to have."
    )
    return DemoResult.partial(
        {
            "x_train": x,
            "y_train": y,
            "x_augmented": x_aug,
            "y_augmented": y_aug,
            "x_val": x_val,
            "y_val": y_val,
            "coef_plain": plain,
            "coef_augmented": augmented,
            "train_mse_plain": train_plain,
            "train_mse_augmented": train_aug,
            "val_mse_plain": val_plain,
            "val_mse_augmented": val_aug,
        },
        explanation,
        {
            "x": grid,
            "target": _even_target(grid),
            "plain fit": np.clip(legendre.legval(grid, plain), -3.0, 3.0),
            "augmented fit": np.clip(legendre.legval(grid, augmented), -3.0, 3.0),
            "x train": x,
            "y train": y,
        },
    )


def tikhonov_weights(X: np.ndarray, y: np.ndarray, sigma: float) -> np.ndarray:
    """argmin_w ||y - Xw||^2 / (2n) + sigma^2/2 ||w||^2: ridge with lambda = sigma^2."""
    import numpy as np

    n, d = X.shape
    return np.linalg.solve(X.T @ X / n + sigma**2 * np.eye(d), X.T @ y / n)


@demo(
    "noise_injection",
    "Input noise = Tikhonov (L2) for a linear model",
    ["noise", "tikhonov", "l2", "regularization", "robustness"],
    [
        float_param("sigma", 0.5, 0.0, 2.0, 0.1, "std of the Gaussian noise added to inputs"),
        int_param("copies", 200, 1, 1000, 50, "noisy copies of the training set"),
        int_param("n_samples", 40, 10, 200, 10, "training points"),
        int_param("n_features", 5, 1, 10, 1, "inputs of the linear model"),
    ],
    tables=("w_ols", "w_noisy", "w_tikhonov"),
    plots=(Plot("distance to the Tikhonov solution vs copies", y=("distance",), log_y=True),),
)
def noise_injection_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Fit a linear model by least squares to many noisy copies of its inputs.

    For f(x) = w^T x, E_eps (y - w^T (x + eps))^2 = (y - w^T x)^2 + sigma^2 ||w||^2
    when eps ~ N(0, sigma^2 I): the cross term has mean 0. So training on
    noisy inputs minimizes, in expectation, the squared error plus an L2
    penalty with lambda = sigma^2 (Bishop 1995). With finitely many copies the
    fit approaches that closed form. For a nonlinear model the penalty is on
    the input derivatives instead, and equals weight decay only to first order.
    """
    import numpy as np

    sigma, copies = params["sigma"], params["copies"]
    n, d = params["n_samples"], params["n_features"]
    X = rng.standard_normal((n, d))
    w_true = rng.uniform(-2.0, 2.0, d)
    y = X @ w_true + 0.3 * rng.standard_normal(n)
    noisy = X[None, :, :] + sigma * rng.standard_normal((copies, n, d))
    # Least squares over all copies at once, and over each growing prefix of them.
    gram_k = np.cumsum(np.einsum("kni,knj->kij", noisy, noisy), axis=0)
    rhs_k = np.cumsum(np.einsum("kni,n->ki", noisy, y), axis=0)
    w_k = np.linalg.solve(gram_k, rhs_k[:, :, None])[:, :, 0]
    w_noisy = w_k[-1]
    w_ols = np.linalg.lstsq(X, y, rcond=None)[0]
    w_tik = tikhonov_weights(X, y, sigma)
    distance = np.linalg.norm(w_k - w_tik, axis=1)
    gap_ols = float(np.linalg.norm(w_ols - w_tik))
    explanation = (
        f"A linear model on {n} points with {d} inputs, trained by least squares on {copies} "
        f"copies of the data whose inputs carry Gaussian noise of std {sigma:g}. Its weights "
        f"end {distance[-1]:.3g} away from the closed-form Tikhonov (ridge) solution with "
        f"lambda = sigma^2 = {sigma**2:.3g}, while plain least squares is {gap_ols:.3g} away: "
        f"||w|| is {np.linalg.norm(w_noisy):.3f} with noise, {np.linalg.norm(w_tik):.3f} for "
        f"ridge and {np.linalg.norm(w_ols):.3f} without. The gap shrinks as more copies are "
        "used (about 1/sqrt(copies)). For a linear model input noise is L2 weight decay; for a "
        "nonlinear one it penalizes the input derivatives instead."
    )
    return DemoResult.partial(
        {
            "X": X,
            "y": y,
            "w_ols": w_ols,
            "w_noisy": w_noisy,
            "w_tikhonov": w_tik,
            "distance_noisy": float(distance[-1]),
            "distance_ols": gap_ols,
        },
        explanation,
        {"distance": distance},
    )
