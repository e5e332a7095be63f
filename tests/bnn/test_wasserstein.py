"""Function-space distances (bnn/wasserstein.py): Bures-W2 vs SciPy's sqrtm formula, the critic's W1 on 1-D
Gaussians, and prior matching lowering the distance."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import linalg

from priorscope import gp
from priorscope.bnn.mlp import sample_functions
from priorscope.bnn.wasserstein import critic_w1, fit_prior_wasserstein, gaussian_w2


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def _scipy_w2(m1, S1, m2, S2):
    r = linalg.sqrtm(S2)
    cross = np.real(linalg.sqrtm(r @ S1 @ r))
    return np.sqrt(np.sum((m1 - m2) ** 2) + np.trace(S1) + np.trace(S2) - 2 * np.trace(cross))


def test_bures_matches_scipy_sqrtm():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    S1, S2 = A @ A.T + 0.1 * np.eye(5), B @ B.T + 0.1 * np.eye(5)
    m1, m2 = rng.normal(size=5), rng.normal(size=5)
    assert float(gaussian_w2(m1, S1, m2, S2)) == pytest.approx(_scipy_w2(m1, S1, m2, S2), rel=1e-8)
    assert float(gaussian_w2(m1, S1, m1, S1)) == pytest.approx(0.0, abs=1e-6)
    # 1-D closed form: W2² = (m1 − m2)² + (s1 − s2)²
    w = float(gaussian_w2(np.array([1.0]), np.array([[4.0]]), np.array([-1.0]), np.array([[1.0]])))
    assert w == pytest.approx(np.sqrt(4.0 + 1.0), rel=1e-10)


def test_critic_w1_on_shifted_gaussians():
    """W1 between N(0, 1) and N(1.5, 1) is 1.5; the dual estimate must land within 15 %."""
    k1, k2, k3 = jax.random.split(jax.random.key(0), 3)
    p = jax.random.normal(k1, (1000, 1))
    q = 1.5 + jax.random.normal(k2, (1000, 1))
    est = float(critic_w1(k3, q, p, num_steps=400, hidden=32, learning_rate=3e-3))
    assert est == pytest.approx(1.5, rel=0.15)


def test_prior_matching_lowers_bures_distance():
    """A tiny run of the fit: the held-out Bures-W2 to the GP must fall by half from the N(0, 1) weight prior."""
    sizes = (1, 16, 1)
    xm, xh = jnp.linspace(-4, 4, 12), jnp.linspace(-3.8, 3.8, 10)
    k = gp.RBF(1.0, 1.0)
    L = jnp.linalg.cholesky(k(xm) + 1e-6 * jnp.eye(12))
    sw0, sb0 = jnp.array([1.0, 16.0]), jnp.ones(2)
    fit = fit_prior_wasserstein(jax.random.key(0), L, xm, sizes, sw0, sb0, num_outer=60, num_samples=64, num_critic=5)

    def bures(sw, sb):
        f = sample_functions(jax.random.key(1), xh, sizes, 2000, sw, sb, "tanh")
        return float(gaussian_w2(f.mean(0), jnp.cov(f.T), jnp.zeros(10), k(xh)))

    assert bures(fit.weight_variance, fit.bias_variance) < 0.5 * bures(sw0, sb0)
