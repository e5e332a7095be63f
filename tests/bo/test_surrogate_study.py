"""The in-loop surrogates of notebook 03 against closed forms: HMC on a linear 'network' is Bayesian linear
regression, whose posterior predictive is exact."""

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import bo, gp
from priorscope.bo.surrogate_study import NeuralSizes, ensemble_surrogate, hmc_surrogate, surrogate_study


def test_hmc_surrogate_with_no_hidden_layer_is_bayesian_linear_regression():
    # depth 0: f(x) = w x + c with w, c ~ N(0, 1) and y ~ N(f, noise): the conjugate posterior is exact.
    X = jnp.linspace(0.0, 1.0, 21)[:, None]
    idx = jnp.array([2, 9, 15, 20, 0, 0])
    valid = jnp.arange(6) < 4
    y = jnp.array([0.3, -0.1, 0.4, 0.9, 0.0, 0.0])
    noise = 0.05
    sizes = NeuralSizes(width=1, depth=0, num_chains=4, num_warmup=300, num_samples=1500, num_leapfrog=8)
    mean, std = jax.jit(lambda k: hmc_surrogate(k, X[idx], y, valid, X, sizes, noise_var=noise))(jax.random.key(0))
    Phi = np.c_[np.asarray(X[idx][:4, 0]), np.ones(4)]
    cov = np.linalg.inv(Phi.T @ Phi / noise + np.eye(2))
    m = cov @ Phi.T @ np.asarray(y[:4]) / noise
    G = np.c_[np.asarray(X[:, 0]), np.ones(21)]
    exact_mean, exact_sd = G @ m, np.sqrt(np.einsum("ij,jk,ik->i", G, cov, G))
    # MCMC error: 4 x 1500 correlated draws, ~1-2 % of a posterior sd
    np.testing.assert_allclose(np.asarray(mean), exact_mean, atol=0.1 * exact_sd.min())
    np.testing.assert_allclose(np.asarray(std), exact_sd, rtol=0.1)


def test_ensemble_fits_its_data_and_spreads_away_from_it():
    X = jnp.linspace(0.0, 1.0, 41)[:, None]
    idx = jnp.array([5, 20, 35, 0])
    valid = jnp.arange(4) < 3
    y = jnp.array([0.5, -0.5, 0.8, 0.0])
    mean, std = ensemble_surrogate(jax.random.key(1), X[idx], y, valid, X, NeuralSizes(train_steps=600))
    np.testing.assert_allclose(np.asarray(mean)[[5, 20, 35]], np.asarray(y[:3]), atol=0.1)
    assert float(np.asarray(std)[[5, 20, 35]].max()) < float(np.asarray(std).max())


def test_gp_surrogate_loop_matches_the_plain_bo_loop():
    # With a GP the study's loop and bo.run make the same choices from the same initial design.
    problem = bo.forrester(32)
    kern = gp.Matern52(0.2, 1.0)
    ours = surrogate_study(
        jax.random.key(3),
        problem.X,
        problem.f[None],
        "gp",
        kernel=kern,
        num_seeds=3,
        num_init=3,
        num_steps=5,
        noise_var=1e-2,
    )[0]
    keys = jax.random.split(jax.random.key(3), 3)
    ref = jax.vmap(lambda k: bo.run(k, problem, kern, 1e-2, num_init=3, num_steps=5)[1].simple_regret)(keys)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(ref), atol=1e-12)
