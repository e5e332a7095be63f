r"""Function-space distances between a network prior and a GP prior, and Wasserstein prior matching (notebook 08).

* :func:`gaussian_w2` — the closed-form 2-Wasserstein (Bures) distance between two Gaussians,

  .. math:: W_2^2 = \lVert m_1 - m_2\rVert^2 + \mathrm{tr}\,\Sigma_1 + \mathrm{tr}\,\Sigma_2
     - 2\,\mathrm{tr}\big(\Sigma_2^{1/2}\Sigma_1\Sigma_2^{1/2}\big)^{1/2}.

* :func:`critic_w1` — a dual (Kantorovich–Rubinstein) estimate of the 1-Wasserstein distance between two sample
  sets, :math:`W_1 = \sup_{\lVert\phi\rVert_L \le 1} \mathbb E_p\phi - \mathbb E_q\phi`, with an MLP critic φ and a
  gradient penalty λ E[(‖∇φ‖ − 1)²] at random interpolates (Gulrajani et al. 2017), trained with optax.
* :func:`fit_prior_wasserstein` — Tran et al.'s scheme: per outer step, a few critic steps (warm-started), then
  one gradient step on the per-layer prior variances of a BNN through reparameterised function samples.

References:
    Tran, Rossi, Milios, Filippone (2022), "All You Need is a Good Functional Prior for Bayesian Deep Learning",
    JMLR 23, https://arxiv.org/abs/2011.12829 (official code: github.com/tranbahien/you-need-a-good-prior).
    Gulrajani et al. (2017), "Improved training of Wasserstein GANs", NeurIPS.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from priorscope._checks import check_int, check_positive
from priorscope.bnn.mlp import check_layer_sizes, init_mlp, mlp_apply, sample_functions

__all__ = ["gaussian_w2", "critic_w1", "WassersteinFit", "fit_prior_wasserstein"]


def _psd_sqrt(S: jax.Array) -> jax.Array:
    w, V = jnp.linalg.eigh(0.5 * (S + S.T))
    return (V * jnp.sqrt(jnp.clip(w, 0.0))) @ V.T


def gaussian_w2(mean1: Any, cov1: Any, mean2: Any, cov2: Any) -> jax.Array:
    """2-Wasserstein distance between N(mean1, cov1) and N(mean2, cov2) (formula in the module docstring).

    Args:
        mean1, mean2: means of shape ``(m,)``.
        cov1, cov2: covariances of shape ``(m, m)`` (symmetric positive semi-definite).

    Returns:
        W₂ (not squared), a scalar.
    """
    m1, m2, S1, S2 = (jnp.asarray(v) for v in (mean1, mean2, cov1, cov2))
    m = m1.shape[0] if m1.ndim == 1 else -1
    for name, v, shape in (("mean1", m1, (m,)), ("mean2", m2, (m,)), ("cov1", S1, (m, m)), ("cov2", S2, (m, m))):
        if m < 0 or v.shape != shape:
            raise ValueError(f"{name} must have shape {shape if m >= 0 else '(m,)'}, got {v.shape}")
    r2 = _psd_sqrt(S2)
    cross = _psd_sqrt(r2 @ S1 @ r2)
    w2 = jnp.sum((m1 - m2) ** 2) + jnp.trace(S1) + jnp.trace(S2) - 2 * jnp.trace(cross)
    return jnp.sqrt(jnp.clip(w2, 0.0))


def _critic_loss(critic, fp, fq, key, penalty):
    phi = lambda f: mlp_apply(critic, f, "tanh")[:, 0]  # noqa: E731
    gap = jnp.mean(phi(fp)) - jnp.mean(phi(fq))
    t = jax.random.uniform(key, (fp.shape[0], 1), fp.dtype)
    mid = t * fp + (1 - t) * fq
    grads = jax.vmap(jax.grad(lambda z: phi(z[None])[0]))(mid)
    gp_term = jnp.mean((jnp.sqrt(jnp.sum(grads**2, axis=1) + 1e-12) - 1.0) ** 2)
    return -gap + penalty * gp_term, gap


def _critic_steps(key, critic, opt_state, opt, fp, fq, num_steps, penalty):
    def step(carry, k):
        c, s = carry
        (_, gap), g = jax.value_and_grad(_critic_loss, has_aux=True)(c, fp, fq, k, penalty)
        upd, s = opt.update(g, s, c)
        return (optax.apply_updates(c, upd), s), gap

    (critic, opt_state), gaps = jax.lax.scan(step, (critic, opt_state), jax.random.split(key, num_steps))
    return critic, opt_state, gaps


def critic_w1(
    key: jax.Array,
    samples_p: Any,
    samples_q: Any,
    *,
    num_steps: int = 500,
    hidden: int = 64,
    learning_rate: float = 1e-3,
    penalty: float = 10.0,
) -> jax.Array:
    """Dual estimate of W₁(p, q) from samples with a freshly initialised gradient-penalised MLP critic.

    Args:
        key: PRNG key.
        samples_p, samples_q: sample sets of shape ``(S, m)`` (same S and m).
        num_steps: Adam steps of the critic (static, ≥ 1).
        hidden: width of the critic's two hidden layers (static, ≥ 1).
        learning_rate: Adam step size > 0.
        penalty: gradient-penalty weight λ > 0.

    Returns:
        E_p φ − E_q φ at the trained critic, evaluated on the given samples (a lower bound on W₁ up to the
        soft Lipschitz constraint).
    """
    fp, fq = jnp.asarray(samples_p), jnp.asarray(samples_q)
    if fp.ndim != 2 or fp.shape != fq.shape:
        raise ValueError(f"samples_p and samples_q must both have shape (S, m), got {fp.shape} and {fq.shape}")
    num_steps = check_int("num_steps", num_steps, min_value=1)
    hidden = check_int("hidden", hidden, min_value=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    penalty = check_positive("penalty", penalty)
    k_init, k_train = jax.random.split(key)
    critic = init_mlp(k_init, (fp.shape[1], hidden, hidden, 1), 1.0, 0.0)
    opt = optax.adam(learning_rate)
    critic, _, _ = _critic_steps(k_train, critic, opt.init(critic), opt, fp, fq, num_steps, penalty)
    phi = lambda f: mlp_apply(critic, f, "tanh")[:, 0]  # noqa: E731
    return jnp.mean(phi(fp)) - jnp.mean(phi(fq))


class WassersteinFit(NamedTuple):
    """Result of :func:`fit_prior_wasserstein`.

    Attributes:
        weight_variance: fitted σ_w² per layer, shape ``(L + 1,)``.
        bias_variance: fitted σ_b² per layer, shape ``(L + 1,)``.
        w1: the critic's W₁ estimate at each outer step, shape ``(num_outer,)``.
    """

    weight_variance: jax.Array
    bias_variance: jax.Array
    w1: jax.Array


def fit_prior_wasserstein(
    key: jax.Array,
    gp_cholesky: Any,
    x_measure: Any,
    layer_sizes: Sequence[int],
    weight_variance0: Any,
    bias_variance0: Any,
    *,
    activation: str = "tanh",
    num_outer: int = 150,
    num_samples: int = 128,
    num_critic: int = 20,
    hidden: int = 64,
    critic_learning_rate: float = 3e-3,
    prior_learning_rate: float = 0.05,
    penalty: float = 10.0,
) -> WassersteinFit:
    """Match a BNN's function-space prior to a GP prior by minimising a critic's W₁ estimate.

    Args:
        key: PRNG key.
        gp_cholesky: lower Cholesky factor of the GP covariance at ``x_measure``, shape ``(m, m)``.
        x_measure: the measurement set, shape ``(m,)`` or ``(m, 1)``.
        layer_sizes: the BNN's ``(1, n_1, ..., n_L, 1)``.
        weight_variance0, bias_variance0: initial per-layer σ_w², σ_b² > 0 (scalars or shape ``(L + 1,)``).
        activation: hidden nonlinearity.
        num_outer: outer (prior) steps, static ≥ 1.
        num_samples: function samples per side per step, static ≥ 2.
        num_critic: critic Adam steps per outer step (warm-started), static ≥ 1.
        hidden: critic width.
        critic_learning_rate, prior_learning_rate: Adam step sizes (the prior is optimised in log space).
        penalty: gradient-penalty weight.

    Returns:
        :class:`WassersteinFit`.
    """
    sizes = check_layer_sizes(layer_sizes)
    n_layers = len(sizes) - 1
    num_outer = check_int("num_outer", num_outer, min_value=1)
    num_samples = check_int("num_samples", num_samples, min_value=2)
    num_critic = check_int("num_critic", num_critic, min_value=1)
    hidden = check_int("hidden", hidden, min_value=1)
    L = jnp.asarray(gp_cholesky)
    xm = jnp.asarray(x_measure)
    m = xm.shape[0]
    if L.shape != (m, m):
        raise ValueError(f"gp_cholesky must have shape ({m}, {m}) to match x_measure, got {L.shape}")
    sw0 = check_positive("weight_variance0", jnp.broadcast_to(jnp.asarray(weight_variance0, L.dtype), (n_layers,)))
    sb0 = check_positive("bias_variance0", jnp.broadcast_to(jnp.asarray(bias_variance0, L.dtype), (n_layers,)))
    psi = (jnp.log(sw0), jnp.log(sb0))
    k_init, k_loop = jax.random.split(key)
    critic = init_mlp(k_init, (m, hidden, hidden, 1), 1.0, 0.0)
    c_opt, p_opt = optax.adam(critic_learning_rate, b1=0.5), optax.rmsprop(prior_learning_rate)

    def bnn_samples(p, k):
        return sample_functions(k, xm, sizes, num_samples, jnp.exp(p[0]), jnp.exp(p[1]), activation)

    def outer(carry, k):
        psi, critic, c_state, p_state = carry
        k_gp, k_bnn, k_c, k_bnn2 = jax.random.split(k, 4)
        f_gp = jax.random.normal(k_gp, (num_samples, m), L.dtype) @ L.T
        f_bnn = bnn_samples(psi, k_bnn)
        critic, c_state, gaps = _critic_steps(k_c, critic, c_state, c_opt, f_gp, f_bnn, num_critic, penalty)
        phi = lambda f: mlp_apply(critic, f, "tanh")[:, 0]  # noqa: E731
        loss = lambda p: jnp.mean(phi(f_gp)) - jnp.mean(phi(bnn_samples(p, k_bnn2)))  # noqa: E731
        w1, g = jax.value_and_grad(loss)(psi)
        upd, p_state = p_opt.update(g, p_state, psi)
        return (optax.apply_updates(psi, upd), critic, c_state, p_state), w1

    init = (psi, critic, c_opt.init(critic), p_opt.init(psi))
    (psi_fit, _, _, _), w1 = jax.lax.scan(outer, init, jax.random.split(k_loop, num_outer))
    log_sw, log_sb = psi_fit  # type: ignore[misc]  # the (log σ_w², log σ_b²) pair we started from
    return WassersteinFit(jnp.exp(jnp.asarray(log_sw)), jnp.exp(jnp.asarray(log_sb)), w1)
