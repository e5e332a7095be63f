"""Surrogates and problems for notebook 03: random ReLU nets vs the NNGP kernel, Branin, ensembles."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import bo, gp


def test_random_relu_nets_match_arccosine_kernel_within_monte_carlo_error():
    X = jax.random.uniform(jax.random.key(0), (5, 2), dtype=jnp.float32)
    outs = np.asarray(
        bo.relu_net_outputs(
            jax.random.key(1), X, width=128, depth=2, weight_variance=2.0, bias_variance=0.5, num_nets=3000
        ),
        dtype=float,
    )
    K = np.asarray(gp.ArcCosine(weight_variance=2.0, bias_variance=0.5, depth=2)(X.astype(jnp.float64)))
    emp = outs.T @ outs / outs.shape[0]
    # entrywise Monte Carlo SE of a second moment: sqrt(Var(f_i f_j) / N) with Var ≈ K_ii K_jj + K_ij² (Gaussian)
    se = np.sqrt((np.outer(np.diag(K), np.diag(K)) + K**2) / outs.shape[0])
    assert np.all(np.abs(emp - K) <= 4 * se + 0.02 * np.abs(K))  # 4 SE plus a 1/width finite-width allowance


def test_scaled_kernel_scales_the_gram_matrix():
    X = jnp.linspace(0, 1, 6)[:, None]
    base = gp.ArcCosine(10.0, 1.3, depth=3)
    np.testing.assert_allclose(gp.Scaled(base, 0.25)(X), 0.25 * np.asarray(base(X)), rtol=1e-12)
    with pytest.raises(ValueError, match="scale must be finite and > 0"):
        gp.Scaled(base, -1.0)


def test_branin_has_its_three_minima_at_the_known_value():
    prob = bo.branin_problem(200)
    u, v = 15 * np.asarray(prob.X[:, 0]) - 5, 15 * np.asarray(prob.X[:, 1])
    b = (v - 5.1 / (4 * np.pi**2) * u**2 + 5 / np.pi * u - 6) ** 2 + 10 * (1 - 1 / (8 * np.pi)) * np.cos(u) + 10
    assert abs(b.min() - 0.397887) < 5e-3  # Dixon and Szegő (1978)
    assert int(np.argmax(np.asarray(prob.f))) == int(np.argmin(b))
    np.testing.assert_allclose([float(prob.f.mean()), float(prob.f.std())], [0.0, 1.0], atol=1e-10)


def test_gramacy_lee_and_fixed_problem_study_shapes():
    prob = bo.gramacy_lee(50)
    assert prob.X.shape == (50, 1)
    r = bo.fixed_problem_study(
        jax.random.key(0), prob, gp.Matern52(0.1, 1.0), "ei", num_seeds=3, num_init=3, num_steps=4
    )
    assert r.shape == (3, 4) and np.all(np.diff(np.asarray(r), axis=1) <= 1e-12)
    with pytest.raises(ValueError, match="acquisition must be one of"):
        bo.fixed_problem_study(jax.random.key(0), prob, gp.RBF(), "nope", num_seeds=1, num_init=2, num_steps=1)


def test_ensemble_fits_its_training_data():
    X = jnp.linspace(0, 1, 8)[:, None]
    y = jnp.sin(4 * X[:, 0])
    params = bo.fit_ensemble(jax.random.key(0), X, y, num_members=3, width=16, depth=1, num_steps=800, bootstrap=1.0)
    mean, std = bo.ensemble_predict(params, X)
    assert mean.shape == (8,) and std.shape == (8,)
    assert float(jnp.max(jnp.abs(mean - y))) < 0.1


def test_relu_net_outputs_bad_input():
    with pytest.raises(ValueError, match="width must be >= 1"):
        bo.relu_net_outputs(
            jax.random.key(0), jnp.ones((2, 1)), width=0, depth=1, weight_variance=1.0, bias_variance=0.0, num_nets=2
        )
    with pytest.raises(ValueError, match=r"X must have shape \(n, d\)"):
        bo.relu_net_outputs(
            jax.random.key(0), jnp.ones(3), width=4, depth=1, weight_variance=1.0, bias_variance=0.0, num_nets=2
        )
