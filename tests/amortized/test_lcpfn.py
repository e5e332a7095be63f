"""priorscope.amortized.lcpfn and the LC-PFN prior: independent references for the sampler, the NumPyro curve
model, the predictive mixtures, the PFN wrappers, a tiny training run and the shipped checkpoint."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from numpyro.infer.util import log_density
from scipy import stats

from priorscope import amortized as am
from priorscope import nn

KEY = jax.random.key(0)
T = 12


def _numpy_prior_curves(rng, n, num_epochs):
    """Plain rejection sampler written from the prior's definition (one candidate at a time)."""
    t = np.arange(1, num_epochs + 1.0)
    out = []
    while len(out) < n:
        w = rng.uniform(0, 1, 3)
        c, a, al = rng.uniform(0, 1.25), rng.uniform(-0.6, 0.6), rng.lognormal(0, 2)
        c2, a2 = rng.uniform(0, 1), rng.uniform(-0.5, 0.5)
        ja, jb, jk, jd = rng.uniform(0, 1), rng.uniform(0, 2), rng.lognormal(-2, 1), rng.lognormal(0, 0.5)
        with np.errstate(all="ignore"):
            jan = ja - (ja - jb) * np.exp(-jk * t**jd)
            m = w[0] * (c - a * t**-al) + w[1] * (c2 - a2 / np.log(t + 1)) + w[2] * jan
        if np.all((m >= 0) & (m <= 1)) and m[-1] > m[0]:
            out.append(m)
    return np.array(out)


def test_sampler_matches_a_plain_rejection_sampler():
    ours = np.asarray(am.lc_mean_curves(jnp.arange(1, T + 1.0), am.sample_lc_curves(KEY, 3000, T)[1]))
    ref = _numpy_prior_curves(np.random.default_rng(0), 3000, T)
    for col in (0, T // 2, T - 1):  # first, middle and last epoch of the noise-free curves
        assert stats.ks_2samp(ours[:, col], ref[:, col]).pvalue > 1e-3
    assert stats.ks_2samp(ours[:, -1] - ours[:, 0], ref[:, -1] - ref[:, 0]).pvalue > 1e-3


def test_sampler_redraws_until_every_curve_is_valid():
    # with one candidate per round most curves need several rounds; none may come back invalid
    _, params = am.sample_lc_curves(KEY, 400, T, tries=1)
    assert bool(jnp.all(am.lc_is_valid(am.lc_mean_curves(jnp.arange(1, T + 1.0), params))))


def _point(**over):
    p = {"w": jnp.array([0.3, 0.4, 0.2]), "pow3_c": 0.8, "pow3_a": 0.3, "pow3_alpha": 0.7, "ilog2_c": 0.7}
    p.update({"ilog2_a": 0.2, "jan_alpha": 0.9, "jan_beta": 0.2, "jan_kappa": 0.2, "jan_delta": 1.1})
    p["log_sigma"] = -3.5
    p.update(over)
    return {k: jnp.asarray(v) for k, v in p.items()}


def test_curve_model_log_density_equals_scipy():
    p = _point()
    t = np.arange(1, T + 1.0)
    mean = np.asarray(am.lc_mean_curves(t, p))
    assert bool(am.lc_is_valid(mean))
    y = mean + 0.01 * np.sin(t)
    n = 5
    got, _ = log_density(am.lc_model, (jnp.asarray(y), n), {}, p)
    ref = (
        3 * np.log(1.0) + stats.uniform(0, 1.25).logpdf(0.8) + stats.uniform(-0.6, 1.2).logpdf(0.3)
        + stats.lognorm(s=2.0).logpdf(0.7) + stats.uniform(0, 1).logpdf(0.7) + stats.uniform(-0.5, 1).logpdf(0.2)
        + stats.uniform(0, 1).logpdf(0.9) + stats.uniform(0, 2).logpdf(0.2)
        + stats.lognorm(s=1.0, scale=np.exp(-2.0)).logpdf(0.2) + stats.lognorm(s=0.5).logpdf(1.1)
        + stats.norm(-4, 1).logpdf(-3.5) + stats.norm(mean[:n], np.exp(-3.5)).logpdf(y[:n]).sum()
    )  # fmt: skip
    assert float(got) == pytest.approx(ref, rel=1e-5)
    # a curve the rejection rule would discard has zero prior density
    bad, _ = log_density(am.lc_model, (jnp.asarray(y), n), {}, _point(pow3_c=1.2, w=jnp.array([0.9, 0.9, 0.9])))
    assert float(bad) == -np.inf


def test_draws_log_pred_is_the_log_mean_of_gaussians():
    p1, p2 = _point(), _point(log_sigma=-3.0, pow3_c=0.7)
    draws = {k: jnp.stack([p1[k], p2[k]]) for k in am.LC_SITES}
    t = np.arange(1, T + 1.0)
    y = np.asarray(am.lc_mean_curves(t, p1)) + 0.02
    dens = [stats.norm(np.asarray(am.lc_mean_curves(t, p)), np.exp(float(p["log_sigma"]))).pdf(y) for p in (p1, p2)]
    np.testing.assert_allclose(am.lc_draws_log_pred(draws, y), np.log(np.mean(dens, axis=0)), rtol=1e-5)
    assert float(am.lc_tail_mean(jnp.arange(T, dtype=float), 4)) == pytest.approx(np.arange(4, T).mean())


def test_lcpfn_logits_ignore_unseen_epochs_and_match_pfn_logits():
    params = am.init_pfn(KEY, num_buckets=5, d_model=16, num_heads=2, num_layers=1, d_ff=16)
    y = jax.random.uniform(jax.random.key(1), (T,))
    n = 4
    got = am.lcpfn_logits(params, y, n)
    x = am.lcpfn_inputs(T)
    np.testing.assert_allclose(got, am.pfn_logits(params, x[:n], y[:n], x), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got, am.lcpfn_logits(params, y.at[n:].set(7.0), n), rtol=1e-6)


def test_improve_probability_is_the_mass_above_the_best_so_far():
    params = am.init_pfn(KEY, num_buckets=6, d_model=16, num_heads=2, num_layers=1, d_ff=16)
    borders = jnp.linspace(0.0, 1.0, 7)
    y = jnp.linspace(0.2, 0.6, T)
    n = 5
    logits = am.lcpfn_logits(params, y, n)[-1]
    grid = jnp.linspace(float(y[n - 1]), 30.0, 400_001)
    mass = jnp.trapezoid(jnp.exp(am.bar_log_prob(logits, borders, grid)), grid)
    assert float(am.lcpfn_improve_probability(params, borders, y, n)) == pytest.approx(float(mass), abs=1e-4)


def test_tiny_lcpfn_loss_falls():
    y_prior, _ = am.sample_lc_curves(KEY, 200, T)
    borders = am.bar_borders(y_prior, 20)
    x = am.lcpfn_inputs(T)

    def sampler(k):
        y, _ = am.sample_lc_curves(k, 16, T)
        return jnp.broadcast_to(x, y.shape), y

    loss = am.make_pfn_loss(sampler, borders, min_context=1, max_context=T - 1)
    params = am.init_pfn(jax.random.key(2), num_buckets=20, d_model=16, num_heads=2, num_layers=1, d_ff=32)
    _, losses = nn.fit(jax.random.key(3), params, loss, num_steps=150, learning_rate=3e-3, chunk=150, desc="t")
    assert losses[-30:].mean() < losses[:30].mean() - 0.3


def test_nuts_draws_respect_the_truncation_and_fit_the_curve():
    y, params = am.sample_lc_curves(jax.random.key(4), 1, T)
    run = am.make_lc_nuts(T, num_warmup=60, num_samples=40, num_chains=2, max_tree_depth=5)
    draws = run(jax.random.key(5), y[0], T - 1)
    assert draws["w"].shape == (2, 40, 3) and draws["log_sigma"].shape == (2, 40)
    flat = {k: v.reshape((-1, 3) if k == "w" else (-1,)) for k, v in draws.items()}
    assert bool(jnp.all(am.lc_is_valid(am.lc_mean_curves(jnp.arange(1, T + 1.0), flat))))
    # given all but the last epoch, the predictive of the last epoch beats the prior's noise-free spread
    lp = am.lc_draws_log_pred(draws, y[0])
    assert bool(jnp.all(jnp.isfinite(lp))) and float(lp[-1]) > 0.0


def test_digits_learning_curves_are_deterministic_accuracies():
    a, labels = am.digits_learning_curves(0, 3, learning_rates=(1e-2,))
    b, _ = am.digits_learning_curves(0, 3, learning_rates=(1e-2,))
    assert a.shape == (1, 3) and len(labels) == 1
    assert np.all((a >= 0) & (a <= 1)) and np.array_equal(a, b)


def test_shipped_lcpfn_checkpoint_loads():
    if not (am.DATA_DIR / "lcpfn.npz").exists():
        pytest.skip("lcpfn.npz not trained yet")
    params, meta, extra = am.load_checkpoint("lcpfn")
    assert extra["borders"].shape == (meta["init"]["num_buckets"] + 1,)
    y, _ = am.sample_lc_curves(KEY, 1, meta["num_epochs"])
    assert bool(jnp.all(jnp.isfinite(am.lcpfn_log_pred(params, extra["borders"], y[0], 10))))
