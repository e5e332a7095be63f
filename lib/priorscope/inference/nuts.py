"""A fully jitted NUTS whose model arguments are traced, so a panel can re-run it in milliseconds.

NumPyro's ``MCMC.run`` re-traces and recompiles its sampler on every call (about a second on 2 CPU cores), which
is too slow behind a slider. :func:`make_nuts` builds the same NUTS kernel once from NumPyro's functional core
(``initialize_model(..., dynamic_args=True)`` and ``numpyro.infer.hmc.hmc``), runs warm-up and sampling in one
``lax.scan`` and vmaps chains. Model arguments (data, prior hyperparameters) are traced: new values re-run the
compiled code; only new *shapes* (a different data size) compile again.

References:
    Hoffman, M. D. and Gelman, A. (2014). The No-U-Turn Sampler. JMLR 15. https://arxiv.org/abs/1111.4246
    Phan, D., Pradhan, N. and Jankowiak, M. (2019). Composable effects for flexible and accelerated
    probabilistic programming in NumPyro. https://arxiv.org/abs/1912.11554
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
from numpyro.infer.hmc import hmc
from numpyro.infer.util import initialize_model, unconstrain_fn

from priorscope._checks import check_finite, check_float, check_int

__all__ = ["NUTSResult", "make_nuts", "to_arviz"]


class NUTSResult(NamedTuple):
    """What one jitted NUTS run returns.

    Attributes:
        samples: site name → constrained draws of shape ``(num_chains, num_samples, *site_shape)``.
        accept_prob: mean acceptance probability per draw, ``(num_chains, num_samples)``.
        diverging: divergent transitions, ``(num_chains, num_samples)`` bool.
        num_steps: leapfrog steps per draw, ``(num_chains, num_samples)``.
    """

    samples: dict[str, jax.Array]
    accept_prob: jax.Array
    diverging: jax.Array
    num_steps: jax.Array


def make_nuts(
    model: Callable[..., Any],
    example_args: tuple[Any, ...],
    *,
    num_warmup: int,
    num_samples: int,
    num_chains: int = 1,
    target_accept_prob: float = 0.8,
    max_tree_depth: int = 10,
    init_values: Callable[..., dict[str, jax.Array]] | None = None,
) -> Callable[..., NUTSResult]:
    """Build ``run(key, *model_args) -> NUTSResult``, a jitted NUTS sampler for ``model``.

    Args:
        model: a NumPyro model ``model(*model_args)``; every argument must be an array (it is traced).
        example_args: arguments of the right shapes and dtypes, used once to find the model's sites.
        num_warmup: adaptation steps per chain (step size and diagonal mass matrix), >= 1.
        num_samples: kept draws per chain, >= 1.
        num_chains: independent chains, vmapped, >= 1.
        target_accept_prob: dual-averaging target in (0, 1).
        max_tree_depth: NUTS maximum tree depth, >= 1.
        init_values: where the chains start. ``None`` (default): independent uniform(−2, 2) points in
            unconstrained space (NumPyro's ``init_to_uniform``). Otherwise a pure function
            ``init_values(key, *model_args) -> {site: values}`` giving constrained starting values with a leading
            ``(num_chains,)`` axis, for models whose support a uniform start would usually miss (a truncated prior).

    Returns:
        ``run(key, *model_args)``.

    Examples:
        >>> import numpyro, numpyro.distributions as dist, jax, jax.numpy as jnp
        >>> def model(y):
        ...     mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        ...     numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)
        >>> run = make_nuts(model, (jnp.zeros(3),), num_warmup=100, num_samples=100)
        >>> run(jax.random.key(0), jnp.ones(3)).samples["mu"].shape
        (1, 100)
    """
    num_warmup = check_int("num_warmup", num_warmup, min_value=1)
    num_samples = check_int("num_samples", num_samples, min_value=1)
    num_chains = check_int("num_chains", num_chains, min_value=1)
    max_tree_depth = check_int("max_tree_depth", max_tree_depth, min_value=1)
    target_accept_prob = check_float("target_accept_prob", target_accept_prob)
    if not 0 < target_accept_prob < 1:
        raise ValueError(f"target_accept_prob must lie in (0, 1), got {target_accept_prob}")
    if not isinstance(example_args, tuple):
        raise TypeError(f"example_args must be a tuple, got {type(example_args).__name__}")
    if not callable(model):
        raise TypeError(f"model must be a NumPyro model function, got {type(model).__name__}")
    if init_values is not None and not callable(init_values):
        raise TypeError(f"init_values must be None or a function (key, *model_args) -> dict, got {init_values!r}")

    info = initialize_model(jax.random.key(0), model, model_args=example_args, dynamic_args=True)
    init_kernel, sample_kernel = hmc(potential_fn_gen=info.potential_fn, algo="NUTS")
    template = info.param_info.z

    def uniform_start(key: jax.Array) -> Any:
        leaves, tree = jax.tree_util.tree_flatten(template)
        keys = jax.random.split(key, len(leaves))
        return jax.tree_util.tree_unflatten(
            tree,
            [
                jax.random.uniform(k, jnp.shape(x), jnp.result_type(x), -2.0, 2.0)
                for k, x in zip(keys, leaves, strict=True)
            ],
        )

    def one_chain(key: jax.Array, z0: Any, model_args: tuple[Any, ...]) -> NUTSResult:
        state = init_kernel(
            z0,
            num_warmup,
            target_accept_prob=target_accept_prob,
            max_tree_depth=max_tree_depth,
            model_args=model_args,
            rng_key=key,
        )
        # A NaN in the data or an invalid hyperparameter (a scale <= 0) makes the log density non-finite at the
        # start: the chain would never move (acceptance 0), so it is an error rather than a silent result.
        state = state._replace(
            potential_energy=eqx.error_if(
                state.potential_energy,
                ~jnp.isfinite(state.potential_energy),
                "run's model arguments give a non-finite log density at the initial point "
                "(NaN/inf data, or a hyperparameter outside its support such as a scale <= 0)",
            )
        )

        def step(state: Any, _: None) -> tuple[Any, tuple[Any, ...]]:
            state = sample_kernel(state, model_args=model_args)
            return state, (state.z, state.mean_accept_prob, state.diverging, state.num_steps)

        _, (zs, accept, diverging, steps) = jax.lax.scan(step, state, None, length=num_warmup + num_samples)
        zs = jax.tree_util.tree_map(lambda x: x[num_warmup:], zs)
        constrained = jax.vmap(info.postprocess_fn(*model_args))(zs)
        return NUTSResult(constrained, accept[num_warmup:], diverging[num_warmup:], steps[num_warmup:])

    @jax.jit
    def run(key: jax.Array, *model_args: Any) -> NUTSResult:
        if len(model_args) != len(example_args):
            raise TypeError(f"run takes {len(example_args)} model argument(s) after key, got {len(model_args)}")
        model_args = tuple(
            check_finite(f"model argument {i} of run", a) if jnp.issubdtype(jnp.result_type(a), jnp.floating) else a
            for i, a in enumerate(model_args)
        )
        model_args = tuple(model_args)
        if init_values is None:
            # per chain: one key for the uniform start, one for the sampler
            pairs = jax.vmap(jax.random.split)(jax.random.split(key, num_chains))
            k_init, k_run = pairs[:, 0], pairs[:, 1]
            z0 = jax.vmap(uniform_start)(k_init)
        else:
            k_init, key = jax.random.split(key)
            k_run = jax.random.split(key, num_chains)
            starts = init_values(k_init, *model_args)
            z0 = jax.vmap(lambda p: unconstrain_fn(model, model_args, {}, p))(starts)
        return jax.vmap(one_chain, in_axes=(0, 0, None))(k_run, z0, model_args)

    return run


def to_arviz(result: NUTSResult) -> Any:
    """The draws of a :class:`NUTSResult` as an ArviZ ``DataTree`` (posterior + sample stats) for diagnostics."""
    if not isinstance(result, NUTSResult):
        raise TypeError(f"result must be a NUTSResult (what make_nuts's run returns), got {type(result).__name__}")
    import numpy as np
    from arviz_base import from_dict

    return from_dict(
        {
            "posterior": {k: np.asarray(v) for k, v in result.samples.items()},
            "sample_stats": {
                "diverging": np.asarray(result.diverging),
                "acceptance_rate": np.asarray(result.accept_prob),
            },
        }
    )
