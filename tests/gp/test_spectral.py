"""GP collocation solver: closed-form kernel derivatives vs autodiff, exactness on a resolvable problem."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import gp
from priorscope.gp import spectral


def _params():
    return spectral.SpectralParams(
        jnp.log(jnp.array([1.0, 0.3, 0.05])), jnp.log(jnp.array([0.2, 0.05, 0.5])), jnp.array([0.0, 7.0, 13.0])
    )


@pytest.mark.parametrize("kind", spectral.KERNEL_KINDS)
def test_closed_form_derivatives_match_autodiff(kind):
    p = _params()
    tau = jnp.linspace(-0.4, 0.4, 11)
    k0 = lambda t: spectral.stationary_derivatives(p, t, kind)[0]
    _, k2, k4 = spectral.stationary_derivatives(p, tau, kind)
    d2 = jax.vmap(jax.grad(jax.grad(k0)))(tau)
    d4 = jax.vmap(jax.grad(jax.grad(jax.grad(jax.grad(k0)))))(tau)
    np.testing.assert_allclose(k2, d2, rtol=1e-9, atol=1e-9 * np.abs(d2).max())
    np.testing.assert_allclose(k4, d4, rtol=1e-7, atol=1e-9 * np.abs(d4).max())


def test_k0_equals_spectral_mixture_kernel():
    p = _params()
    x = np.linspace(0, 1, 9)
    k = gp.SpectralMixture(jnp.exp(p.log_w), p.freq, jnp.exp(p.log_ell))
    k0, _, _ = spectral.stationary_derivatives(p, x[:, None] - x[None, :], "spectral_mixture")
    np.testing.assert_allclose(k0, k(x), rtol=1e-12, atol=1e-14)


def test_collocation_solution_is_accurate_with_the_right_frequency():
    problem = spectral.poisson_problem(48, frequency=5.0)
    p = spectral.SpectralParams(jnp.zeros(2), jnp.log(jnp.array([0.5, 0.5])), jnp.array([5.0, 1.0]))
    u = spectral.solve_poisson(p, problem, "spectral_mixture")
    assert float(spectral.relative_l2(u, problem.u_test)) < 1e-4
    # the source is u'' of the exact solution (check against a finite difference of the exact u)
    x, h = np.asarray(problem.x_col[5]), 1e-4
    ue = lambda t: np.sin(2 * np.pi * 5 * t) + 0.1 * np.sin(2 * np.pi * t)
    np.testing.assert_allclose(problem.f_col[5], (ue(x + h) - 2 * ue(x) + ue(x - h)) / h**2, rtol=1e-5)


def test_evidence_gradient_ascent_finds_frequency():
    problem = spectral.poisson_problem(32, frequency=6.0, low_amplitude=0.0)
    init = spectral.init_spectral_params(4, freq_scale=12.0, lengthscale=0.2)
    fit = spectral.fit_spectral_solver(init, problem, "spectral_mixture", 100, learning_rate=0.05)
    f = np.asarray(fit.params.freq)[np.argmax(np.asarray(fit.params.log_w))]
    assert abs(abs(f) - 6.0) < 0.1
    assert fit.losses.shape == (100,)
    assert float(fit.errors[-1]) < 1e-3


def test_spectral_density_integrates_to_total_weight():
    p = _params()
    nu = jnp.linspace(-60, 60, 20001)
    dens = spectral.spectral_density(p, nu)
    np.testing.assert_allclose(np.trapezoid(dens, nu), np.exp(p.log_w).sum(), rtol=1e-4)


def test_bad_input():
    with pytest.raises(ValueError, match="num_col must be an int >= 4"):
        spectral.poisson_problem(3)
    with pytest.raises(ValueError, match="num_components must be an int >= 1"):
        spectral.init_spectral_params(0)
    with pytest.raises(ValueError, match="freq_scale must be finite and > 0"):
        spectral.init_spectral_params(3, freq_scale=-1.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        spectral.stationary_derivatives(_params(), jnp.zeros(3), "matern")
    problem = spectral.poisson_problem(8)
    with pytest.raises(ValueError, match="num_checkpoints must be an int >= 1 that divides"):
        spectral.fit_spectral_solver(spectral.init_spectral_params(2), problem, "rbf", 10, num_checkpoints=3)
