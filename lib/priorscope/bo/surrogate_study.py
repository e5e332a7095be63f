r"""Surrogates compared inside the same BO loop (notebook 03): GP, infinite-width BNN, deep ensemble, HMC BNN.

Li, Rudner and Wilson (2024) rank BO surrogates by the regret of the same acquisition (EI) on the same problems.
Here every surrogate turns the data seen so far into a mean and a standard deviation on the candidate grid, and
one loop does the rest: EI against the best mean at an evaluated point, evaluate its argmax, record the simple
regret. The neural surrogates are refitted from scratch at every step, as in the paper:

* **deep ensemble**: ``num_members`` tanh MLPs from different random initialisations, each trained by Adam on the
  squared error with a small weight decay; mean and spread across members (Lakshminarayanan et al., 2017);
* **HMC BNN**: the same MLP with i.i.d. :math:`N(0, \sigma_p^2)` weights and a Gaussian likelihood, sampled by
  Hamiltonian Monte Carlo (``num_chains`` chains, leapfrog with a step size adapted during warm-up towards an
  acceptance rate of 0.65); mean and spread of the network outputs over the draws.

The data live in fixed-size buffers (``num_init + num_steps`` slots with a validity mask), so a whole run is one
``lax.scan`` and ``vmap`` runs it over seeds.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from priorscope._checks import check_choice, check_int, check_positive
from priorscope.bo import acquisitions as acq
from priorscope.bo.loop import GridProblem, grid_posterior, init
from priorscope.bo.surrogates import init_mlp, mlp_apply
from priorscope.gp.kernels import Kernel

__all__ = [
    "NEURAL_SURROGATES",
    "NeuralSizes",
    "ensemble_surrogate",
    "hmc_surrogate",
    "surrogate_bo_run",
    "surrogate_study",
]

NEURAL_SURROGATES = ("ensemble", "hmc")


class NeuralSizes(NamedTuple):
    """Static sizes of the neural surrogates (all ints)."""

    width: int = 16
    depth: int = 2
    num_members: int = 5
    train_steps: int = 300
    num_chains: int = 4
    num_warmup: int = 100
    num_samples: int = 50
    num_leapfrog: int = 10


DEFAULT_SIZES = NeuralSizes()


def ensemble_surrogate(key, X_obs, y_obs, valid, X, sizes: NeuralSizes, weight_decay=1e-3, learning_rate=1e-2):
    """Deep-ensemble mean and standard deviation ``(n,)`` each at ``X`` from the valid rows of the data buffer."""
    import optax

    arch = [X.shape[1]] + [sizes.width] * sizes.depth + [1]
    opt = optax.adam(learning_rate)
    w = valid.astype(X.dtype)

    def train(k):
        params = init_mlp(k, arch)

        def loss(p):
            err = jnp.sum(w * (mlp_apply(p, X_obs) - y_obs) ** 2) / jnp.maximum(w.sum(), 1.0)
            return err + weight_decay * sum(jnp.sum(W**2) for W, _ in p)

        def step(carry, _):
            p, s = carry
            upd, s = opt.update(jax.grad(loss)(p), s, p)
            return (optax.apply_updates(p, upd), s), None

        (params, _), _ = jax.lax.scan(step, (params, opt.init(params)), None, length=sizes.train_steps)
        return mlp_apply(params, X)

    preds = jax.vmap(train)(jax.random.split(key, sizes.num_members))
    return preds.mean(0), preds.std(0)


def hmc_surrogate(key, X_obs, y_obs, valid, X, sizes: NeuralSizes, prior_var=1.0, noise_var=1e-2):
    """HMC-BNN posterior predictive mean and standard deviation of f ``(n,)`` each at ``X``."""
    arch = [X.shape[1]] + [sizes.width] * sizes.depth + [1]
    template = init_mlp(jax.random.key(0), arch)
    flat0, unravel = ravel_pytree(template)
    w = valid.astype(X.dtype)

    def log_post(theta):
        f = mlp_apply(unravel(theta), X_obs)
        return -0.5 * jnp.sum(theta**2) / prior_var - 0.5 * jnp.sum(w * (y_obs - f) ** 2) / noise_var

    grad = jax.grad(log_post)

    def leapfrog(theta, p, eps):
        p = p + 0.5 * eps * grad(theta)

        def body(_, c):
            th, pp = c
            th = th + eps * pp
            return th, pp + eps * grad(th)

        theta, p = jax.lax.fori_loop(0, sizes.num_leapfrog - 1, body, (theta, p))
        theta = theta + eps * p
        return theta, p + 0.5 * eps * grad(theta)

    def hmc_step(carry, k):
        theta, log_eps, adapt = carry
        k_mom, k_acc = jax.random.split(k)
        eps = jnp.exp(log_eps)
        p0 = jax.random.normal(k_mom, theta.shape, theta.dtype)
        theta1, p1 = leapfrog(theta, p0, eps)
        log_ratio = log_post(theta1) - 0.5 * jnp.sum(p1**2) - log_post(theta) + 0.5 * jnp.sum(p0**2)
        accept_prob = jnp.exp(jnp.minimum(jnp.nan_to_num(log_ratio, nan=-jnp.inf), 0.0))
        accept = jax.random.uniform(k_acc, dtype=theta.dtype) < accept_prob
        theta = jnp.where(accept, theta1, theta)
        log_eps = log_eps + adapt * 0.1 * (accept_prob - 0.65)
        return (theta, log_eps, adapt), mlp_apply(unravel(theta), X)

    def chain(k):
        k_init, k_warm, k_draw = jax.random.split(k, 3)
        theta = ravel_pytree(init_mlp(k_init, arch))[0]
        log_eps = jnp.log(jnp.asarray(0.01, flat0.dtype))
        (theta, log_eps, _), _ = jax.lax.scan(
            hmc_step, (theta, log_eps, jnp.asarray(1.0, flat0.dtype)), jax.random.split(k_warm, sizes.num_warmup)
        )
        _, f = jax.lax.scan(
            hmc_step, (theta, log_eps, jnp.asarray(0.0, flat0.dtype)), jax.random.split(k_draw, sizes.num_samples)
        )
        return f

    draws = jax.vmap(chain)(jax.random.split(key, sizes.num_chains)).reshape(-1, X.shape[0])
    return draws.mean(0), draws.std(0)


def surrogate_bo_run(
    key,
    problem: GridProblem,
    surrogate: str,
    *,
    num_init: int,
    num_steps: int,
    kernel: Kernel | None = None,
    noise_var=1e-2,
    sizes: NeuralSizes = DEFAULT_SIZES,
):
    """Simple regret ``(num_steps,)`` of EI with one surrogate (``"gp"``, ``"ensemble"``, ``"hmc"``) or random search.

    ``"gp"`` uses ``kernel`` (any GP kernel, e.g. an I-BNN :class:`~priorscope.gp.ArcCosine`) with noise variance
    ``noise_var``; the HMC BNN uses the same ``noise_var`` in its likelihood. The initial design comes from
    :func:`priorscope.bo.init` with the same key for every surrogate (common random numbers).
    """
    check_choice("surrogate", surrogate, ("gp", "random", *NEURAL_SURROGATES))
    if surrogate == "gp" and kernel is None:
        raise ValueError("kernel must be a priorscope.gp kernel when surrogate is 'gp', got None")
    num_steps = check_int("num_steps", num_steps, min_value=1)
    num_init = check_int("num_init", num_init, min_value=1)
    check_positive("noise_var", noise_var)
    if surrogate == "gp" and kernel is None:
        raise ValueError("surrogate='gp' needs a kernel")
    X, f = problem.X, problem.f
    n, m = f.shape[0], num_init + num_steps
    k_init, k_loop = jax.random.split(key)
    state = init(k_init, problem, num_init)
    first = jnp.argsort(-state.counts, stable=True)[:num_init]  # the initial design's indices
    idx_buf = jnp.zeros((m,), jnp.int32).at[:num_init].set(first.astype(jnp.int32))
    y_buf = jnp.zeros((m,), f.dtype).at[:num_init].set(state.sums[first] / state.counts[first])
    gram = kernel(X) if surrogate == "gp" and kernel is not None else None

    def body(carry, k):
        counts, sums, idx_buf, y_buf, t, best_f = carry
        k_fit, k_obs = jax.random.split(k)
        valid = jnp.arange(m) < t
        if surrogate == "random":
            idx = jax.random.randint(k_fit, (), 0, n)
        else:
            if surrogate == "gp":
                mean, var = grid_posterior(gram, counts, sums, noise_var, full_cov=False)
                std = jnp.sqrt(jnp.clip(var, 0.0))
            elif surrogate == "ensemble":
                mean, std = ensemble_surrogate(k_fit, X[idx_buf], y_buf, valid, X, sizes)
            else:
                mean, std = hmc_surrogate(k_fit, X[idx_buf], y_buf, valid, X, sizes, noise_var=noise_var)
            best = jnp.max(jnp.where(counts > 0, mean, -jnp.inf))
            idx = jnp.argmax(acq.expected_improvement(mean, std, best)).astype(jnp.int32)
        y = f[idx] + problem.noise_std * jax.random.normal(k_obs, (), f.dtype)
        best_f = jnp.maximum(best_f, f[idx])
        carry = (
            counts.at[idx].add(1.0),
            sums.at[idx].add(y),
            idx_buf.at[t].set(idx.astype(jnp.int32)),
            y_buf.at[t].set(y),
            t + 1,
            best_f,
        )
        return carry, jnp.max(f) - best_f

    carry = (state.counts, state.sums, idx_buf, y_buf, jnp.asarray(num_init), state.best_f)
    _, regret = jax.lax.scan(body, carry, jax.random.split(k_loop, num_steps))
    return regret


def surrogate_study(
    key,
    X,
    objectives,
    surrogate: str,
    *,
    num_seeds: int,
    num_init: int,
    num_steps: int,
    kernel: Kernel | None = None,
    noise_var=1e-2,
    sizes: NeuralSizes = DEFAULT_SIZES,
):
    """Simple regret ``(P, num_seeds, num_steps)`` of one surrogate on P objectives sharing the grid ``X``.

    ``objectives`` is ``(P, n)`` (noise-free function values on ``X``). Seed s uses the s-th split of ``key`` on
    every objective and for every surrogate, so two calls with the same key share their initial designs. All
    objectives and seeds run in one compiled, doubly vmapped loop.
    """
    num_seeds = check_int("num_seeds", num_seeds, min_value=1)
    X, objectives = jnp.asarray(X), jnp.asarray(objectives)
    if X.ndim != 2 or objectives.ndim != 2 or objectives.shape[1] != X.shape[0]:
        raise ValueError(f"X must be (n, d) and objectives (P, n), got {X.shape} and {objectives.shape}")
    keys = jax.random.split(key, num_seeds)

    def one(f, k):
        problem = GridProblem(X, f, jnp.asarray(0.0, f.dtype))
        return surrogate_bo_run(
            k,
            problem,
            surrogate,
            num_init=num_init,
            num_steps=num_steps,
            kernel=kernel,
            noise_var=noise_var,
            sizes=sizes,
        )

    return jax.jit(jax.vmap(lambda f: jax.vmap(lambda k: one(f, k))(keys)))(objectives)
