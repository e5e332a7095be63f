"""SG-MCMC through blackjax (bnn/sgmcmc.py) against a conjugate Gaussian posterior."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.bnn.sgmcmc import sgmcmc_sample


@pytest.mark.parametrize(("method", "step_size"), [("sghmc", 0.005), ("sgld", 1e-3)])
def test_linear_gaussian_posterior(method, step_size):
    """θ ~ N(0, I), y = Xθ + N(0, 0.5²): draws match the closed-form mean (0.5 sd) and sd (25 %)."""
    with jax.enable_x64(True):
        k1, k2 = jax.random.split(jax.random.key(0))
        X = jax.random.normal(k1, (100, 2))
        y = X @ jnp.array([1.0, -0.5]) + 0.5 * jax.random.normal(k2, (100,))
        cov = np.linalg.inv(np.eye(2) + np.asarray(X.T @ X) / 0.25)
        mean = cov @ np.asarray(X.T @ y) / 0.25
        draws = np.asarray(
            sgmcmc_sample(
                jax.random.key(1),
                lambda t: -0.5 * jnp.sum(t**2),
                lambda t, d: -0.5 * ((d[1] - d[0] @ t) / 0.5) ** 2,
                jnp.zeros(2),
                (X, y),
                step_size=step_size,
                num_samples=3000,
                num_burnin=300,
                method=method,
                batch_size=None,
            )
        )
    sd = np.sqrt(np.diag(cov))
    assert draws.shape == (3000, 2)
    assert np.all(np.abs(draws.mean(0) - mean) < 0.5 * sd)
    assert np.all(np.abs(draws.std(0) / sd - 1) < 0.25)
