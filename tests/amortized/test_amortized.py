"""priorscope.amortized: bar distribution, priors, PFN invariances, exact GMM posterior, training, checkpoints."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from priorscope import amortized as am
from priorscope import nn

KEY = jax.random.key(0)


def _gauss_logits(borders):
    """Bucket masses of N(0, 1) on the borders, the edge buckets holding the whole tails."""
    cdf = stats.norm.cdf(np.asarray(borders, float))
    cdf[0], cdf[-1] = 0.0, 1.0
    return jnp.log(jnp.asarray(np.diff(cdf)))


def test_bar_density_integrates_to_one_and_matches_cdf():
    borders = jnp.array([-1.0, -0.3, 0.0, 0.2, 0.9, 1.5])
    logits = jax.random.normal(KEY, (5,))
    grid = jnp.linspace(-30, 30, 120_001)
    dens = jnp.exp(am.bar_log_prob(logits, borders, grid))
    assert float(jnp.trapezoid(dens, grid)) == pytest.approx(1.0, abs=1e-4)
    for y in (-2.0, -0.5, 0.1, 1.2, 3.0):
        part = float(jnp.trapezoid(jnp.where(grid <= y, dens, 0.0), grid))
        assert float(am.bar_cdf(logits, borders, y)) == pytest.approx(part, abs=2e-4)
    # mean and quantile agree with the numerical density
    assert float(am.bar_mean(logits, borders)) == pytest.approx(float(jnp.trapezoid(grid * dens, grid)), abs=1e-3)
    med = am.bar_quantile(logits, borders, 0.5)
    assert float(am.bar_cdf(logits, borders, med)) == pytest.approx(0.5, abs=1e-5)


def test_half_normal_tail_puts_half_its_mass_inside_the_edge_bucket():
    borders = jnp.array([-1.0, 0.0, 1.0, 3.0])
    logits = jnp.log(jnp.array([0.2, 0.5, 0.3]))
    # left bucket: 0.2 mass, half of it in [-1, 0]
    inside_left = float(am.bar_cdf(logits, borders, 0.0) - am.bar_cdf(logits, borders, -1.0))
    assert inside_left == pytest.approx(0.1, abs=1e-6)
    inside_right = float(am.bar_cdf(logits, borders, 3.0) - am.bar_cdf(logits, borders, 1.0))
    assert inside_right == pytest.approx(0.15, abs=1e-6)


def test_bar_nll_approaches_the_gaussian_as_buckets_get_fine():
    y = jax.random.normal(KEY, (20_000,))
    exact = float(-jnp.mean(jax.scipy.stats.norm.logpdf(y)))
    gaps = []
    for k in (8, 32, 128, 512):
        borders = jnp.asarray(stats.norm.ppf(np.linspace(0.001, 0.999, k + 1)))
        gaps.append(float(-jnp.mean(am.bar_log_prob(_gauss_logits(borders), borders, y))) - exact)
    assert all(g > -0.01 for g in gaps)  # a bar approximation cannot beat the true density (up to MC noise)
    assert gaps[-1] < 0.01 and gaps[0] > gaps[1] > gaps[2] > gaps[3] - 1e-3, gaps


def test_bar_borders_follow_quantiles():
    s = jax.random.normal(KEY, (50_000,))
    b = am.bar_borders(s, 4)
    np.testing.assert_allclose(b[1:4], stats.norm.ppf([0.25, 0.5, 0.75]), atol=0.02)


def test_pfn_is_permutation_invariant_over_context_and_queries_are_independent():
    params = am.init_pfn(KEY, num_buckets=10, d_model=16, num_heads=2, num_layers=2)
    kx, ky, kq = jax.random.split(KEY, 3)
    xc, yc = jax.random.uniform(kx, (7,)), jax.random.normal(ky, (7,))
    xq = jax.random.uniform(kq, (3,))
    out = am.pfn_logits(params, xc, yc, xq)
    perm = jnp.array([3, 0, 6, 1, 5, 2, 4])
    np.testing.assert_allclose(am.pfn_logits(params, xc[perm], yc[perm], xq), out, atol=1e-5)
    # a query's prediction does not depend on the other queries
    np.testing.assert_allclose(am.pfn_logits(params, xc, yc, xq[:1]), out[:1], atol=1e-5)
    # but it does depend on the context
    assert not np.allclose(am.pfn_logits(params, xc, yc + 1.0, xq), out, atol=1e-3)


def test_gp_exact_log_pred_matches_numpy():
    with jax.enable_x64(True):
        kx, ky = jax.random.split(KEY)
        x = np.asarray(jax.random.uniform(kx, (6,)))
        y = np.asarray(jax.random.normal(ky, (6,)))
        xq, yq = np.array([0.1, 0.5]), np.array([0.3, -0.2])
        K = lambda a, b: np.exp(-0.5 * (a[:, None] - b[None]) ** 2 / 0.25**2)  # noqa: E731
        A = K(x, x) + 0.01 * np.eye(6)
        m = K(xq, x) @ np.linalg.solve(A, y)
        v = 1.0 - np.sum(K(xq, x) * np.linalg.solve(A, K(x, xq)).T, axis=1) + 0.01
        ref = stats.norm.logpdf(yq, m, np.sqrt(v))
        got = am.gp_exact_log_pred(x, y, xq, yq, lengthscale=0.25, variance=1.0, noise_var=0.01)
        np.testing.assert_allclose(got, ref, atol=1e-5)
        # a mixture over identical draws is the single posterior
        mix = am.gp_mixture_log_pred(jnp.full(4, 0.25), jnp.ones(4), x, y, xq, yq, noise_var=0.01)
        np.testing.assert_allclose(mix, ref, atol=1e-5)


def test_gp_batch_has_the_prior_covariance():
    x, y = am.sample_gp_batch(KEY, 20_000, 1, variance=2.0, noise_var=0.5)
    assert float(jnp.var(y)) == pytest.approx(2.5, rel=0.05)
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0


def test_lc_prior_curves_obey_the_rejection_rule():
    y, params = am.sample_lc_curves(KEY, 500, 30)
    t = jnp.arange(1, 31.0)
    mean = jnp.sum(params["w"][:, None, :] * am.lc_basis_curves(t, {k: v for k, v in params.items() if k != "w"}), -1)
    assert bool(jnp.all((mean >= 0) & (mean <= 1))) and bool(jnp.all(mean[:, -1] > mean[:, 0]))
    assert y.shape == (500, 30)
    assert float(jnp.median(jnp.exp(params["log_sigma"]))) == pytest.approx(np.exp(-4.0), rel=0.25)


def test_kalman_gmm_posterior_equals_brute_force_on_a_grid():
    with jax.enable_x64(True):
        w = jnp.array([0.3, 0.7])
        mu = jnp.array([[-1.0], [1.5]])
        cov = jnp.array([[[0.5]], [[2.0]]])
        z, H, R = jnp.array([0.4]), jnp.array([[2.0]]), jnp.array([[0.8]])
        w2, mu2, cov2 = am.kalman_gmm_posterior(w, mu, cov, z, H, R)
        grid = jnp.linspace(-12, 12, 200_001)
        prior = am.gmm_log_prob(w, mu[:, 0], cov[:, 0, 0], grid)
        lik = jax.scipy.stats.norm.logpdf(z[0], 2.0 * grid, jnp.sqrt(0.8))
        post = jnp.exp(prior + lik)
        post = post / jnp.trapezoid(post, grid)
        exact = jnp.exp(am.gmm_log_prob(w2, mu2[:, 0], cov2[:, 0, 0], grid))
        np.testing.assert_allclose(exact, post, atol=1e-6)


def test_kalman_gmm_posterior_2d_matches_single_gaussian_formula():
    with jax.enable_x64(True):
        mu = jnp.array([[0.5, -1.0]])
        cov = jnp.array([[[1.0, 0.3], [0.3, 2.0]]])
        H = jnp.array([[1.0, 1.0]])
        R = jnp.array([[0.5]])
        z = jnp.array([2.0])
        w2, mu2, cov2 = am.kalman_gmm_posterior(jnp.ones(1), mu, cov, z, H, R)
        P = np.linalg.inv(np.linalg.inv(cov[0]) + H.T @ H / 0.5)  # information form
        m = P @ (np.linalg.solve(cov[0], mu[0]) + H.T[:, 0] * z[0] / 0.5)
        np.testing.assert_allclose(cov2[0], P, atol=1e-10)
        np.testing.assert_allclose(mu2[0], m, atol=1e-10)
        assert float(w2[0]) == pytest.approx(1.0)


def test_gmm_kl_mc_is_zero_for_equal_and_matches_gaussian_kl():
    p = (jnp.ones(1), jnp.zeros(1), jnp.ones(1))
    q = (jnp.ones(1), jnp.array([1.0]), jnp.array([2.0]))
    assert float(am.gmm_kl_mc(KEY, p, p, 1000)) == pytest.approx(0.0, abs=1e-6)
    exact = 0.5 * (2.0 + 1.0 - 1.0 - np.log(2.0))  # KL(N(1, 2) || N(0, 1))
    assert float(am.gmm_kl_mc(KEY, q, p, 50_000)) == pytest.approx(exact, abs=0.02)


def test_untrained_dt_returns_the_prior_and_is_equivariant_over_components():
    params = am.init_dt(KEY, d_model=16, num_heads=2, num_layers=1, d_ff=32)
    w, m, v = jnp.array([0.2, 0.8]), jnp.array([-1.0, 1.0]), jnp.array([0.5, 2.0])
    out = am.dt_posterior(params, w, m, v, 0.3)
    for a, b in zip(out, (w, m, v), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    trained_like = params._replace(readout=jax.random.normal(KEY, params.readout.shape) * 0.1)
    o1 = am.dt_posterior(trained_like, w, m, v, 0.3)
    o2 = am.dt_posterior(trained_like, w[::-1], m[::-1], v[::-1], 0.3)
    for a, b in zip(o1, o2, strict=True):
        np.testing.assert_allclose(a[::-1], b, rtol=1e-5, atol=1e-6)


def test_tiny_pfn_loss_falls():
    _, yp = am.sample_gp_batch(KEY, 2000, 1)
    borders = am.bar_borders(yp, 20)
    loss = am.make_pfn_loss(lambda k: am.sample_gp_batch(k, 16, 12), borders, max_context=10)
    params = am.init_pfn(KEY, num_buckets=20, d_model=16, num_heads=2, num_layers=1)
    _, losses = nn.fit(KEY, params, loss, num_steps=150, learning_rate=3e-3, chunk=150)
    assert losses[-30:].mean() < losses[:10].mean() - 0.3


def test_tiny_dt_loss_falls():
    def loss(p, k):
        return am.dt_loss(p, *am.sample_gmm_tasks(k, 128, 2))

    params = am.init_dt(KEY, d_model=16, num_heads=2, num_layers=1, d_ff=32)
    _, losses = nn.fit(KEY, params, loss, num_steps=150, learning_rate=3e-3, chunk=150)
    assert losses[-30:].mean() < losses[:10].mean() - 0.05


def test_checkpoint_round_trip(tmp_path):
    params = am.init_pfn(KEY, num_buckets=5, d_model=8, num_heads=2, num_layers=1)
    init = {"num_buckets": 5, "d_model": 8, "num_heads": 2, "num_layers": 1}
    path = tmp_path / "c.npz"
    h1 = am.save_checkpoint(path, "pfn", init, params, {"seed": 1}, borders=jnp.arange(6.0))
    loaded, meta, extra = am.load_checkpoint(path)
    assert meta["seed"] == 1 and meta["init"] == init and h1 == am.file_sha256(path)
    for a, b in zip(jax.tree_util.tree_leaves(params), jax.tree_util.tree_leaves(loaded), strict=True):
        np.testing.assert_array_equal(np.asarray(a, np.float32), b)
    np.testing.assert_array_equal(extra["borders"], np.arange(6.0))
    assert am.save_checkpoint(path, "pfn", init, params, {"seed": 1}, borders=jnp.arange(6.0)) == h1
