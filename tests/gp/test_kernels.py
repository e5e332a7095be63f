"""Kernels vs scikit-learn and closed forms; NNGP kernels vs Monte Carlo of random networks."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.gaussian_process import kernels as skk

from priorscope import gp

RNG = np.random.default_rng(0)
X1 = RNG.uniform(-2, 2, (7, 2))
X2 = RNG.uniform(-2, 2, (5, 2))

PAIRS = [
    (gp.RBF(0.7, 1.3), skk.ConstantKernel(1.3) * skk.RBF(0.7)),
    (gp.RBF(np.array([0.5, 1.5]), 0.8), skk.ConstantKernel(0.8) * skk.RBF([0.5, 1.5])),
    (gp.Matern12(0.7, 1.3), skk.ConstantKernel(1.3) * skk.Matern(0.7, nu=0.5)),
    (gp.Matern32(0.7, 1.3), skk.ConstantKernel(1.3) * skk.Matern(0.7, nu=1.5)),
    (gp.Matern52(np.array([0.4, 0.9]), 2.0), skk.ConstantKernel(2.0) * skk.Matern([0.4, 0.9], nu=2.5)),
]


@pytest.mark.parametrize("ours,ref", PAIRS, ids=lambda p: type(p).__name__)
def test_stationary_matches_sklearn(ours, ref):
    np.testing.assert_allclose(ours(X1, X2), ref(X1, X2), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ours.diag(X1), np.diag(ref(X1)), rtol=1e-12)


def test_periodic_matches_sklearn_1d():
    x1, x2 = X1[:, :1], X2[:, :1]
    ref = skk.ConstantKernel(1.3) * skk.ExpSineSquared(0.9, 1.7)
    np.testing.assert_allclose(gp.Periodic(0.9, 1.3, 1.7)(x1, x2), ref(x1, x2), rtol=1e-12)


def test_spectral_mixture_closed_form_and_psd():
    w, mu, ell = np.array([1.0, 0.5]), np.array([0.5, 2.0]), np.array([1.0, 0.3])
    k = gp.SpectralMixture(jnp.array(w), jnp.array(mu), jnp.array(ell))
    x = np.linspace(-1, 1, 40)
    tau = x[:, None] - x[None, :]
    ref = sum(w[q] * np.exp(-(tau**2) / (2 * ell[q] ** 2)) * np.cos(2 * np.pi * mu[q] * tau) for q in range(2))
    K = np.asarray(k(x))
    np.testing.assert_allclose(K, ref, rtol=1e-12, atol=1e-14)
    assert np.linalg.eigvalsh(K).min() > -1e-10


def test_sum_product_and_pytree_under_jit():
    k = gp.RBF(0.5) + gp.Periodic(1.0, 1.0, 2.0) * gp.Matern32(1.5, 0.7)
    ref = gp.RBF(0.5)(X1) + gp.Periodic(1.0, 1.0, 2.0)(X1) * gp.Matern32(1.5, 0.7)(X1)
    np.testing.assert_allclose(jax.jit(lambda kk: kk(X1))(k), ref, rtol=1e-12)
    leaves, treedef = jax.tree_util.tree_flatten(k)
    assert len(leaves) == 7  # RBF (2) + Periodic (3) + Matern32 (2)
    k2 = jax.tree_util.tree_unflatten(treedef, [2 * v for v in leaves])
    assert isinstance(k2, gp.Sum) and float(k2.k1.lengthscale) == 1.0


def test_lengthscale_is_traced_not_static():
    traces = []

    @jax.jit
    def f(ell):
        traces.append(1)
        return gp.RBF(ell)(X1).sum()

    f(0.5), f(0.7), f(1.1)
    assert len(traces) == 1


def test_kernels_are_frozen():
    k = gp.RBF(1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        k.lengthscale = 2.0


def _arccos_ref(x1, x2, sw, sb, depth):
    d = len(x1)
    k11, k22, k12 = sb + sw * x1 @ x1 / d, sb + sw * x2 @ x2 / d, sb + sw * x1 @ x2 / d
    for _ in range(depth):
        th = np.arccos(np.clip(k12 / np.sqrt(k11 * k22), -1, 1))
        k12 = sb + sw / (2 * np.pi) * np.sqrt(k11 * k22) * (np.sin(th) + (np.pi - th) * np.cos(th))
        k11, k22 = sb + sw * k11 / 2, sb + sw * k22 / 2
    return k12


def test_arccos_depth1_vs_monte_carlo_hidden_units():
    """Depth 1: K = σ_b² + σ_w² E[relu(h(x)) relu(h(x'))] exactly; average over 400k i.i.d. hidden units."""
    x1, x2 = np.array([0.3, -1.2, 0.8]), np.array([1.0, 0.4, -0.5])
    sw, sb = 1.7, 0.3
    k = gp.ArcCosine(sw, sb, depth=1)
    rng = np.random.default_rng(1)
    W = rng.standard_normal((400_000, 3))
    b = rng.standard_normal(400_000)
    h1 = np.sqrt(sw) * W @ x1 / np.sqrt(3) + np.sqrt(sb) * b
    h2 = np.sqrt(sw) * W @ x2 / np.sqrt(3) + np.sqrt(sb) * b
    prod = sb + sw * np.maximum(h1, 0) * np.maximum(h2, 0)
    mc, se = prod.mean(), prod.std() / np.sqrt(prod.size)
    assert abs(float(k.evaluate(jnp.array(x1), jnp.array(x2))) - mc) < 3 * se
    # and the recursion against an independent NumPy transcription
    np.testing.assert_allclose(k.evaluate(jnp.array(x1), jnp.array(x2)), _arccos_ref(x1, x2, sw, sb, 1))


def test_arccos_depth2_vs_monte_carlo_of_layer_recursion():
    """Depth 2: layer-1 pre-activations are jointly Gaussian with covariance K^0 (exact for the first layer);
    in the wide limit layer-2 pre-activations are Gaussian with covariance σ_b² + σ_w² E[relu relu]. Monte
    Carlo both expectations with 10^6 Gaussian draws and compare with the closed-form recursion."""
    X = np.array([[0.3, -1.2, 0.8], [1.0, 0.4, -0.5], [-0.7, 0.2, 0.1]])
    sw, sb, m = 2.0, 0.1, 1_000_000
    rng = np.random.default_rng(3)
    K0 = sb + sw * X @ X.T / 3
    H = rng.multivariate_normal(np.zeros(3), K0, size=m)
    K1 = sb + sw * np.maximum(H, 0).T @ np.maximum(H, 0) / m
    H2 = rng.multivariate_normal(np.zeros(3), K1, size=m)
    R = np.maximum(H2, 0)
    prods = sb + sw * R[:, :, None] * R[:, None, :]
    emp, se = prods.mean(0), prods.std(0) / np.sqrt(m)
    K = np.asarray(gp.ArcCosine(sw, sb, depth=2)(X))
    K_ref = np.array([[_arccos_ref(X[i], X[j], sw, sb, 2) for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(K, K_ref, rtol=1e-10)
    # 3 SE of the second stage plus the first stage's relative MC error (~1e-3)
    assert np.all(np.abs(emp - K) < 3 * se + 5e-3 * np.abs(K))


def test_erf_vs_monte_carlo_hidden_units():
    from scipy.special import erf

    x1, x2 = np.array([0.9, -0.4]), np.array([0.2, 1.1])
    sw, sb = 1.5, 0.2
    rng = np.random.default_rng(2)
    W, b = rng.standard_normal((400_000, 2)), rng.standard_normal(400_000)
    h1 = np.sqrt(sw) * W @ x1 / np.sqrt(2) + np.sqrt(sb) * b
    h2 = np.sqrt(sw) * W @ x2 / np.sqrt(2) + np.sqrt(sb) * b
    prod = sb + sw * erf(h1) * erf(h2)
    mc, se = prod.mean(), prod.std() / np.sqrt(prod.size)
    val = float(gp.ErfNNGP(sw, sb, depth=1).evaluate(jnp.array(x1), jnp.array(x2)))
    assert abs(val - mc) < 3 * se


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: gp.RBF(-1.0), "lengthscale must be > 0"),
        (lambda: gp.Matern32(1.0, 0.0), "variance must be finite and > 0"),
        (lambda: gp.Periodic(1.0, 1.0, -2.0), "period must be finite and > 0"),
        (lambda: gp.RBF(float("nan")), r"lengthscale must be > 0 \(inf allowed, not NaN\), got nan"),
        (lambda: gp.RBF(0.0), "lengthscale must be > 0"),
        (lambda: gp.ArcCosine(depth=0), "depth must be an int >= 1"),
        (lambda: gp.SpectralMixture(jnp.array([-1.0]), jnp.array([1.0]), jnp.array([1.0])), "weights"),
    ],
)
def test_bad_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_inputs():
    with pytest.raises(ValueError, match="same input dimension"):
        gp.RBF()(X1, X2[:, :1])
    with pytest.raises(ValueError, match="X1 must contain at least one point"):
        gp.RBF()(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="X1 must be finite"):
        gp.RBF()(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="can only add a Kernel"):
        gp.RBF() + 1.0
