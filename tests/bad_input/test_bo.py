"""Bad input to priorscope.bo."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import bo, gp, iterate

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
M = jnp.array([0.1, 0.5, 0.2])
S = jnp.array([0.3, 0.2, 0.1])
C = jnp.eye(3) * 0.1
PROB = bo.forrester(12)
R = gp.RBF(0.2)
GRAM = R(PROB.X)
CNT = jnp.zeros(12).at[0].set(1.0)
SUMS = jnp.zeros(12).at[0].set(0.3)
XT = jnp.linspace(0, 1, 5)[:, None]
YT = jnp.sin(XT[:, 0])


def _run(**kw):
    args = dict(num_init=2, num_steps=3)
    args.update(kw)
    return bo.run(KEY, PROB, R, 1e-4, **args)


def _belief(**kw):
    fields = dict(mean=M, cov=C, observed=jnp.array([True, False, False]), noise_var=jnp.asarray(0.1))
    fields.update(kw)
    return bo.GridBelief(**fields)


def _grid_bo_run(noise_var):
    algo = bo.grid_bo(PROB, R, noise_var, num_init=2)
    return iterate.run(KEY, algo, algo.init(KEY), 2)


CASES = [
    Case("expected_improvement", "std", lambda: bo.expected_improvement(M, -S, 0.0)),
    Case("expected_improvement", "best", lambda: bo.expected_improvement(M, S, NAN)),
    Case.jit("expected_improvement", "std", lambda: jax.jit(bo.expected_improvement)(M, -S, 0.0)),
    Case("log_expected_improvement", "std", lambda: bo.log_expected_improvement(M, -S, 0.0)),
    Case("probability_of_improvement", "std", lambda: bo.probability_of_improvement(M, -S, 0.0)),
    Case("upper_confidence_bound", "beta", lambda: bo.upper_confidence_bound(M, S, -1.0)),
    Case("knowledge_gradient", "noise_var", lambda: bo.knowledge_gradient(M, C, -0.1)),
    Case("noisy_expected_improvement", "noise_var", lambda: bo.noisy_expected_improvement(M, C, -0.1, jnp.array([0]))),
    Case("expected_max_affine", "b", lambda: bo.expected_max_affine(M, jnp.ones(4))),
    Case("max_value_entropy_search", "num_samples", lambda: bo.max_value_entropy_search(KEY, M, C, S, 0)),
    Case("thompson_sample", "cov", lambda: bo.thompson_sample(KEY, M, jnp.eye(4))),
    Case("thompson_sample", "jitter", lambda: bo.thompson_sample(KEY, M, C, jitter=-1.0)),
    Case(
        "acquisition_scores",
        "acquisition",
        lambda: bo.acquisition_scores(KEY, "eii", M, C, CNT[:3], 0.1, 2.0),
        match="did you mean",
    ),
    Case("acquisition_scores", "noise_var", lambda: bo.acquisition_scores(KEY, "ei", M, C, CNT[:3], -0.1, 2.0)),
    Case("grid_posterior", "noise_var", lambda: bo.grid_posterior(GRAM, CNT, SUMS, -1.0)),
    Case("grid_posterior", "counts", lambda: bo.grid_posterior(GRAM, -CNT, SUMS, 0.1)),
    Case("init", "num_init", lambda: bo.init(KEY, PROB, 0)),
    Case("BOState", "num_init", lambda: bo.init(KEY, PROB, 13)),
    Case("run", "num_steps", lambda: _run(num_steps=0)),
    Case("run", "acquisition", lambda: _run(acquisition="ucbb"), match="did you mean"),
    Case("run", "noise_var", lambda: bo.run(KEY, PROB, R, -1.0, num_init=2, num_steps=2)),
    Case.jit("run", "noise_var", lambda: jax.jit(lambda n: bo.run(KEY, PROB, R, n, num_init=2, num_steps=2))(-1.0)),
    Case("BOInfo", "beta", lambda: _run(acquisition="ucb", beta=-1.0)),
    Case("step", "kernel", lambda: bo.step(KEY, bo.init(KEY, PROB, 2), PROB, lambda a, b: 0.0, 1e-4)),
    Case("grid_bo", "num_init", lambda: bo.grid_bo(PROB, R, 1e-4, num_init=13)),
    Case("grid_bo", "acquisition", lambda: bo.grid_bo(PROB, R, 1e-4, num_init=2, acquisition="eii"), "did you mean"),
    Case("grid_bo", "kernel", lambda: bo.grid_bo(PROB, lambda a, b: 0.0, 1e-4, num_init=2)),
    Case.jit("grid_bo", "noise_var", lambda: jax.jit(lambda n: _grid_bo_run(n))(-1.0)),
    Case(
        "AcquisitionParams",
        "num_samples",
        lambda: bo.acquisitions.REGISTRY["mes"](KEY, _belief(), bo.AcquisitionParams(num_samples=0)),
    ),
    Case(
        "AcquisitionParams", "beta", lambda: bo.acquisitions.REGISTRY["ucb"](KEY, _belief(), bo.AcquisitionParams(-1.0))
    ),
    Case(
        "GridBelief",
        "observed",
        lambda: bo.acquisitions.REGISTRY["noisy_ei"](KEY, _belief(observed=jnp.zeros(3, bool)), bo.AcquisitionParams()),
    ),
    Case(
        "GridBelief",
        "cov",
        lambda: bo.acquisitions.REGISTRY["kg"](KEY, _belief(cov=jnp.eye(4)), bo.AcquisitionParams()),
    ),
    Case("forrester", "num_points", lambda: bo.forrester(1)),
    Case("forrester", "noise_std", lambda: bo.forrester(10, noise_std=-0.1)),
    Case("gramacy_lee", "noise_std", lambda: bo.gramacy_lee(10, noise_std=NAN)),
    Case("gp_sample_problem", "X", lambda: bo.gp_sample_problem(KEY, R, jnp.ones((2, 2, 2)))),
    Case("GridProblem", "problem.f", lambda: bo.init(KEY, bo.GridProblem(jnp.zeros((3, 1)), jnp.zeros(4), 0.0), 1)),
    Case("cumulative_regret", "f_values", lambda: bo.cumulative_regret(1.0, jnp.array([0.5, NAN]))),
    Case("instantaneous_regret", "f_opt", lambda: bo.instantaneous_regret(NAN, jnp.array([0.5]))),
    Case("simple_regret", "f_values", lambda: bo.simple_regret(1.0, jnp.zeros((0,)))),
    Case(
        "fixed_problem_study",
        "num_seeds",
        lambda: bo.fixed_problem_study(KEY, PROB, R, "ei", num_seeds=0, num_init=2, num_steps=2),
    ),
    Case(
        "regret_study",
        "acquisitions",
        lambda: bo.regret_study(KEY, R, PROB.X, ["ei", "nope"], num_seeds=1, num_init=2, num_steps=2),
    ),
    Case("branin_problem", "num_per_axis", lambda: bo.branin_problem(0)),
    Case(
        "relu_net_outputs",
        "width",
        lambda: bo.relu_net_outputs(KEY, XT, width=0, depth=1, weight_variance=1.0, bias_variance=0.0, num_nets=2),
    ),
    Case(
        "relu_net_outputs",
        "weight_variance",
        lambda: bo.relu_net_outputs(KEY, XT, width=4, depth=1, weight_variance=-1.0, bias_variance=0.0, num_nets=2),
    ),
    Case(
        "fit_ensemble",
        "bootstrap",
        lambda: bo.fit_ensemble(KEY, XT, YT, num_members=2, width=4, depth=1, num_steps=2, bootstrap=1.5),
    ),
    Case(
        "fit_ensemble",
        "num_members",
        lambda: bo.fit_ensemble(KEY, XT, YT, num_members=0, width=4, depth=1, num_steps=2),
    ),
    Case("mlp_apply", "params", lambda: bo.mlp_apply([], XT)),
    Case("ensemble_predict", "params", lambda: bo.ensemble_predict([], XT)),
    Case(
        "hmc_bnn_predict",
        "noise_var",
        lambda: bo.hmc_bnn_predict(KEY, XT, YT, XT, width=4, depth=1, noise_var=-1.0, num_warmup=5, num_samples=5),
    ),
    Case("batch_size", "switch_c", lambda: bo.batch_size(0.1, 0.1, 0.5)),
    Case("switching_init", "num_init", lambda: bo.switching_init(KEY, PROB, 0)),
    Case("switching_bo", "switch_c", lambda: bo.switching_bo(PROB, R, 1e-4, 2.0, 0.5, num_init=2)),
    Case("switching_bo", "rule", lambda: bo.switching_bo(PROB, R, 1e-4, 2.0, 2.0, num_init=2, rule="al"), "rule"),
    Case("switching_bo", "problem", lambda: bo.switching_bo(PROB.X, R, 1e-4, 2.0, 2.0, num_init=2)),
    Case(
        "switching_run",
        "rule",
        lambda: bo.switching_run(KEY, PROB, R, 1e-4, 2.0, 2.0, num_init=2, num_steps=2, rule="varience"),
        match="did you mean",
    ),
    Case("SwitchState", "switch_c", lambda: bo.switching_run(KEY, PROB, R, 1e-4, 2.0, 0.5, num_init=2, num_steps=2)),
    Case(
        "switching_step",
        "beta",
        lambda: bo.switching_step(KEY, bo.switching_init(KEY, PROB, 2), PROB, R, 1e-4, -2.0, 2.0),
    ),
    Case(
        "SwitchInfo",
        "noise_var",
        lambda: bo.switching_step(KEY, bo.switching_init(KEY, PROB, 2), PROB, R, -1.0, 2.0, 2.0),
    ),
]

EXEMPT = {"ACQUISITIONS": "a constant (the names run accepts)"}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    with jax.enable_x64(True):
        run(case)
