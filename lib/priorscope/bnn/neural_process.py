r"""A small neural-process family on 1-D GP tasks: the conditional NP (CNP) and a martingale-posterior NP (MPNP).

A CNP encodes each context pair :math:`(x_i, y_i)` to :math:`r_i`, averages them to :math:`r`, and decodes a Gaussian
:math:`p(y \mid x, r) = N(\mu(x, r), \sigma^2(x, r))` at every target. Its predictions are independent across
targets: it has no *functional* uncertainty. The MPNP (Lee et al. 2023) adds it through the martingale posterior:
a generator imagines :math:`M` pseudo-context representations :math:`r'_{1:M} = G(r, \varepsilon_{1:M})` from the
context, the encoder averages context and pseudo-context together, and each draw of the noise gives one coherent
function. Training maximises :math:`\log \frac1K \sum_k \prod_t p(y_t \mid x_t, C \cup C'_k)` over K draws.

What is ours: plain MLPs instead of the paper's ISAB/attention blocks, the mean aggregator, and only the
log-mean-exp target likelihood (the paper adds further terms, §3). It is a teaching-size reconstruction.

References:
    Garnelo, M. et al. (2018). Conditional Neural Processes. ICML. https://arxiv.org/abs/1807.01613
    Lee, H., Yun, E., Nam, G., Fong, E. and Lee, J. (2023). Martingale Posterior Neural Processes. ICLR.
    https://arxiv.org/abs/2304.09431
"""

from __future__ import annotations

from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

from priorscope._checks import check_int, check_ndim, check_positive, is_concrete

__all__ = [
    "NeuralProcess",
    "NPTasks",
    "gp_oracle_nll",
    "init_neural_process",
    "np_marginal_nll",
    "np_predict",
    "sample_gp_tasks",
    "train_neural_process",
]


class NPTasks(NamedTuple):
    """A batch of 1-D regression tasks.

    Attributes:
        x: ``(B, N)`` inputs.
        y: ``(B, N)`` outputs.
        mask: ``(B, N)`` 1.0 for context points, 0.0 for targets (the first ``n_c`` points of each task).
    """

    x: jax.Array
    y: jax.Array
    mask: jax.Array


def _rbf_gram(x: jax.Array, lengthscale, scale) -> jax.Array:
    return scale**2 * jnp.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / lengthscale**2)


def sample_gp_tasks(
    key: jax.Array,
    batch: int,
    num_points: int,
    min_context: int,
    max_context: int,
    lengthscale: float = 0.4,
    scale: float = 1.0,
    noise_std: float = 0.1,
) -> NPTasks:
    """Tasks drawn from a GP with an RBF kernel on x ~ U[−2, 2]; each has a uniform number of context points.

    Args:
        key: PRNG key.
        batch: tasks, >= 1 (static).
        num_points: points per task, context + targets (static), > max_context.
        min_context, max_context: context-set size range, 1 <= min <= max.
        lengthscale, scale, noise_std: GP hyperparameters, > 0.
    """
    batch = check_int("batch", batch, min_value=1)
    num_points = check_int("num_points", num_points, min_value=2)
    min_context = check_int("min_context", min_context, min_value=1)
    max_context = check_int("max_context", max_context, min_value=min_context, max_value=num_points - 1)
    lengthscale = check_positive("lengthscale", lengthscale)
    scale = check_positive("scale", scale)
    noise_std = check_positive("noise_std", noise_std)
    k_x, k_f, k_n = jax.random.split(key, 3)
    x = jax.random.uniform(k_x, (batch, num_points), minval=-2.0, maxval=2.0)
    gram = jax.vmap(lambda v: _rbf_gram(v, lengthscale, scale))(x) + noise_std**2 * jnp.eye(num_points)
    y = jnp.einsum("bij,bj->bi", jnp.linalg.cholesky(gram), jax.random.normal(k_f, (batch, num_points)))
    n_c = jax.random.randint(k_n, (batch, 1), min_context, max_context + 1)
    mask = (jnp.arange(num_points)[None, :] < n_c).astype(x.dtype)
    return NPTasks(x, y, mask)


def gp_oracle_nll(tasks: NPTasks, lengthscale: float, scale: float, noise_std: float) -> jax.Array:
    """Per-task mean negative log predictive density of the exact GP (true hyperparameters) on the target points.

    Returns:
        ``(B,)`` NLL per target point, in nats.
    """
    lengthscale = check_positive("lengthscale", lengthscale)
    scale = check_positive("scale", scale)
    noise_std = check_positive("noise_std", noise_std)

    def one(x, y, m):
        k = _rbf_gram(x, lengthscale, scale)
        # Condition on the context only: targets get an infinite-noise-free block through the mask.
        big = 1e6
        kc = k + jnp.diag(noise_std**2 + big * (1 - m))
        alpha = jnp.linalg.solve(kc, y * m)
        mean = k @ alpha
        var = scale**2 - jnp.sum(k * jnp.linalg.solve(kc, k), axis=0) + noise_std**2
        nll = 0.5 * (jnp.log(2 * jnp.pi * var) + (y - mean) ** 2 / var)
        return jnp.sum(nll * (1 - m)) / jnp.sum(1 - m)

    return jax.vmap(one)(tasks.x, tasks.y, tasks.mask)


class NeuralProcess(eqx.Module):
    """A CNP, or an MPNP when ``num_pseudo > 0``.

    Attributes:
        encoder: MLP ``(x, y) → r`` (width ``dim``).
        decoder: MLP ``(x, r) → (μ, raw σ)``.
        generator: MLP ``(r, ε) → r'`` (used only by the MPNP).
        num_pseudo: M pseudo-context representations (0 = CNP).
    """

    encoder: eqx.nn.MLP
    decoder: eqx.nn.MLP
    generator: eqx.nn.MLP
    num_pseudo: int = eqx.field(static=True)


def init_neural_process(key: jax.Array, dim: int = 64, num_pseudo: int = 0) -> NeuralProcess:
    """A fresh CNP (``num_pseudo = 0``) or MPNP (``num_pseudo = M > 0``) with hidden width ``dim``."""
    dim = check_int("dim", dim, min_value=1)
    num_pseudo = check_int("num_pseudo", num_pseudo, min_value=0)
    k1, k2, k3 = jax.random.split(key, 3)
    enc = eqx.nn.MLP(2, dim, dim, 2, activation=jax.nn.gelu, key=k1)
    dec = eqx.nn.MLP(1 + dim, 2, dim, 2, activation=jax.nn.gelu, key=k2)
    gen = eqx.nn.MLP(2 * dim, dim, dim, 2, activation=jax.nn.gelu, key=k3)
    return NeuralProcess(enc, dec, gen, num_pseudo)


def _predict_one(model: NeuralProcess, key: jax.Array, x, y, m, num_samples: int):
    r = jax.vmap(model.encoder)(jnp.stack([x, y], -1))  # (N, dim)
    r_sum, n_c = (m[:, None] * r).sum(0), m.sum()
    if model.num_pseudo == 0:
        agg = jnp.broadcast_to(r_sum / n_c, (num_samples, r.shape[1]))
    else:
        r_mean = r_sum / n_c
        eps = jax.random.normal(key, (num_samples, model.num_pseudo, r.shape[1]))
        pseudo = jax.vmap(jax.vmap(lambda e: model.generator(jnp.concatenate([r_mean, e]))))(eps)  # (K, M, dim)
        agg = (r_sum + pseudo.sum(1)) / (n_c + model.num_pseudo)
    out = jax.vmap(lambda a: jax.vmap(lambda xt: model.decoder(jnp.concatenate([xt[None], a])))(x))(agg)  # (K, N, 2)
    return out[..., 0], 0.01 + 0.99 * jax.nn.softplus(out[..., 1])


def np_predict(model: NeuralProcess, key: jax.Array, tasks: NPTasks, num_samples: int) -> tuple[jax.Array, jax.Array]:
    """Predictive means and sds at every point: two ``(B, K, N)`` arrays (K identical draws for a CNP).

    Raises:
        ValueError: a task with an empty context set.
    """
    num_samples = check_int("num_samples", num_samples, min_value=1)
    check_ndim("tasks.x", tasks.x, 2)
    if is_concrete(tasks.mask) and bool(jnp.any(tasks.mask.sum(1) < 1)):
        raise ValueError("tasks.mask must mark at least one context point per task (an empty context set)")
    keys = jax.random.split(key, tasks.x.shape[0])
    return jax.vmap(lambda k, x, y, m: _predict_one(model, k, x, y, m, num_samples))(keys, *tasks)


def _normal_logpdf(y, mu, sd):
    return -0.5 * jnp.log(2 * jnp.pi * sd**2) - 0.5 * (y - mu) ** 2 / sd**2


def np_marginal_nll(model: NeuralProcess, key: jax.Array, tasks: NPTasks, num_samples: int) -> jax.Array:
    """Per-task mean negative log *marginal* predictive density on the targets (mixture over K draws per point).

    Returns:
        ``(B,)`` NLL per target point, in nats (comparable with :func:`gp_oracle_nll`).
    """
    mu, sd = np_predict(model, key, tasks, num_samples)
    lp = jax.nn.logsumexp(_normal_logpdf(tasks.y[:, None], mu, sd), axis=1) - jnp.log(num_samples)  # (B, N)
    tgt = 1 - tasks.mask
    return -(lp * tgt).sum(1) / tgt.sum(1)


def _loss(model: NeuralProcess, key: jax.Array, tasks: NPTasks, num_samples: int) -> jax.Array:
    keys = jax.random.split(key, tasks.x.shape[0])
    mu, sd = jax.vmap(lambda k, x, y, m: _predict_one(model, k, x, y, m, num_samples))(keys, *tasks)
    joint = _normal_logpdf(tasks.y[:, None], mu, sd).sum(-1)  # (B, K): all points of a task under one draw
    return -jnp.mean(jax.nn.logsumexp(joint, axis=1) - jnp.log(num_samples)) / tasks.x.shape[1]


def train_neural_process(
    key: jax.Array,
    model: NeuralProcess,
    *,
    num_steps: int,
    batch: int,
    num_points: int,
    max_context: int,
    num_samples: int = 1,
    learning_rate: float = 1e-3,
    lengthscale: float = 0.4,
    noise_std: float = 0.1,
) -> tuple[NeuralProcess, jax.Array]:
    """Adam on fresh GP tasks every step; loss :math:`-\\log \\frac1K\\sum_k \\prod_t p(y_t \\mid \\cdot)` per point.

    Returns:
        The trained model and the ``(num_steps,)`` loss curve.
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    num_samples = check_int("num_samples", num_samples, min_value=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    opt = optax.adam(learning_rate)
    params, static = eqx.partition(model, eqx.is_array)
    state = opt.init(params)

    def step(carry, k):
        params, state = carry
        k_t, k_m = jax.random.split(k)
        tasks = sample_gp_tasks(k_t, batch, num_points, 1, max_context, lengthscale, 1.0, noise_std)
        loss, g = jax.value_and_grad(lambda p: _loss(eqx.combine(p, static), k_m, tasks, num_samples))(params)
        upd, state = opt.update(g, state, params)
        return (optax.apply_updates(params, upd), state), loss

    (params, _), losses = jax.jit(lambda c, ks: jax.lax.scan(step, c, ks))(
        (params, state), jax.random.split(key, num_steps)
    )
    return eqx.combine(params, static), losses
