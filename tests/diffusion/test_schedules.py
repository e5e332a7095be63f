"""Schedules against closed forms and finite differences; time grids; bad input."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.diffusion import EDM, Cosine, RectifiedFlow, VPLinear, get_schedule, time_grid
from priorscope.diffusion.schedules import Switch

ALL = [VPLinear(), Cosine(), EDM(), RectifiedFlow(), VPLinear(beta_min=0.5, beta_max=5.0)]
TS = np.linspace(0.02, 0.98, 13)


@pytest.mark.parametrize("sched", ALL, ids=lambda s: s.name)
def test_log_snr_and_inverse(sched):
    lam = np.asarray(sched.log_snr(TS))
    ref = np.log(np.asarray(sched.alpha(TS))) - np.log(np.asarray(sched.sigma(TS)))
    np.testing.assert_allclose(lam, ref, rtol=1e-10, atol=1e-10)
    assert np.all(np.diff(lam) < 0), "log-SNR must decrease in t"
    np.testing.assert_allclose(np.asarray(sched.t_from_log_snr(lam)), TS, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("sched", ALL, ids=lambda s: s.name)
def test_derivatives_match_finite_differences(sched):
    h = 1e-6
    for fn, dfn in [(sched.alpha, sched.d_alpha), (sched.sigma, sched.d_sigma)]:
        fd = (np.asarray(fn(TS + h)) - np.asarray(fn(TS - h))) / (2 * h)
        np.testing.assert_allclose(np.asarray(dfn(TS)), fd, rtol=1e-6, atol=1e-6)


def test_vp_closed_forms():
    s = VPLinear(beta_min=0.1, beta_max=20.0)
    beta = 0.1 + TS * 19.9
    np.testing.assert_allclose(np.asarray(s.diffusion_sq(TS)), beta, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(s.drift(TS)), -0.5 * beta, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(s.alpha(TS) ** 2 + s.sigma(TS) ** 2), 1.0, rtol=1e-12)


def test_cosine_untruncated_limit_and_endpoints():
    c = Cosine(logsnr_min=-5.0, logsnr_max=10.0)
    np.testing.assert_allclose(float(c.log_snr(0.0)), 10.0, rtol=1e-9)
    np.testing.assert_allclose(float(c.log_snr(1.0)), -5.0, rtol=1e-9)
    wide = Cosine(logsnr_min=-30.0, logsnr_max=30.0)
    np.testing.assert_allclose(np.asarray(wide.alpha(TS)), np.cos(np.pi * TS / 2), atol=1e-9)
    np.testing.assert_allclose(np.asarray(wide.sigma(TS)), np.sin(np.pi * TS / 2), atol=1e-9)


def test_rf_and_edm_closed_forms():
    rf, edm = RectifiedFlow(), EDM(sigma_max=80.0)
    np.testing.assert_allclose(np.asarray(rf.alpha(TS)), 1 - TS)
    np.testing.assert_allclose(np.asarray(rf.diffusion_sq(TS)), 2 * TS / (1 - TS), rtol=1e-10)
    np.testing.assert_allclose(np.asarray(edm.diffusion_sq(TS)), 2 * 80.0**2 * TS, rtol=1e-10)


@pytest.mark.parametrize("kind", ["uniform", "logsnr", "quadratic", "edm"])
def test_time_grids(kind):
    s = VPLinear()
    g = np.asarray(time_grid(s, 10, kind=kind, t_start=1.0, t_end=1e-3))
    assert g.shape == (11,) and g[0] == 1.0 and g[-1] == 1e-3
    assert np.all(np.diff(g) < 0)
    lam = np.asarray(s.log_snr(g))
    if kind == "logsnr":
        np.testing.assert_allclose(np.diff(lam), np.diff(lam)[0], rtol=1e-8)
    if kind == "uniform":
        np.testing.assert_allclose(np.diff(g), np.diff(g)[0], rtol=1e-8)
    if kind == "edm":
        root = np.exp(-lam) ** (1 / 7.0)
        np.testing.assert_allclose(np.diff(root), np.diff(root)[0], rtol=1e-7)


def test_schedule_is_a_pytree_with_traced_hyperparameters():
    f = jax.jit(lambda s, t: s.log_snr(t))
    a = f(VPLinear(0.1, 20.0), 0.5)
    b = f(VPLinear(0.2, 10.0), 0.5)  # same structure: no retrace needed, different value
    assert a != b
    leaves, tree = jax.tree_util.tree_flatten(Cosine(-4.0, 9.0))
    assert len(leaves) == 2
    assert jax.tree_util.tree_unflatten(tree, leaves) == Cosine(-4.0, 9.0)


def test_bad_input():
    with pytest.raises(ValueError, match="steps must be >= 1, got 0"):
        time_grid(VPLinear(), 0)
    with pytest.raises(ValueError, match="kind must be one of"):
        time_grid(VPLinear(), 5, kind="cubic")
    with pytest.raises(ValueError, match=r"t_start must lie in \(0, 1\], got 1.5"):
        time_grid(VPLinear(), 5, t_start=1.5)
    with pytest.raises(ValueError, match=r"t_end must lie in \(0, 1\], got 0.0"):
        time_grid(VPLinear(), 5, t_end=0.0)
    with pytest.raises(ValueError, match="t_end must be < t_start"):
        time_grid(VPLinear(), 5, t_start=0.5, t_end=0.6)
    with pytest.raises(ValueError, match="beta_max must be > beta_min"):
        VPLinear(beta_min=2.0, beta_max=1.0)
    with pytest.raises(ValueError, match="sigma_max must be finite and > 0"):
        EDM(sigma_max=-1.0)
    with pytest.raises(ValueError, match="name must be one of"):
        get_schedule("linear")
    assert jnp.isfinite(get_schedule("cosine").log_snr(1.0))


def test_switch_selects_with_a_traced_index():
    options = (VPLinear(), Cosine(), RectifiedFlow())
    f = jax.jit(lambda i, t: jnp.stack([Switch(i, options).alpha(t), Switch(i, options).diffusion_sq(t)]))
    for i, sched in enumerate(options):
        want = np.array([float(sched.alpha(0.4)), float(sched.diffusion_sq(0.4))])
        np.testing.assert_allclose(np.asarray(f(i, 0.4)), want, rtol=1e-10)
    with pytest.raises(ValueError, match=r"index must lie in \[0, 2\], got 3"):
        Switch(3, options)
