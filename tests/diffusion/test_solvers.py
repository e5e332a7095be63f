"""Solvers against a high-accuracy probability-flow ODE solution (scipy), closed forms and each other."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.diffusion import GaussianMixture, RectifiedFlow, VPLinear, gmm, solvers, targets

STEPS = [20, 40, 80, 160]


def _errors(ring_reference, solver, steps_list=STEPS, **kw):
    """Mean endpoint error for each step count, all step counts in ONE compilation (padded grids)."""
    mix, sched, x_T, ref = ring_reference
    model = gmm.denoiser(mix, sched)
    ts, orders = solvers.padded_grids(sched, steps_list, solver)
    one = lambda t, o: solvers.integrate(model, x_T, sched, t, solver, orders=o, **kw)
    run = jax.jit(jax.vmap(one))
    return np.asarray(jnp.mean(jnp.linalg.norm(run(ts, orders) - ref, axis=-1), axis=-1))


def _order(steps_list, errs):
    return -np.polyfit(np.log(steps_list), np.log(errs), 1)[0]


@pytest.mark.parametrize(("solver", "low", "high"), [("ddim", 0.85, 1.15), ("dpm++2m", 1.75, 2.3)])
def test_convergence_order_against_scipy(ring_reference, solver, low, high):
    errs = _errors(ring_reference, solver)
    assert np.all(np.diff(errs) < 0)
    assert low <= _order(STEPS, errs) <= high


@pytest.mark.parametrize("solver", ["euler", "heun", "dpm2m", "dpm3m", "dpm++3m"])
def test_every_solver_converges(ring_reference, solver):
    errs = _errors(ring_reference, solver, [40, 160])
    assert errs[1] < errs[0] / 3.5  # at least first order
    assert errs[1] < 2e-2


def test_higher_order_is_more_accurate(ring_reference):
    ddim, pp2, pp3 = (_errors(ring_reference, s, [20]) for s in ("ddim", "dpm++2m", "dpm++3m"))
    assert pp2 < ddim / 3
    assert pp3 < pp2


def test_ddim_equals_first_order_dpm_solvers(ring_reference):
    mix, sched, x_T, _ = ring_reference
    model = gmm.denoiser(mix, sched)
    a = solvers.sample(model, x_T, sched, "ddim", 7)
    for s in ("dpm++1", "dpm1"):
        np.testing.assert_allclose(np.asarray(solvers.sample(model, x_T, sched, s, 7)), a, rtol=1e-10)


def test_prediction_types_give_the_same_samples(ring_reference):
    mix, sched, x_T, _ = ring_reference
    ref = solvers.sample(gmm.denoiser(mix, sched), x_T, sched, "dpm++2m", 15)
    for target in targets.TARGETS:
        model = lambda x, t, target=target: gmm.predict(mix, sched, x, t, target)
        got = solvers.sample(model, x_T, sched, "dpm++2m", 15, prediction=target)
        np.testing.assert_allclose(np.asarray(got), np.asarray(ref), rtol=1e-8, atol=1e-10)


def test_trajectory_shape_and_endpoints(ring_reference):
    mix, sched, x_T, _ = ring_reference
    traj = solvers.sample(gmm.denoiser(mix, sched), x_T, sched, "heun", 6, return_trajectory=True)
    assert traj.shape == (7, *x_T.shape)
    np.testing.assert_array_equal(np.asarray(traj[0]), np.asarray(x_T))
    last = solvers.sample(gmm.denoiser(mix, sched), x_T, sched, "heun", 6)
    np.testing.assert_allclose(np.asarray(traj[-1]), np.asarray(last))
    assert solvers.nfe("heun", 6) == 12 and solvers.nfe("dpm++2m", 6) == 6


def test_euler_maruyama_zeta0_is_euler(ring_reference):
    mix, sched, x_T, _ = ring_reference
    model = gmm.denoiser(mix, sched)
    grid = solvers.TimeGrid(30, kind="uniform")
    a = solvers.sample(model, x_T, sched, "euler", grid)
    b = solvers.sample(model, x_T, sched, "euler_maruyama", grid, key=jax.random.key(1))
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10)


@pytest.mark.parametrize("zeta", [0.5, 1.0])
def test_reverse_sde_keeps_gaussian_marginal(zeta):
    """One Gaussian N(m, s^2 I): each zeta-SDE ends at N(alpha m, alpha^2 s^2 + sigma^2) (3 SE + O(dt))."""
    mix = GaussianMixture.create([1.0], [[0.5, -1.0]], 0.4)
    sched, n, t_end = VPLinear(), 20_000, 0.05
    x_T = gmm.sample_marginal(jax.random.key(2), mix, sched, 1.0, n)
    x = solvers.sample(
        gmm.denoiser(mix, sched), x_T, sched, "euler_maruyama", solvers.TimeGrid(400, kind="uniform", t_end=t_end),
        options=solvers.SolverOptions(zeta=zeta), key=jax.random.key(3),
    )  # fmt: skip
    a, s = float(sched.alpha(t_end)), float(sched.sigma(t_end))
    var = a**2 * 0.16 + s**2
    np.testing.assert_array_less(np.abs(np.asarray(x.mean(0)) - a * np.array([0.5, -1.0])), 3 * np.sqrt(var / n) + 5e-3)
    np.testing.assert_allclose(np.asarray(x.var(0)), var, rtol=3 * np.sqrt(2 / n) + 0.02)


def test_thresholding_is_inactive_within_range_and_clips_outside():
    x0 = jnp.array([[0.5, -0.2], [3.0, -0.1]])
    np.testing.assert_allclose(np.asarray(solvers.dynamic_threshold(x0, 10.0)), np.asarray(x0))
    clipped = np.asarray(solvers.dynamic_threshold(x0, 1.0, ratio=1.0))
    np.testing.assert_allclose(clipped[0], [0.5, -0.2])
    assert np.max(np.abs(clipped[1])) <= 1.0 + 1e-12


def test_bad_input(ring_reference):
    mix, sched, x_T, _ = ring_reference
    model = gmm.denoiser(mix, sched)
    with pytest.raises(ValueError, match="num_steps must be >= 1, got 0"):
        solvers.sample(model, x_T, sched, grid=solvers.TimeGrid(num_steps=0))
    with pytest.raises(ValueError, match="solver must be one of"):
        solvers.sample(model, x_T, sched, solver="rk4")
    with pytest.raises(TypeError, match="solver must be a solver name or a Solver"):
        solvers.sample(model, x_T, sched, solver=2)
    with pytest.raises(TypeError, match="options must be a SolverOptions"):
        solvers.sample(model, x_T, sched, options={"zeta": 1.0})
    with pytest.raises(ValueError, match=r"t_start must lie in \(0, 1\], got 1.2"):
        solvers.sample(model, x_T, sched, grid=solvers.TimeGrid(t_start=1.2))
    with pytest.raises(ValueError, match=r"t_end must lie in \(0, 1\], got -0.1"):
        solvers.sample(model, x_T, sched, grid=solvers.TimeGrid(t_end=-0.1))
    with pytest.raises(ValueError, match=r"model failed on one row of x_T with shape \(3,\)"):
        solvers.sample(model, jnp.zeros((4, 3)), sched)
    with pytest.raises(ValueError, match=r"model output shape \(2,\) must match one row of x_T \(3,\)"):
        solvers.sample(lambda x, t: x[:2], jnp.zeros((4, 3)), sched)
    with pytest.raises(ValueError, match=r"x_T must have shape \(n, d\)"):
        solvers.sample(model, jnp.zeros(2), sched)
    with pytest.raises(ValueError, match="needs a PRNG key"):
        solvers.sample(model, x_T, sched, solver="euler_maruyama")
    with pytest.raises(ValueError, match="zeta must be finite and >= 0"):
        solvers.sample(
            model, x_T, sched, "euler_maruyama", options=solvers.SolverOptions(zeta=-1.0), key=jax.random.key(0)
        )
    with pytest.raises(ValueError, match="prediction must be one of"):
        solvers.sample(model, x_T, sched, prediction="noise")
    with pytest.raises(ValueError, match="needs a finite lambda|ts must lie in"):
        solvers.sample(model, x_T, RectifiedFlow(), "dpm++2m", solvers.TimeGrid(t_start=1.0))
    with pytest.raises(TypeError, match="num_steps must be an int"):
        solvers.sample(model, x_T, sched, grid=2.5)
    # rectified flow from t=1 is fine for Euler/Heun, and for log-SNR solvers from t<1
    rf = RectifiedFlow()
    out = solvers.sample(gmm.denoiser(mix, rf), x_T, rf, "heun", solvers.TimeGrid(5, kind="uniform"))
    assert np.all(np.isfinite(np.asarray(out)))
    out = solvers.sample(gmm.denoiser(mix, rf), x_T, rf, "dpm++2m", solvers.TimeGrid(5, t_start=0.999))
    assert np.all(np.isfinite(np.asarray(out)))


def test_traced_steps_match_static_steps(ring_reference):
    mix, sched, x_T, _ = ring_reference
    model = gmm.denoiser(mix, sched)
    run = jax.jit(lambda n: solvers.sample(model, x_T, sched, "dpm++3m", solvers.TimeGrid(n, max_steps=12)))
    for n in (4, 12):
        want = solvers.sample(model, x_T, sched, "dpm++3m", n)
        np.testing.assert_allclose(np.asarray(run(n)), np.asarray(want), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="max_steps must be >= num_steps=5, got 3"):
        solvers.sample(model, x_T, sched, grid=solvers.TimeGrid(5, max_steps=3))


def test_registry_lookup_and_solver_objects():
    assert solvers.get_solver("heun") is solvers.SOLVERS["heun"]
    s = solvers.get_solver("dpm++3m")
    assert solvers.get_solver(s) is s
    assert (s.order, s.evals_per_step, s.stochastic, s.multistep) == (3, 1, False, True)
    assert solvers.SOLVERS["euler_maruyama"].stochastic
    with pytest.raises(ValueError, match="did you mean 'dpm\\+\\+2m'"):
        solvers.get_solver("dpm++2")
    with pytest.raises(ValueError, match="order must be >= 1"):
        solvers.Solver("x", 0, 1, False, False, False, s.init, s.step)
    # step_orders reads the object: warm-up, final-step lowering below 10 steps, ones for one-step solvers
    np.testing.assert_array_equal(np.asarray(solvers.step_orders("dpm++3m", 5)), [1, 2, 3, 2, 1])
    np.testing.assert_array_equal(
        np.asarray(solvers.step_orders("dpm++3m", 5, lower_order_final=False)), [1, 2, 3, 3, 3]
    )
    np.testing.assert_array_equal(np.asarray(solvers.step_orders("heun", 4)), [1, 1, 1, 1])
