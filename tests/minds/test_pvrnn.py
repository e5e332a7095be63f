"""PV-RNN: the KL term against numerical integration, the data generator, the recurrence, training and error
regression at tiny size."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, stats

from priorscope.minds import pvrnn as pv


def test_gaussian_kl_matches_quadrature():
    rng = np.random.default_rng(0)
    with jax.enable_x64(True):
        for _ in range(6):
            mq, mp = rng.normal(size=2)
            lq, lp = rng.normal(size=2) * 0.5
            q, p = stats.norm(mq, np.exp(lq)), stats.norm(mp, np.exp(lp))
            ref, _ = integrate.quad(lambda x, q=q, p=p: q.pdf(x) * (q.logpdf(x) - p.logpdf(x)), -30, 30, limit=200)
            got = pv.gaussian_kl(jnp.asarray([mq]), jnp.asarray([lq]), jnp.asarray([mp]), jnp.asarray([lp]))
            np.testing.assert_allclose(float(got), ref, rtol=1e-7, atol=1e-9)
        # summed over the last axis, and zero for equal laws
        a = jnp.asarray(rng.normal(size=(4, 3)))
        b = jnp.asarray(rng.normal(size=(4, 3)))
        np.testing.assert_allclose(np.asarray(pv.gaussian_kl(a, b, a, b)), 0.0, atol=1e-12)


def test_fsm_data_are_whole_sine_cycles_of_two_periods():
    x = np.asarray(pv.fsm_sine_data(jax.random.key(0), 40, 64, noise_std=0.0))[..., 0]
    assert x.shape == (40, 64)
    # every sequence starts a cycle at t = 0 and the slope there identifies the period (8 or 16)
    slope = x[:, 1] - x[:, 0]
    np.testing.assert_allclose(
        np.sort(np.unique(np.round(slope, 6))), np.round(np.sin(2 * np.pi / np.array([16, 8])), 6)
    )
    # switching happens: some sequences contain both periods (a zero crossing spacing of 4 and of 8)
    both = 0
    for row in x:
        ups = np.flatnonzero((row[:-1] <= 1e-9) & (row[1:] > 1e-9))
        gaps = set(np.diff(ups).tolist())
        both += {8, 16} <= gaps
    assert both >= 5


def test_run_matches_a_python_loop():
    p = pv.init_pvrnn(jax.random.key(1), 1, 5, 2)
    a = jax.random.normal(jax.random.key(2), (7, 2, 2)) * 0.3
    e = jax.random.normal(jax.random.key(3), (7, 2))
    post = jnp.asarray([True, True, False, True, False, False, True])
    run = pv.pvrnn_run(p, a, e, post, 2.0)
    h = np.zeros(5)
    d = np.zeros(5)
    P = jax.tree.map(np.asarray, p)
    for t in range(7):
        mu_p = np.zeros(2) if t == 0 else np.tanh(d @ P.w_mu + P.b_mu)
        sd_p = np.ones(2) if t == 0 else np.exp(d @ P.w_sig + P.b_sig)
        mu_q, sd_q = np.tanh(np.asarray(a[t, :, 0])), np.exp(np.asarray(a[t, :, 1]))
        z = (mu_q + sd_q * np.asarray(e[t])) if post[t] else (mu_p + sd_p * np.asarray(e[t]))
        h = 0.5 * h + 0.5 * (d @ P.w_dd + z @ P.w_zd + P.b_h)
        d = np.tanh(h)
        np.testing.assert_allclose(np.asarray(run.x_hat[t]), d @ P.w_o + P.b_o, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(np.asarray(run.sd_prior[t]), sd_p, rtol=1e-5)
        kl = np.sum(np.log(sd_p / sd_q) + (sd_q**2 + (mu_q - mu_p) ** 2) / (2 * sd_p**2) - 0.5)
        np.testing.assert_allclose(float(run.kl[t]), kl, rtol=1e-4, atol=1e-6)


def test_tiny_training_lowers_the_loss_and_w_orders_the_kl():
    """The tiny-size retraining check of the committed sweep (tools/train_pvrnn.py uses the same function)."""
    data = pv.fsm_sine_data(jax.random.key(0), 4, 32)
    ws = jnp.asarray([1e-3, 1.0])
    tr = pv.train_pvrnn(jax.random.key(1), data, ws, d_dim=8, num_steps=300, chunk=150)
    h = np.asarray(tr.history)
    loss = h[..., 0] + np.asarray(ws)[:, None] * h[..., 1]
    assert h.shape == (2, 300, 2)
    assert np.all(loss[:, -30:].mean(1) < 0.5 * loss[:, :30].mean(1))
    assert h[1, -30:, 1].mean() < h[0, -30:, 1].mean()  # a larger meta-prior keeps the posterior nearer the prior


def test_error_regression_tracks_and_beats_open_loop():
    data = pv.fsm_sine_data(jax.random.key(0), 4, 40)
    tr = pv.train_pvrnn(jax.random.key(1), data, jnp.asarray([1e-2]), d_dim=10, num_steps=400, chunk=200)
    p = jax.tree.map(lambda v: v[0], tr.params)
    x = data[0]
    pred = pv.error_regression(p, x, 1e-2, 2.0, window=8, num_iters=20)
    assert pred.shape == x.shape and bool(jnp.all(jnp.isnan(pred[:8])))
    er = float(jnp.mean((pred[8:] - x[8:]) ** 2))
    ol = float(jnp.mean((pv.open_loop_prediction(p, 40, 2.0)[8:] - x[8:]) ** 2))
    assert np.isfinite(er) and er < ol


def test_sweep_file_loads_when_present():
    if not pv.SWEEP_FILE.is_file():
        pytest.skip("sweep not generated")
    sw = pv.load_pvrnn_sweep()
    m = len(sw["meta_priors"])
    assert sw["kl"].shape[1] == m and sw["er_mse"].shape == sw["ol_mse"].shape
