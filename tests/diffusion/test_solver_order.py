"""Every registered solver converges, at its declared order, against exact references.

The tests loop over :data:`priorscope.diffusion.solvers.SOLVERS`, so a newly registered solver is tested
automatically (with no change here).

* Convergence (every solver): on an 8-mode Gaussian mixture the probability-flow ODE endpoint is computed by an
  independent adaptive solver (SciPy's DOP853 at rtol 1e-10); the error must fall at every doubling of the steps
  and by at least 3x from 10 to 80 steps. A stochastic solver is run here at zeta = 0, its probability-flow limit.
* Order (deterministic solvers): for a Gaussian data law N(m, s^2 I) the probability-flow ODE is linear and its
  flow is in closed form, x_t = alpha_t m + sqrt(v_t / v_T) (x_T - alpha_T m) with
  v_t = alpha_t^2 s^2 + sigma_t^2. The log-log slope of the endpoint error over 16-128 steps must lie within
  ORDER_TOL = 0.3 of the solver's declared order.
* Weak order (stochastic solvers): with zeta = 1 the endpoint law is N(alpha m, v) at t_end in closed form; the
  slope of the error in the endpoint variance over 16-64 steps (200,000 paths, Monte Carlo SE about 6 % of the
  smallest error) must lie within ORDER_TOL of the declared (weak) order.

Measured finding (kept, not hidden): the third-order multistep rules ("dpm++3m", "dpm3m") follow the published
DPM-Solver(++) coefficients, whose second-difference term is half its Taylor coefficient; their global order is
then about 2, not 3 (slope about 2.2-2.5 over 16-128 steps, tending to 2). Their order test is a strict xfail,
so it will flag the day the rule is corrected.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.diffusion import GaussianMixture, VPLinear, gmm, solvers

ORDER_TOL = 0.3
ORDER_STEPS = (16, 32, 64, 128)
WEAK_STEPS = (16, 32, 64)
CONVERGENCE_STEPS = (10, 20, 40, 80)
#: solvers whose measured order is below the declared one (see the module docstring)
BELOW_DECLARED_ORDER = {"dpm++3m", "dpm3m"}

ALL = list(solvers.SOLVERS)
DETERMINISTIC = [n for n, s in solvers.SOLVERS.items() if not s.stochastic]
STOCHASTIC = [n for n, s in solvers.SOLVERS.items() if s.stochastic]


def _order_param(name):
    if name in BELOW_DECLARED_ORDER:
        reason = "published 3M coefficients: global order about 2 (second-difference term halved)"
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason))
    return name


def _slope(steps, errs):
    return -np.polyfit(np.log(steps), np.log(errs), 1)[0]


def _endpoint_errors(model, x_T, schedule, name, steps, ref, **kw):
    """Mean endpoint distance to ``ref`` for each step count, all in one compilation (padded grids)."""
    ts, orders = solvers.padded_grids(schedule, steps, name)
    one = lambda t, o: solvers.integrate(model, x_T, schedule, t, name, orders=o, key=jax.random.key(1), **kw)
    ends = jax.jit(jax.vmap(one))(ts, orders)
    return np.asarray(jnp.mean(jnp.linalg.norm(ends - ref, axis=-1), axis=-1))


def test_the_registry_is_consistent():
    for name, s in solvers.SOLVERS.items():
        assert s.name == name and solvers.get_solver(name) is s
        assert solvers.nfe(name, 7) == 7 * s.evals_per_step
        assert s.order >= 1 and s.description
    assert STOCHASTIC and DETERMINISTIC


@pytest.mark.parametrize("name", ALL)
def test_every_solver_converges_on_a_mixture(ring_reference, name):
    mix, sched, x_T, ref = ring_reference
    with jax.enable_x64(True):
        errs = _endpoint_errors(gmm.denoiser(mix, sched), x_T, sched, name, CONVERGENCE_STEPS, ref)
    assert np.all(np.diff(errs) < 0), errs
    assert errs[-1] < errs[0] / 3, errs
    assert errs[-1] < 0.05, errs


@pytest.mark.parametrize("name", [_order_param(n) for n in DETERMINISTIC])
def test_empirical_order_on_a_gaussian(name):
    m, s, t_end = np.array([0.5, -1.0]), 0.4, 1e-3
    with jax.enable_x64(True):
        sched = VPLinear()
        mix = GaussianMixture.create([1.0], [m.tolist()], s)
        x_T = jax.random.normal(jax.random.key(0), (16, 2), dtype=jnp.float64)
        a0, s0 = float(sched.alpha(1.0)), float(sched.sigma(1.0))
        a1, s1 = float(sched.alpha(t_end)), float(sched.sigma(t_end))
        v0, v1 = a0**2 * s**2 + s0**2, a1**2 * s**2 + s1**2
        exact = a1 * m + np.sqrt(v1 / v0) * (np.asarray(x_T) - a0 * m)
        errs = _endpoint_errors(gmm.denoiser(mix, sched), x_T, sched, name, ORDER_STEPS, exact)
    order = solvers.get_solver(name).order
    assert abs(_slope(ORDER_STEPS, errs) - order) <= ORDER_TOL, (errs, _slope(ORDER_STEPS, errs))


@pytest.mark.parametrize("name", STOCHASTIC)
def test_weak_order_on_a_gaussian_variance(name):
    m, s, t_end, n = 0.5, 0.4, 1e-2, 200_000
    with jax.enable_x64(True):
        sched = VPLinear()
        mix = GaussianMixture.create([1.0], [[m]], s)
        a1, s1 = float(sched.alpha(t_end)), float(sched.sigma(t_end))
        var = a1**2 * s**2 + s1**2
        x_T = gmm.sample_marginal(jax.random.key(2), mix, sched, 1.0, n)
        model, options = gmm.denoiser(mix, sched), solvers.SolverOptions(zeta=1.0)
        errs = []
        for k in WEAK_STEPS:
            grid = solvers.TimeGrid(k, t_end=t_end)
            x = solvers.sample(model, x_T, sched, name, grid, options=options, key=jax.random.key(k))
            errs.append(abs(float(jnp.var(x[:, 0])) - var))
    se = var * np.sqrt(2 / n)
    assert errs[-1] > 10 * se, (errs, se)  # the smallest error is resolved by the sample size
    order = solvers.get_solver(name).order
    assert abs(_slope(WEAK_STEPS, errs) - order) <= ORDER_TOL, (errs, _slope(WEAK_STEPS, errs))
