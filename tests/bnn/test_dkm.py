"""Deep kernel machines (bnn/dkm.py): the ν → ∞ limit is the NNGP, and the NNGP is a feasible point."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import gp
from priorscope.bnn.dkm import dkm_objective, fit_dkm, nngp_grams

# P = 10 points with d = 12 features: the input Gram XXᵀ/d is full rank (a 1-D input would make it rank 1)
X = np.random.default_rng(0).normal(size=(10, 12))
Y = np.sin(2 * X[:, 0]) + 0.3 * np.sign(X[:, 1])


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def test_nngp_chain_matches_arccosine_kernel():
    """The output Gram 𝒦(G_L) of the chain equals gp.ArcCosine(depth=L) (an independent implementation)."""
    for depth in (1, 2, 3):
        out = nngp_grams(X, depth, 2.0, 0.1)[-1]
        ref = gp.ArcCosine(2.0, 0.1, depth=depth)(X)
        np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-12)


def test_large_nu_recovers_nngp_grams_from_a_perturbed_start():
    depth = 2
    target = nngp_grams(X, depth, 2.0, 0.1)
    start = [G + 0.3 * jnp.eye(10) for G in target[:depth]]
    fit = fit_dkm(X, Y, depth, 1e4, 0.05, bias_variance=0.1, init_grams=start, num_steps=1500, learning_rate=1e-2)
    for G, K in zip(fit.grams, target[:depth], strict=True):
        assert float(jnp.linalg.norm(G - K) / jnp.linalg.norm(K)) < 1e-2
    # the start was far: the check can fail
    assert float(jnp.linalg.norm(start[0] - target[0]) / jnp.linalg.norm(target[0])) > 5e-2


def test_moderate_nu_beats_nngp_objective():
    """Starting from the NNGP (feasible), Adam must not lose objective, and at ν = 1 the train likelihood rises."""
    depth = 2
    fit = fit_dkm(X, Y, depth, 1.0, 0.05, num_steps=300, learning_rate=1e-2)
    nngp_obj, nngp_ll = float(fit.objective[0]), float(fit.log_likelihood[0])
    assert float(fit.objective[-1]) >= nngp_obj
    assert float(fit.log_likelihood[-1]) > nngp_ll
    # at the NNGP chain all KLs vanish: objective = log-likelihood = the GP evidence with ArcCosine(depth=2)
    ev = float(gp.log_marginal_likelihood(gp.ArcCosine(2.0, 0.0, depth=depth), X, Y, 0.05))
    assert nngp_obj == pytest.approx(ev, abs=1e-6)
    assert nngp_ll == pytest.approx(ev, abs=1e-6)


def test_objective_shapes():
    G = nngp_grams(X, 1)[:1]
    obj, ll = dkm_objective([jnp.linalg.cholesky(G[0])], X, Y, 1.0, 0.1)
    assert obj.shape == ll.shape == ()
