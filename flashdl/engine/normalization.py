"""Normalization demos: BatchNorm's two modes and running statistics, and LayerNorm's axis.

The BatchNorm demo follows ``torch.nn.BatchNorm1d`` exactly: the batch is
normalized with the biased variance, the running variance is updated with
the unbiased one, running = (1 - momentum) * running + momentum * batch, and
the running statistics start at 0 and 1. gamma and beta are the layer's
affine parameters, held fixed here (nothing is being trained).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.engine.params import float_param, int_param
from flashdl.engine.registry import Plot, demo
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:  # pragma: no cover
    from numpy.random import Generator


@demo(
    "batchnorm",
    "BatchNorm: batch statistics in training, running statistics at test time",
    ["batchnorm", "normalization"],
    [
        int_param("batch", 16, 2, 256, 4, "samples per batch"),
        int_param("features", 4, 1, 64, 1, "features (BatchNorm1d channels)"),
        float_param("momentum", 0.1, 0.0, 1.0, 0.05, "weight of the new batch in running stats"),
        float_param("eps", 1e-5, 1e-8, 1.0, 10.0, "added to the variance", log_step=True),
        int_param("steps", 20, 1, 200, 5, "training batches seen"),
        float_param("gamma", 1.0, -5.0, 5.0, 0.1, "scale (same for every feature)"),
        float_param("beta", 0.0, -5.0, 5.0, 0.1, "shift (same for every feature)"),
    ],
    tables=("batch_mean", "batch_var", "running_mean", "running_var", "true_mean", "true_var"),
    plots=(
        Plot("running mean of feature 0", y=("running mean[0]", "true mean[0]")),
        Plot("running var of feature 0", y=("running var[0]", "true var[0]")),
    ),
)
def batchnorm_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Feed `steps` batches through BatchNorm1d in training mode, then evaluate the last one.

    Each feature is drawn from its own normal distribution, so the running
    estimates visibly move from (0, 1) toward that feature's true mean and
    variance, at a speed set by momentum.
    """
    import numpy as np

    batch, features, steps = params["batch"], params["features"], params["steps"]
    momentum, eps = params["momentum"], params["eps"]
    gamma, beta = params["gamma"], params["beta"]
    true_mean = rng.uniform(-3.0, 3.0, size=features)
    true_std = rng.uniform(0.5, 3.0, size=features)
    running_mean = np.zeros(features)
    running_var = np.ones(features)
    hist_mean, hist_var = np.empty(steps), np.empty(steps)
    for step in range(steps):
        x = true_mean + true_std * rng.standard_normal((batch, features))
        batch_mean = x.mean(axis=0)
        batch_var = x.var(axis=0)  # biased: used to normalize
        unbiased = batch_var * batch / (batch - 1)  # used for the running estimate
        running_mean = (1.0 - momentum) * running_mean + momentum * batch_mean
        running_var = (1.0 - momentum) * running_var + momentum * unbiased
        hist_mean[step], hist_var[step] = running_mean[0], running_var[0]
    output = gamma * (x - batch_mean) / np.sqrt(batch_var + eps) + beta
    output_eval = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    gap = float(np.abs(output - output_eval).max())
    explanation = (
        f"After {steps} batches of {batch}, feature 0's running mean is {running_mean[0]:.3f} "
        f"(true {true_mean[0]:.3f}) and its running variance {running_var[0]:.3f} (true "
        f"{true_std[0] ** 2:.3f}); they started at 0 and 1 and each step moves them "
        f"{momentum:g} of the way to the batch's statistics (unbiased variance, factor "
        f"{batch}/{batch - 1}). In training the last batch is normalized with its own mean "
        f"{batch_mean[0]:.3f} and biased variance {batch_var[0]:.3f}, giving per-feature mean "
        f"{beta:g} and std {abs(gamma):g}; in eval mode the running statistics are used "
        f"instead, and the two outputs differ by up to {gap:.3f}."
    )
    return DemoResult.partial(
        {
            "x": x,
            "batch_mean": batch_mean,
            "batch_var": batch_var,
            "output": output,
            "running_mean": running_mean,
            "running_var": running_var,
            "output_eval": output_eval,
            "true_mean": true_mean,
            "true_var": true_std**2,
        },
        explanation,
        {
            "running mean[0]": hist_mean,
            "true mean[0]": np.full(steps, true_mean[0]),
            "running var[0]": hist_var,
            "true var[0]": np.full(steps, true_std[0] ** 2),
        },
    )


@demo(
    "layernorm_vs_batchnorm",
    "LayerNorm vs BatchNorm: which axis is normalized",
    ["batchnorm", "layernorm", "normalization"],
    [
        int_param("batch", 4, 1, 64, 1, "samples (rows)"),
        int_param("features", 6, 2, 64, 1, "features (columns)"),
    ],
    tables=("x", "bn_output", "ln_output"),
)
def layernorm_vs_batchnorm_demo(rng: Generator, params: dict[str, Any]) -> DemoResult:
    """Normalize the same matrix per feature over the batch (BN) and per sample over features (LN).

    LayerNorm's output for one sample never depends on the other samples, so
    it behaves the same at batch size 1 and in training and test mode;
    BatchNorm needs a batch (a lone sample normalizes to all zeros).
    """
    import numpy as np

    batch, features = params["batch"], params["features"]
    eps = 1e-5
    offsets = rng.uniform(-2.0, 2.0, size=features)
    scales = rng.uniform(0.5, 2.0, size=(batch, 1))
    x = offsets + scales * rng.standard_normal((batch, features))
    bn = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    ln = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps)
    first = x[:1]
    bn_alone = (first - first.mean(axis=0)) / np.sqrt(first.var(axis=0) + eps)
    ln_alone = (first - first.mean(axis=1, keepdims=True)) / np.sqrt(
        first.var(axis=1, keepdims=True) + eps
    )
    bn_cols = "n/a (one sample)" if batch == 1 else f"{np.abs(bn.mean(axis=0)).max():.1e}"
    explanation = (
        f"BatchNorm normalizes each of the {features} features (columns) over the {batch} "
        f"samples: its column means are 0 (largest |mean| {bn_cols}) and column variances "
        f"about 1. LayerNorm normalizes each of the {batch} samples (rows) over its "
        f"{features} features: row means 0 (largest |mean| {np.abs(ln.mean(axis=1)).max():.1e}). "
        f"Alone, sample 0 gets the same LayerNorm output as in the batch (max difference "
        f"{np.abs(ln_alone - ln[:1]).max():.1e}), while BatchNorm of a batch of one is all "
        f"zeros (max |value| {np.abs(bn_alone).max():.1e}): there is nothing to average over."
    )
    return DemoResult.partial(
        {
            "x": x,
            "bn_output": bn,
            "ln_output": ln,
            "bn_feature_mean": bn.mean(axis=0),
            "bn_feature_var": bn.var(axis=0),
            "ln_sample_mean": ln.mean(axis=1),
            "ln_sample_var": ln.var(axis=1),
            "bn_single": bn_alone,
            "ln_single": ln_alone,
        },
        explanation,
    )
