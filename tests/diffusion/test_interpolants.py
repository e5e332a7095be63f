"""Interpolant velocity and score: continuity equation, autodiff of an independent density, the diffusion limit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.stats import norm

from priorscope.diffusion import gmm, schedules
from priorscope.diffusion import interpolants as I


def _mixtures_1d():
    rho0 = gmm.GaussianMixture.create(jnp.array([0.3, 0.7]), jnp.array([[-1.0], [0.5]]), jnp.array([0.5, 0.8]))
    rho1 = gmm.GaussianMixture.create(jnp.array([0.6, 0.4]), jnp.array([[-2.0], [2.0]]), jnp.array([0.2, 0.3]))
    return rho0, rho1


def _scipy_log_density(interp, rho0, rho1, x, t):
    """log rho_t(x) in float64 NumPy/scipy, written from the pair formula independently of the library."""
    a, b = float(interp.alpha(t)), float(interp.beta(t))
    g2 = float(interp.gamma_sq(t))
    total = 0.0
    for w0, m0, c0 in zip(*(np.asarray(v) for v in (rho0.weights, rho0.means, rho0.covs)), strict=True):
        for w1, m1, c1 in zip(*(np.asarray(v) for v in (rho1.weights, rho1.means, rho1.covs)), strict=True):
            sd = np.sqrt(a**2 * c0[0, 0] + b**2 * c1[0, 0] + g2)
            total += w0 * w1 * norm.pdf(x, a * m0[0] + b * m1[0], sd)
    return np.log(total)


INTERPOLANTS = [
    I.Interpolant(1.0, "linear", "brownian"),
    I.Interpolant(0.5, "trig", "sin2"),
    I.Interpolant(0.0, "linear", "zero"),
]


@pytest.mark.parametrize("interp", INTERPOLANTS, ids=lambda p: f"{p.path}-{p.gamma}")
def test_score_matches_finite_differences_of_scipy_density(interp):
    rho0, rho1 = _mixtures_1d()
    h = 1e-5
    for t in (0.1, 0.5, 0.9):
        for x in (-2.5, -0.3, 0.4, 1.9):
            fd = (
                _scipy_log_density(interp, rho0, rho1, x + h, t) - _scipy_log_density(interp, rho0, rho1, x - h, t)
            ) / (2 * h)
            s = float(I.score(interp, rho0, rho1, jnp.array([x]), t)[0])
            assert s == pytest.approx(fd, rel=1e-5, abs=1e-6)
            lp = float(I.log_prob(interp, rho0, rho1, jnp.array([x]), t))
            assert lp == pytest.approx(_scipy_log_density(interp, rho0, rho1, x, t), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("interp", INTERPOLANTS, ids=lambda p: f"{p.path}-{p.gamma}")
def test_velocity_satisfies_continuity_equation(interp):
    # d/dt log rho + div b + b . grad log rho = 0, with every derivative by autodiff of log rho_t
    rho0 = gmm.GaussianMixture.create(jnp.array([0.5, 0.5]), jnp.array([[0.0, 1.0], [1.0, -1.0]]), 0.6)
    rho1 = gmm.ring(3, 2.0, 0.3)
    lp = lambda x, t: I.log_prob(interp, rho0, rho1, x, t)
    b = lambda x, t: I.velocity(interp, rho0, rho1, x, t)

    def residual(x, t):
        return jax.grad(lp, argnums=1)(x, t) + jnp.trace(jax.jacfwd(b)(x, t)) + b(x, t) @ jax.grad(lp)(x, t)

    rng = np.random.default_rng(0)
    xs = jnp.asarray(rng.normal(size=(9, 2)) * 1.5)
    ts = jnp.asarray(np.repeat([0.15, 0.5, 0.85], 3))
    res = jax.jit(jax.vmap(residual))(xs, ts)
    np.testing.assert_allclose(np.asarray(res), 0.0, atol=1e-7)


def test_one_sided_linear_interpolant_is_rectified_flow():
    # x_t = (1 - t) z + t x1 is the rectified-flow path read backwards: b(t, x) = -v_rf(x, 1 - t)
    data = gmm.GaussianMixture.create(jnp.array([0.4, 0.6]), jnp.array([[-1.0, 0.5], [1.5, 0.0]]), 0.4)
    noise = gmm.GaussianMixture.create(jnp.ones(1), jnp.zeros((1, 2)), 1.0)
    interp = I.Interpolant(0.0, "linear", "zero")
    rf = schedules.RectifiedFlow()
    for t in (0.2, 0.6):
        x = jnp.array([0.3, -0.7])
        b = I.velocity(interp, noise, data, x, t)
        v = gmm.velocity(data, rf, x, 1.0 - t)
        np.testing.assert_allclose(np.asarray(b), -np.asarray(v), rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(
            np.asarray(I.score(interp, noise, data, x, t)), np.asarray(gmm.score(data, rf, x, 1.0 - t)), rtol=1e-8
        )


def test_ode_and_sde_reach_the_target():
    rho0 = gmm.GaussianMixture.create(jnp.ones(1), jnp.zeros((1, 1)), 1.0)
    rho1 = gmm.GaussianMixture.create(jnp.array([0.5, 0.5]), jnp.array([[-2.0], [2.0]]), 0.3)
    interp = I.Interpolant(1.0, "linear", "brownian")
    out = jax.jit(lambda k: I.epsilon_experiment(k, interp, rho0, rho1, jnp.array([0.0, 1.0]), 4000, 300))(
        jax.random.key(0)
    )
    # W1 of 4000 exact samples to their law is about 0.02; allow 0.05
    assert np.all(np.asarray(out["w1"]) < 0.05)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"path must be one of \('linear', 'trig'\)"):
        I.Interpolant(1.0, "cubic")
    with pytest.raises(ValueError, match="amplitude must be finite and >= 0, got -1"):
        I.Interpolant(-1.0)
    rho0, rho1 = _mixtures_1d()
    with pytest.raises(ValueError, match="num_steps must be an int >= 1, got 0"):
        I.simulate(jax.random.key(0), I.Interpolant(), rho0, rho1, jnp.zeros((3, 1)), 0)
    with pytest.raises(ValueError, match=r"x0 must have shape \(n, 1\)"):
        I.simulate(jax.random.key(0), I.Interpolant(), rho0, rho1, jnp.zeros((3, 2)), 5)
    with pytest.raises(ValueError, match="same dimension"):
        I.marginal(I.Interpolant(), rho0, gmm.ring(3, 1.0, 0.2), 0.5)


def test_score_error_enters_only_the_sde_drift():
    rho0, rho1 = _mixtures_1d()
    interp = I.Interpolant(1.0, "linear", "brownian")
    x0 = jnp.linspace(-2.0, 2.0, 7)[:, None]
    key = jax.random.key(3)
    ode = I.simulate(key, interp, rho0, rho1, x0, 5, epsilon=0.0, score_error=0.7)
    np.testing.assert_array_equal(np.asarray(ode), np.asarray(I.simulate(key, interp, rho0, rho1, x0, 5)))
    # one Euler–Maruyama step written out by hand: x + (b + δ sin 3x + ε (s + δ_s cos 3x)) dt + sqrt(2 ε dt) z
    eps, delta, delta_s, t0, t1 = 1.5, 0.3, 0.7, 1e-3, 1.0 - 1e-3
    got = I.simulate(key, interp, rho0, rho1, x0, 1, epsilon=eps, drift_error=delta, score_error=delta_s)
    b, s = jax.vmap(lambda x: I.velocity_and_score(interp, rho0, rho1, x, t0))(x0)
    z = jax.random.normal(jax.random.split(key, 1)[0], x0.shape, x0.dtype)
    dt = t1 - t0
    drift = b + delta * jnp.sin(3 * x0) + eps * (s + delta_s * jnp.cos(3 * x0))
    np.testing.assert_allclose(np.asarray(got), np.asarray(x0 + drift * dt + jnp.sqrt(2 * eps * dt) * z), rtol=1e-5)
