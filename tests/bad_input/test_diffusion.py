"""Bad input to priorscope.diffusion."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import diffusion as dfn
from priorscope.diffusion import gmm

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
MIX = gmm.GaussianMixture.create(jnp.array([0.5, 0.5]), jnp.array([[-1.0, 0.0], [1.0, 0.0]]), 0.3)
VP = dfn.VPLinear()
TS = dfn.time_grid(VP, 8)
XT = jax.random.normal(KEY, (16, 2))
A = jnp.eye(2)[:1]
YOBS = jnp.array([0.5])


def _model():
    return gmm.denoiser(MIX, VP)


def _init(*args):
    return args


CASES = [
    # raw constructors and schedules
    Case(
        "GaussianMixture",
        "weights",
        lambda: dfn.GaussianMixture(jnp.array([0.7, 0.7]), jnp.zeros((2, 2)), jnp.stack([jnp.eye(2)] * 2)),
    ),
    Case(
        "GaussianMixture",
        "means",
        lambda: dfn.GaussianMixture(jnp.array([0.5, 0.5]), jnp.zeros((3, 2)), jnp.stack([jnp.eye(2)] * 2)),
    ),
    Case("GaussianMixture", "covs", lambda: dfn.GaussianMixture(jnp.array([0.5, 0.5]), jnp.zeros((2, 2)), jnp.eye(2))),
    Case(
        "GaussianMixture", "weights", lambda: dfn.GaussianMixture.create(jnp.array([-1.0, 2.0]), jnp.zeros((2, 2)), 0.3)
    ),
    Case("VPLinear", "beta_max", lambda: dfn.VPLinear(beta_min=1.0, beta_max=0.5)),
    Case("VPLinear", "beta_min", lambda: dfn.VPLinear(beta_min=jnp.asarray(-1.0))),
    Case("Cosine", "logsnr_max", lambda: dfn.Cosine(logsnr_min=5.0, logsnr_max=1.0)),
    Case("EDM", "sigma_max", lambda: dfn.EDM(sigma_max=-1.0)),
    Case("Switch", "index", lambda: dfn.Switch(5, (VP, dfn.Cosine()))),
    Case("Switch", "options", lambda: dfn.Switch(0, ())),
    Case("Schedule", "name", lambda: dfn.get_schedule("vpp"), match="did you mean"),
    Case("RectifiedFlow", "name", lambda: dfn.get_schedule("flow")),
    Case("get_schedule", "name", lambda: dfn.get_schedule(3)),
    # time grids: a concrete JAX scalar is checked like a Python number
    Case("time_grid", "t_start", lambda: dfn.time_grid(VP, 8, t_start=jnp.asarray(1.5))),
    Case("time_grid", "t_start", lambda: dfn.time_grid(VP, 8, t_start=1.5)),
    Case("time_grid", "t_end", lambda: dfn.time_grid(VP, 8, t_end=jnp.asarray(0.0))),
    Case.jit("time_grid", "t_start", lambda: jax.jit(lambda t: dfn.time_grid(VP, 8, t_start=t))(1.5)),
    Case("time_grid", "num_steps", lambda: dfn.time_grid(VP, 0)),
    Case("time_grid", "kind", lambda: dfn.time_grid(VP, 8, kind="logsrn"), match="did you mean"),
    Case("time_grid", "rho", lambda: dfn.time_grid(VP, 8, kind="edm", rho=-1.0)),
    # solvers
    Case("integrate", "ts", lambda: dfn.integrate(_model(), XT, VP, TS.at[3].set(NAN))),
    Case("integrate", "ts", lambda: dfn.integrate(_model(), XT, VP, TS[::-1])),
    Case.jit("integrate", "ts", lambda: jax.jit(lambda ts: dfn.integrate(_model(), XT, VP, ts))(TS.at[3].set(NAN))),
    Case("integrate", "x_T", lambda: dfn.integrate(_model(), XT.at[0, 0].set(NAN), VP, TS)),
    Case("integrate", "solver", lambda: dfn.integrate(_model(), XT, VP, TS, solver="dpm++2")),
    Case("integrate", "zeta", lambda: dfn.integrate(_model(), XT, VP, TS, options=dfn.SolverOptions(zeta=-1.0))),
    Case.jit(
        "integrate",
        "zeta",
        lambda: jax.jit(
            lambda z: dfn.integrate(_model(), XT, VP, TS, "euler_maruyama", options=dfn.SolverOptions(zeta=z), key=KEY)
        )(-1.0),
    ),
    Case("integrate", "options", lambda: dfn.integrate(_model(), XT, VP, TS, options={"zeta": 1.0})),
    Case("sample", "num_steps", lambda: dfn.sample(_model(), XT, VP, grid=0)),
    Case("sample", "solver", lambda: dfn.sample(_model(), XT, VP, solver=3)),
    Case("sample", "prediction", lambda: dfn.sample(_model(), XT, VP, prediction="x1")),
    Case("sample", "threshold", lambda: dfn.sample(_model(), XT, VP, options=dfn.SolverOptions(threshold=-1.0))),
    Case("sample", "t_start", lambda: dfn.sample(_model(), XT, VP, grid=dfn.TimeGrid(t_start=jnp.asarray(2.0)))),
    Case("get_solver", "solver", lambda: dfn.get_solver("dpm++2"), match="did you mean 'dpm\\+\\+2m'"),
    Case("get_solver", "solver", lambda: dfn.get_solver(None)),
    Case("Solver", "order", lambda: dfn.Solver("x", 0, 1, False, False, False, _init, _init)),
    Case("Solver", "evals_per_step", lambda: dfn.Solver("x", 1, 0, False, False, False, _init, _init)),
    Case("Solver", "step", lambda: dfn.Solver("x", 1, 1, False, False, False, _init, None)),
    # TimeGrid and SolverOptions are plain records, checked where they are used (sample, integrate)
    Case("TimeGrid", "num_steps", lambda: dfn.sample(_model(), XT, VP, grid=dfn.TimeGrid(num_steps=2.5))),
    Case(
        "TimeGrid", "kind", lambda: dfn.sample(_model(), XT, VP, grid=dfn.TimeGrid(kind="logsrn")), match="did you mean"
    ),
    Case("TimeGrid", "max_steps", lambda: dfn.sample(_model(), XT, VP, grid=dfn.TimeGrid(8, max_steps=4))),
    Case(
        "SolverOptions",
        "threshold_ratio",
        lambda: dfn.sample(_model(), XT, VP, options=dfn.SolverOptions(threshold=1.0, threshold_ratio=0.0)),
    ),
    Case(
        "SolverOptions",
        "lower_order_final",
        lambda: dfn.sample(_model(), XT, VP, options=dfn.SolverOptions(lower_order_final="no")),
    ),
    # Feynman–Kac correctors, inverse problems, interpolants
    Case("annealed", "beta", lambda: dfn.annealed(MIX, VP, -1.0)),
    Case("FKFields", "beta", lambda: dfn.annealed(MIX, VP, NAN)),
    Case(
        "product", "mix2", lambda: dfn.product(MIX, gmm.GaussianMixture.create(jnp.ones(1), jnp.zeros((1, 3)), 0.3), VP)
    ),
    Case("tilted", "log_tilt", lambda: dfn.tilted(MIX, VP, 3.0)),
    Case("fkc_sample", "num_particles", lambda: dfn.fkc_sample(KEY, dfn.annealed(MIX, VP, 2.0), VP, TS, 0, 2)),
    Case(
        "fkc_sample",
        "ess_threshold",
        lambda: dfn.fkc_sample(KEY, dfn.annealed(MIX, VP, 2.0), VP, TS, 16, 2, ess_threshold=1.5),
    ),
    Case("exact_posterior", "sigma_y", lambda: dfn.exact_posterior(MIX, A, YOBS, -0.1)),
    Case("exact_posterior", "forward", lambda: dfn.exact_posterior(MIX, jnp.eye(3), YOBS, 0.1)),
    Case("dps_sample", "num_particles", lambda: dfn.dps_sample(KEY, MIX, VP, A, YOBS, 0.1, TS, 0)),
    Case("dps_sample", "sigma_y", lambda: dfn.dps_sample(KEY, MIX, VP, A, YOBS, 0.0, TS, 8)),
    Case("ensemble_sample", "sigma_y", lambda: dfn.ensemble_sample(KEY, MIX, VP, A, YOBS, -0.1, TS, 8)),
    Case.jit("ensemble_sample", "ts", lambda: dfn.ensemble_sample(KEY, MIX, VP, A, YOBS, 0.1, TS[::-1], 8)),
    Case("Interpolant", "path", lambda: dfn.Interpolant(path="linaer"), match="did you mean"),
    Case("Interpolant", "amplitude", lambda: dfn.Interpolant(amplitude=-1.0)),
]

EXEMPT = {
    "SOLVERS": "a constant (the registry of solvers integrate and sample accept)",
    **{
        m: "a module; its public functions are covered through the names re-exported here"
        for m in (
            "fkc",
            "interpolants",
            "inverse",
            "experiments",
            "gmm",
            "langevin",
            "schedules",
            "sds",
            "solvers",
            "targets",
        )
    },
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    with jax.enable_x64(True):
        run(case)
