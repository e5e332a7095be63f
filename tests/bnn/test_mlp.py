"""Functional MLPs (bnn/mlp.py): the prior against the NNGP kernels, the log prior against SciPy, shapes."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from priorscope import bnn, gp


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


@pytest.mark.parametrize(
    ("activation", "kernel"),
    [("relu", gp.ArcCosine(2.0, 0.1, depth=2)), ("erf", gp.ErfNNGP(1.5, 0.2, depth=2))],
)
def test_wide_network_covariance_matches_nngp(activation, kernel):
    """Empirical covariance of wide random nets vs the NNGP kernel, within 5 Monte Carlo standard errors."""
    x = jnp.linspace(-1.0, 1.0, 3)
    S = 1500
    f = np.asarray(
        bnn.sample_functions(
            jax.random.key(1),
            x,
            (1, 256, 256, 1),
            S,
            kernel.weight_variance,
            kernel.bias_variance,
            activation,
            batch_size=250,
        )
    )
    K = np.asarray(kernel(x))
    emp = f.T @ f / S  # zero-mean prior: second moments
    se = np.sqrt((np.diag(K)[:, None] * np.diag(K)[None, :] + K**2) / S)  # Gaussian sd of a second moment
    assert np.all(np.abs(emp - K) < 5 * se + 0.02 * np.abs(K)), np.max(np.abs(emp - K) / se)  # 2 %: finite width
    # a wrong depth would be far off: the check can fail
    K1 = np.asarray(type(kernel)(kernel.weight_variance, kernel.bias_variance, depth=1)(x))
    assert np.max(np.abs(K1 - K) / se) > 10


def test_log_prior_matches_scipy():
    sizes = (2, 5, 3, 1)
    params = bnn.init_mlp(jax.random.key(0), sizes, jnp.array([1.0, 2.0, 0.5]), 0.3)
    ref = 0.0
    for W, b, sw in zip([p[0] for p in params], [p[1] for p in params], [1.0, 2.0, 0.5], strict=True):
        ref += stats.norm.logpdf(np.asarray(W), 0, np.sqrt(sw / W.shape[1])).sum()
        ref += stats.norm.logpdf(np.asarray(b), 0, np.sqrt(0.3)).sum()
    ours = float(bnn.log_prior(params, jnp.array([1.0, 2.0, 0.5]), 0.3))
    assert ours == pytest.approx(ref, rel=1e-12)


def test_flatten_roundtrip_and_shapes():
    params = bnn.init_mlp(jax.random.key(0), (3, 7, 1), 1.0, 1.0)
    theta, unflatten = bnn.flatten(params)
    assert theta.shape == (3 * 7 + 7 + 7 + 1,)
    x = jnp.ones((5, 3))
    np.testing.assert_array_equal(bnn.mlp_apply(unflatten(theta), x), bnn.mlp_apply(params, x))
    assert bnn.mlp_apply(params, x, "tanh").shape == (5, 1)


def test_scale_mixture_marginal_is_student_t():
    """σ² ~ IG(a, b) on the last layer: at one input the law is t_{2a}(0, sqrt((b/a) K_xx)) (KS, 20k draws)."""
    a, b = 1.5, 1.5
    x = jnp.array([0.7])
    f = np.asarray(
        bnn.sample_scale_mixture_functions(jax.random.key(3), x, (1, 64, 1), 20_000, a, b, 2.0, 0.1, batch_size=5000)
    )[:, 0]
    kxx = float(gp.ArcCosine(2.0, 0.1, depth=1)(x)[0, 0])
    ks_t = stats.kstest(f, stats.t(2 * a, 0, np.sqrt(b / a * kxx)).cdf).statistic
    var = b / a * kxx * 2 * a / (2 * a - 2)
    ks_n = stats.kstest(f, stats.norm(0, np.sqrt(var)).cdf).statistic
    assert ks_t < 0.025 < 0.05 < ks_n
