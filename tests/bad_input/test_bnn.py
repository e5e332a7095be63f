"""Bad input to priorscope.bnn (networks, priors, function draws)."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import bnn

from ._cases import Case, ids, run

KEY = jax.random.key(0)
X = jnp.linspace(-1.0, 1.0, 4)
P = bnn.init_mlp(KEY, (1, 3, 1))
I2 = jnp.eye(2)
F = jnp.ones((4, 2))


def _lp(t):
    return -0.5 * jnp.sum(t**2)


def _ll(t, d):
    return -0.5 * (d[1] - d[0] * t[0]) ** 2


def _sg(**kw):
    args = {"step_size": 1e-3, "num_samples": 2, "num_burnin": 0} | kw
    return bnn.sgmcmc_sample(KEY, _lp, _ll, jnp.zeros(1), (X, X), **args)


CASES = [
    Case("init_mlp", "layer_sizes", lambda: bnn.init_mlp(KEY, (1, 0, 1))),
    Case("init_mlp", "layer_sizes", lambda: bnn.init_mlp(KEY, (1,))),
    Case("init_mlp", "weight_variance", lambda: bnn.init_mlp(KEY, (1, 3, 1), -1.0)),
    Case("init_mlp", "weight_variance", lambda: bnn.init_mlp(KEY, (1, 3, 1), jnp.ones(5))),
    Case("init_mlp", "bias_variance", lambda: bnn.init_mlp(KEY, (1, 3, 1), 1.0, -0.1)),
    Case("mlp_apply", "activation", lambda: bnn.mlp_apply(P, X, "rellu")),
    Case("mlp_apply", "x", lambda: bnn.mlp_apply(P, jnp.ones((4, 2)))),
    Case("log_prior", "bias_variance", lambda: bnn.log_prior(P, 1.0, 0.0)),
    Case("sample_functions", "num_samples", lambda: bnn.sample_functions(KEY, X, (1, 3, 1), 0)),
    Case("sample_functions", "layer_sizes", lambda: bnn.sample_functions(KEY, X, (1, 3, 2), 4)),
    Case.jit(
        "sample_functions",
        "weight_variance",
        lambda: jax.jit(lambda s: bnn.sample_functions(KEY, X, (1, 3, 1), 4, s))(-1.0),
    ),
    Case(
        "sample_scale_mixture_functions",
        "a",
        lambda: bnn.sample_scale_mixture_functions(KEY, X, (1, 3, 1), 4, -1.0, 1.0),
    ),
    Case(
        "sample_scale_mixture_functions",
        "b",
        lambda: bnn.sample_scale_mixture_functions(KEY, X, (1, 3, 1), 4, 1.0, 0.0),
    ),
    Case("gaussian_w2", "cov1", lambda: bnn.gaussian_w2(jnp.zeros(2), jnp.eye(3), jnp.zeros(2), I2)),
    Case("critic_w1", "samples_p", lambda: bnn.critic_w1(KEY, F, jnp.ones((4, 3)))),
    Case("critic_w1", "num_steps", lambda: bnn.critic_w1(KEY, F, F, num_steps=0)),
    Case("fit_prior_wasserstein", "gp_cholesky", lambda: bnn.fit_prior_wasserstein(KEY, I2, X, (1, 3, 1), 1.0, 1.0)),
    Case(
        "fit_prior_wasserstein",
        "weight_variance0",
        lambda: bnn.fit_prior_wasserstein(KEY, jnp.eye(4), X, (1, 3, 1), -1.0, 1.0, num_outer=1),
    ),
    Case("sgmcmc_sample", "step_size", lambda: _sg(step_size=-1.0)),
    Case("sgmcmc_sample", "method", lambda: _sg(method="hmc")),
    Case("sgmcmc_sample", "num_samples", lambda: _sg(num_samples=0)),
    Case(
        "sgmcmc_sample",
        "data",
        lambda: bnn.sgmcmc_sample(
            KEY, _lp, _ll, jnp.zeros(1), (X[:0], X[:0]), step_size=1e-3, num_samples=1, num_burnin=0
        ),
    ),
    Case("nngp_grams", "depth", lambda: bnn.nngp_grams(F, 0)),
    Case("dkm_objective", "nu", lambda: bnn.dkm_objective([I2], F[:2], jnp.ones(2), 0.0, 0.1)),
    Case("dkm_objective", "noise_var", lambda: bnn.dkm_objective([I2], F[:2], jnp.ones(2), 1.0, -0.1)),
    Case("fit_dkm", "num_steps", lambda: bnn.fit_dkm(F, jnp.ones(4), 1, 1.0, 0.1, num_steps=0)),
    Case("fit_dkm", "init_grams", lambda: bnn.fit_dkm(F, jnp.ones(4), 2, 1.0, 0.1, init_grams=[I2])),
]

EXEMPT = {
    "continual": "a module namespace (bnn.continual.<name>); not a callable",
    "fewshot": "a module namespace (bnn.fewshot.<name>); not a callable",
    "martingale": "a module namespace (bnn.martingale.<name>); not a callable",
    "neural_process": "a module namespace (bnn.neural_process.<name>); not a callable",
    "universality": "a module namespace (bnn.universality.<name>); not a callable",
    "DKMFit": "a result container returned by fit_dkm, never built by users",
    "arccos_gram": "a pure map of any Gram matrix (tested against gp.ArcCosine); called by the checked entry points",
    "WassersteinFit": "a result container returned by fit_prior_wasserstein, never built by users",
    "ACTIVATIONS": "a constant table of nonlinearities, not a function",
    "flatten": "ravel_pytree of any pytree of arrays; every input is valid",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
