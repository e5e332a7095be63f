"""Bad input to priorscope.particles."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import particles
from priorscope.particles import smc

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
W = jnp.array([0.2, 0.3, 0.5])
LW = jnp.log(W)
TOY = particles.make_bimodal_toy()
X0 = 3.0 * jax.random.normal(KEY, (64, 1))
BETAS = jnp.linspace(0.0, 1.0, 6)
EDGES = jnp.linspace(-6, 6, 13)


def _smc(**kw):
    args = dict(key=KEY, particles=X0, log_prior_fn=TOY.log_prior, log_likelihood_fn=TOY.log_likelihood, betas=BETAS)
    args.update(kw)
    return particles.tempered_smc(**args)


CASES = [
    Case("resample", "weights", lambda: particles.resample(KEY, W.at[0].set(NAN), 5)),
    Case("resample", "weights", lambda: particles.resample(KEY, jnp.zeros(3), 5)),
    Case("resample", "weights", lambda: particles.resample(KEY, jnp.array([0.5, -0.1, 0.6]), 5)),
    Case.jit(
        "resample", "weights", lambda: jax.jit(lambda w: particles.resample(KEY, w, 5))(jnp.array([0.5, -0.1, 0.6]))
    ),
    Case("resample", "scheme", lambda: particles.resample(KEY, W, 5, scheme="systematc"), match="did you mean"),
    Case("multinomial", "num_samples", lambda: particles.multinomial(KEY, W, 0)),
    Case("stratified", "num_samples", lambda: particles.stratified(KEY, W, 2.0)),
    Case("systematic", "weights", lambda: particles.systematic(KEY, jnp.ones((2, 2)), 3)),
    Case("tempered_smc", "betas", lambda: _smc(betas=BETAS[::-1])),
    Case("tempered_smc", "betas", lambda: _smc(betas=jnp.linspace(0.0, 0.5, 6))),
    Case("tempered_smc", "betas", lambda: _smc(betas=BETAS * 2)),
    Case("tempered_smc", "ess_threshold", lambda: _smc(ess_threshold=1.5)),
    Case("tempered_smc", "proposal_scale", lambda: _smc(proposal_scale=-1.0)),
    Case.jit("tempered_smc", "proposal_scale", lambda: jax.jit(lambda s: _smc(proposal_scale=s))(-1.0)),
    Case("tempered_smc", "scheme", lambda: _smc(scheme="best")),
    Case("rwmh", "scale", lambda: particles.rwmh(KEY, X0, TOY.log_prior, -1.0, 3)),
    Case("rwmh", "num_steps", lambda: particles.rwmh(KEY, X0, TOY.log_prior, 1.0, -2)),
    Case("make_bimodal_toy", "left_weight", lambda: particles.make_bimodal_toy(left_weight=1.5)),
    Case("make_bimodal_toy", "scale", lambda: particles.make_bimodal_toy(scale=0.0)),
    Case(
        "BumpLikelihoodToy", "scales", lambda: particles.BumpLikelihoodToy(1.0, jnp.zeros(2), -jnp.ones(2), jnp.ones(2))
    ),
    Case(
        "importance_experiment",
        "proposal_scale",
        lambda: particles.importance_experiment(KEY, TOY, 0.0, -1.0, 100, EDGES),
    ),
    Case("importance_experiment", "num_samples", lambda: particles.importance_experiment(KEY, TOY, 0.0, 1.0, 0, EDGES)),
    Case("smc_experiment", "num_particles", lambda: particles.smc_experiment(KEY, TOY, 4, 0, 2, 0.5, EDGES)),
    Case("smc_experiment", "ess_threshold", lambda: particles.smc_experiment(KEY, TOY, 4, 32, 2, 2.0, EDGES)),
    Case("smc_experiment", "edges", lambda: particles.smc_experiment(KEY, TOY, 4, 32, 2, 0.5, EDGES[::-1])),
    Case("ess", "log_weights", lambda: particles.ess(jnp.zeros((2, 2)))),
    Case("ess", "log_weights", lambda: particles.ess(jnp.array([0.0, NAN]))),
    Case("ess_fraction", "log_weights", lambda: particles.ess_fraction(jnp.zeros(0))),
    Case("log_ess", "log_weights", lambda: particles.log_ess(jnp.array([NAN, 0.0]))),
    Case("log_mean_weight", "log_weights", lambda: particles.log_mean_weight(jnp.array([jnp.inf, 0.0]))),
    Case("log_normalize", "log_weights", lambda: particles.log_normalize(jnp.full(3, -jnp.inf))),
    Case("normalize", "log_weights", lambda: particles.normalize(jnp.array([0.0, NAN]))),
    Case("weighted_mean", "values", lambda: particles.weighted_mean(LW, jnp.ones(4))),
    Case("weighted_var", "values", lambda: particles.weighted_var(LW, jnp.ones((2, 3)))),
    Case("SMCState", "log_weights", lambda: smc.init(jnp.zeros((3, 1)), jnp.zeros(4))),
    Case("SMCInfo", "ess_threshold", lambda: smc.resample_if_needed(KEY, smc.init(jnp.zeros((3, 1))), 1.5)),
]

EXEMPT = {
    "SCHEMES": "a constant (the registry of resampling schemes)",
    "resampling": "a module; its functions are covered by name",
    "smc": "a module; its functions (init, step) are exercised through SMCState/SMCInfo cases",
    "tempering": "a module; its functions are covered by name",
    "toy": "a module; its functions are covered by name",
    "weights": "a module; its functions are covered by name",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
