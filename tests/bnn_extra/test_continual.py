"""Sequential conjugate updates against the batch posterior; prototypes against a direct computation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.bnn import continual as C


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def _tasks(key, sizes, d):
    out = []
    for i, n in enumerate(sizes):
        k1, k2 = jax.random.split(jax.random.fold_in(key, i))
        phi = jax.random.normal(k1, (n, d))
        out.append((phi, phi @ jnp.arange(1.0, d + 1) + 0.3 * jax.random.normal(k2, (n,))))
    return out


def test_sequential_equals_batch_to_1e8():
    d = 4
    a = jax.random.normal(jax.random.key(3), (d, d))
    prior = C.GaussianPosterior(jnp.linspace(-1, 1, d), a @ a.T + 0.5 * jnp.eye(d))
    tasks = _tasks(jax.random.key(0), (3, 10, 1, 25), d)
    seq = C.blr_sequential_posteriors(prior, tasks, 0.3)
    for t in range(len(tasks)):
        phi = jnp.concatenate([f for f, _ in tasks[: t + 1]])
        y = jnp.concatenate([v for _, v in tasks[: t + 1]])
        batch = C.blr_batch_posterior(prior, phi, y, 0.3)
        np.testing.assert_allclose(seq[t].mean, batch.mean, atol=1e-8, rtol=0)
        np.testing.assert_allclose(seq[t].cov, batch.cov, atol=1e-8, rtol=0)


def test_batch_posterior_matches_numpy_gaussian_conditioning():
    d = 3
    prior = C.GaussianPosterior(jnp.ones(d), 2.0 * jnp.eye(d))
    ((phi, y),) = _tasks(jax.random.key(1), (7,), d)
    post = C.blr_batch_posterior(prior, phi, y, 0.5)
    # joint Gaussian of (w, y) conditioned on y, in NumPy
    s0, m0, p, yy = (np.asarray(v) for v in (prior.cov, prior.mean, phi, y))
    syy = p @ s0 @ p.T + 0.25 * np.eye(7)
    swy = s0 @ p.T
    np.testing.assert_allclose(post.mean, m0 + swy @ np.linalg.solve(syy, yy - p @ m0), atol=1e-10)
    np.testing.assert_allclose(post.cov, s0 - swy @ np.linalg.solve(syy, swy.T), atol=1e-10)


def test_forgetting_curve_last_row_is_the_batch_posterior():
    fc = C.forgetting_curve(jax.random.key(0), 2, 3, 8, 1.0, 0.2, 3.0)
    phi = C.polynomial_features(fc.x.reshape(-1) / jnp.pi - 1.0, 2)
    post = C.blr_batch_posterior(C.GaussianPosterior(jnp.zeros(3), 9.0 * jnp.eye(3)), phi, fc.y.reshape(-1), 0.2)
    g = C.polynomial_features(fc.x_grid / jnp.pi - 1.0, 2)
    np.testing.assert_allclose(fc.mean[-1], g @ post.mean, atol=1e-8)


def test_prototypes_sequential_equal_batch_and_predict_the_nearest_centre():
    x, blob, centres = C.blob_tasks(jax.random.key(0), 40, blob_std=0.3)
    state = C.prototype_init(10, 2, 10.0)
    for c in range(10):
        state = C.prototype_update(state, x[c], blob[c], 0.3)
    batch = C.prototype_update(C.prototype_init(10, 2, 10.0), x.reshape(-1, 2), blob.reshape(-1), 0.3)
    np.testing.assert_allclose(state.eta, batch.eta, atol=1e-10)
    mean = state.eta / state.precision[:, None]
    # conjugate normal mean with known variance: precision-weighted average of prior mean 0 and the sample mean
    n, s2, t2 = 40, 0.09, 100.0
    expected = (n / s2) * x.mean(1) / (n / s2 + 1 / t2)
    np.testing.assert_allclose(mean, expected, atol=1e-10)
    logp = C.prototype_predict(state, centres, 0.3)
    np.testing.assert_array_equal(jnp.argmax(logp, 1), jnp.arange(10))


def test_mlp_shapes_and_gaussian_density():
    p = C.mlp_num_params(2, 5)
    assert p == 21
    assert C.mlp_logits(jnp.zeros(p), jnp.ones((4, 2)), 5).shape == (4,)
    draws = jax.random.normal(jax.random.key(0), (4000, 3)) * jnp.array([1.0, 2.0, 0.5]) + 1.0
    g = C.fit_gaussian_density(draws)
    np.testing.assert_allclose(g.mean, 1.0, atol=0.1)
    np.testing.assert_allclose(jnp.diag(g.cov), jnp.array([1.0, 4.0, 0.25]), rtol=0.1)
