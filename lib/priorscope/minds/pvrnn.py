"""PV-RNN: a predictive-coding-inspired variational RNN with adaptive posterior vectors and a meta-prior w.

Ahmadi and Tani (2019), "A Novel Predictive-Coding-Inspired Variational RNN Model for Online Prediction and
Recognition", Neural Computation 31(11), `arXiv:1811.01339 <https://arxiv.org/abs/1811.01339>`_.

One layer of a multiple-timescale RNN (time constant τ) with a stochastic latent ``z_t`` per step:

.. math::

    h_t = (1 - \\tfrac1\\tau) h_{t-1} + \\tfrac1\\tau (W_{dd} d_{t-1} + W_{zd} z_t + b), \\qquad d_t = \\tanh h_t,
    \\qquad \\hat x_t = W_o d_t + b_o .

The prior is ``p(z_t | d_{t-1}) = N(tanh(W_μ d_{t-1} + b_μ), exp(W_σ d_{t-1} + b_σ)²)`` (``N(0, I)`` at the first
step). The posterior has no encoder: it is ``q(z_t) = N(tanh A^μ_t, exp(A^σ_t)²)`` with free **adaptive vectors**
``A`` per training sequence and step, learned by back-propagating the prediction error. The loss per sequence is

.. math::

    \\sum_t \\lVert x_t - \\hat x_t \\rVert^2
    + w \\sum_t \\mathrm{KL}\\big(q(z_t) \\,\\Vert\\, p(z_t \\mid d_{t-1})\\big),

with the **meta-prior** w. The paper reports that a high w gives deterministic (chaotic) dynamics imitating the
data's randomness and a low w a random process. At test time, **error regression** freezes the weights and
re-optimises the adaptive vectors of the last W steps against the observed errors, then predicts ahead with the
prior.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import NamedTuple, cast

import jax
import jax.numpy as jnp
import numpy as np
import optax

from priorscope import config
from priorscope._checks import check_finite, check_int, check_interval, check_ndim, check_positive, check_same_shape

__all__ = [
    "PVRNNParams",
    "PVRNNRun",
    "TrainedPVRNN",
    "gaussian_kl",
    "fsm_sine_data",
    "init_pvrnn",
    "pvrnn_run",
    "train_pvrnn",
    "generate",
    "open_loop_prediction",
    "error_regression",
    "load_pvrnn_sweep",
]

SWEEP_FILE = Path(__file__).resolve().parents[3] / "data" / "minds" / "pvrnn_sweep.npz"


class PVRNNParams(NamedTuple):
    """Network weights of a one-layer PV-RNN (shapes with d deterministic units, z latents, x outputs)."""

    w_dd: jax.Array  # (d, d)
    w_zd: jax.Array  # (z, d)
    b_h: jax.Array  # (d,)
    w_mu: jax.Array  # (d, z)
    b_mu: jax.Array  # (z,)
    w_sig: jax.Array  # (d, z)
    b_sig: jax.Array  # (z,)
    w_o: jax.Array  # (d, x)
    b_o: jax.Array  # (x,)


class PVRNNRun(NamedTuple):
    """One pass through a sequence: predictions ``(T, x)``, KL per step ``(T,)``, prior mean and std ``(T, z)``."""

    x_hat: jax.Array
    kl: jax.Array
    mu_prior: jax.Array
    sd_prior: jax.Array


class TrainedPVRNN(NamedTuple):
    """Trained models, one per meta-prior (leading axis M): weights, adaptive vectors ``(M, N, T, z, 2)`` and the
    history ``(M, num_steps, 2)`` of (reconstruction error, KL) per step, both per time step and sequence."""

    params: PVRNNParams
    adaptive: jax.Array
    history: jax.Array


def gaussian_kl(mu_q: jax.Array, log_sd_q: jax.Array, mu_p: jax.Array, log_sd_p: jax.Array) -> jax.Array:
    """KL(N(μ_q, σ_q²) ‖ N(μ_p, σ_p²)) of diagonal Gaussians, summed over the last axis.

    .. math:: \\sum_i \\log\\frac{\\sigma_{p,i}}{\\sigma_{q,i}} + \\frac{\\sigma_{q,i}^2 + (\\mu_{q,i}-\\mu_{p,i})^2}
        {2\\sigma_{p,i}^2} - \\frac12
    """
    for name, v in (("log_sd_q", log_sd_q), ("mu_p", mu_p), ("log_sd_p", log_sd_p)):
        check_same_shape(name, v, "mu_q", mu_q)
    var_ratio = jnp.exp(2 * (log_sd_q - log_sd_p))
    return jnp.sum(log_sd_p - log_sd_q + 0.5 * (var_ratio + (mu_q - mu_p) ** 2 * jnp.exp(-2 * log_sd_p)) - 0.5, -1)


def fsm_sine_data(
    key: jax.Array,
    num_seqs: int,
    length: int,
    *,
    periods: tuple[int, int] = (8, 16),
    switch_prob: float = 0.3,
    noise_std: float = 0.05,
) -> jax.Array:
    """Sequences of a probabilistic finite-state machine: whole cycles of a sine of one of two periods.

    At the end of every cycle the period switches to the other one with probability ``switch_prob``; Gaussian
    noise of std ``noise_std`` is added. Shape ``(num_seqs, length, 1)``.
    """
    num_seqs = check_int("num_seqs", num_seqs, min_value=1)
    length = check_int("length", length, min_value=2)
    if len(periods) != 2 or not all(isinstance(p, int) and p >= 2 for p in periods):
        raise ValueError(f"periods must be two ints >= 2, got {periods!r}")
    switch_prob = check_interval("switch_prob", switch_prob, 0.0, 1.0)
    noise_std = check_interval("noise_std", noise_std, 0.0, np.inf)
    k1, k2, k3 = jax.random.split(key, 3)
    max_cycles = length // min(periods) + 1
    flips = jax.random.bernoulli(k1, switch_prob, (num_seqs, max_cycles))
    start = jax.random.bernoulli(k2, 0.5, (num_seqs, 1))
    state = (jnp.cumsum(flips, axis=1) + start) % 2  # period index of each cycle
    per = jnp.asarray(periods)[state]  # (N, C)
    ends = jnp.cumsum(per, axis=1)
    t = jnp.arange(length)
    cyc = jax.vmap(lambda e: jnp.searchsorted(e, t, side="right"))(ends)  # cycle index of each step
    begin = jnp.take_along_axis(ends - per, cyc, axis=1)
    p_t = jnp.take_along_axis(per, cyc, axis=1)
    x = jnp.sin(2 * jnp.pi * (t - begin) / p_t)
    return (x + noise_std * jax.random.normal(k3, x.shape))[..., None]


def init_pvrnn(key: jax.Array, x_dim: int, d_dim: int, z_dim: int) -> PVRNNParams:
    """Random weights (scaled normal, zero biases)."""
    x_dim = check_int("x_dim", x_dim, min_value=1)
    d_dim = check_int("d_dim", d_dim, min_value=1)
    z_dim = check_int("z_dim", z_dim, min_value=1)
    ks = jax.random.split(key, 5)
    nrm = jax.random.normal
    return PVRNNParams(
        w_dd=nrm(ks[0], (d_dim, d_dim)) * 1.2 / np.sqrt(d_dim),
        w_zd=nrm(ks[1], (z_dim, d_dim)) / np.sqrt(z_dim),
        b_h=jnp.zeros(d_dim),
        w_mu=nrm(ks[2], (d_dim, z_dim)) * 0.5 / np.sqrt(d_dim),
        b_mu=jnp.zeros(z_dim),
        w_sig=nrm(ks[3], (d_dim, z_dim)) * 0.5 / np.sqrt(d_dim),
        b_sig=jnp.zeros(z_dim),
        w_o=nrm(ks[4], (d_dim, x_dim)) / np.sqrt(d_dim),
        b_o=jnp.zeros(x_dim),
    )


def _run(params: PVRNNParams, adaptive, eps, use_posterior, tau) -> PVRNNRun:
    d_dim = params.w_dd.shape[0]

    def step(carry, inp):
        h, d, first = carry
        a, e, post = inp
        mu_p = jnp.where(first, 0.0, jnp.tanh(d @ params.w_mu + params.b_mu))
        log_sd_p = jnp.where(first, 0.0, d @ params.w_sig + params.b_sig)
        mu_q, log_sd_q = jnp.tanh(a[:, 0]), a[:, 1]
        z = jnp.where(post, mu_q + jnp.exp(log_sd_q) * e, mu_p + jnp.exp(log_sd_p) * e)
        h = (1 - 1 / tau) * h + (d @ params.w_dd + z @ params.w_zd + params.b_h) / tau
        d = jnp.tanh(h)
        kl = gaussian_kl(mu_q, log_sd_q, mu_p, log_sd_p)
        return (h, d, False), (d @ params.w_o + params.b_o, kl, mu_p, jnp.exp(log_sd_p))

    zeros = jnp.zeros(d_dim)
    _, out = jax.lax.scan(step, (zeros, zeros, True), (adaptive, eps, use_posterior))
    return PVRNNRun(*out)


def pvrnn_run(
    params: PVRNNParams, adaptive: jax.Array, eps: jax.Array, use_posterior: jax.Array, tau: float
) -> PVRNNRun:
    """Run the network over one sequence.

    Args:
        params: weights.
        adaptive: adaptive vectors ``(T, z, 2)`` (``[..., 0]`` → posterior mean via tanh, ``[..., 1]`` → log std).
        eps: standard normal noise ``(T, z)`` (zeros: use the means).
        use_posterior: boolean ``(T,)``; where False, ``z_t`` is drawn from the prior instead (generation).
        tau: time constant τ ≥ 1.

    Returns:
        A :class:`PVRNNRun`.
    """
    check_ndim("adaptive", adaptive, 3)
    check_ndim("eps", eps, 2)
    if adaptive.shape[:2] != eps.shape:
        raise ValueError(f"eps must have shape {adaptive.shape[:2]} to match adaptive, got {eps.shape}")
    tau = check_interval("tau", tau, 1.0, np.inf)
    return _run(params, adaptive, eps, jnp.asarray(use_posterior, bool), tau)


def _loss(params, adaptive, x, eps, w, tau):
    run = jax.vmap(lambda a, e: _run(params, a, e, jnp.ones(a.shape[0], bool), tau))(adaptive, eps)
    rec = jnp.mean(jnp.sum((x - run.x_hat) ** 2, -1))
    kl = jnp.mean(run.kl)
    return rec + w * kl, (rec, kl)


@partial(jax.jit, static_argnames=("num_steps", "learning_rate"))
def _train_chunk(state, keys_chunk, data, ws, tau, num_steps, learning_rate):
    opt = optax.adam(learning_rate)

    def one_model(st, key_seq, w):
        (params, adaptive), opt_state = st

        def step(carry, k):
            (p, a), s = carry
            eps = jax.random.normal(k, a.shape[:-1])
            (_, aux), grad = jax.value_and_grad(_loss, argnums=(0, 1), has_aux=True)(p, a, data, eps, w, tau)
            upd, s = opt.update(grad, s, (p, a))
            return (cast(tuple, optax.apply_updates((p, a), upd)), s), jnp.stack(aux)

        return jax.lax.scan(step, ((params, adaptive), opt_state), key_seq)

    return jax.vmap(one_model)(state, keys_chunk, ws)


def train_pvrnn(
    key: jax.Array,
    data: jax.Array,
    meta_priors: jax.Array,
    *,
    d_dim: int = 20,
    z_dim: int = 2,
    tau: float = 2.0,
    num_steps: int = 2000,
    learning_rate: float = 0.01,
    chunk: int = 250,
) -> TrainedPVRNN:
    """Train one PV-RNN per meta-prior w (vmapped: all models in one compiled loop), with Adam (optax).

    The loop runs in jitted chunks of ``chunk`` steps with a progress bar between chunks. Each model has its own
    weights and adaptive vectors, initialised alike (common random numbers across w).

    Args:
        key: PRNG key.
        data: training sequences ``(N, T, x)``.
        meta_priors: the meta-priors w, shape ``(M,)``, each > 0.
        d_dim, z_dim: deterministic and latent units.
        tau: time constant τ ≥ 1.
        num_steps: Adam steps (a multiple of ``chunk`` is run: rounded up).
        learning_rate: Adam step size.
        chunk: steps per compiled chunk.

    Returns:
        A :class:`TrainedPVRNN` with a leading axis M.
    """
    check_ndim("data", data, 3)
    data = check_finite("data", jnp.asarray(data, jnp.float32))
    check_ndim("meta_priors", meta_priors, 1)
    ws = check_positive("meta_priors", jnp.asarray(meta_priors, jnp.float32))
    d_dim = check_int("d_dim", d_dim, min_value=1)
    z_dim = check_int("z_dim", z_dim, min_value=1)
    tau = float(check_interval("tau", tau, 1.0, 1000.0))
    num_steps = check_int("num_steps", num_steps, min_value=1)
    learning_rate = float(check_positive("learning_rate", learning_rate))
    chunk = check_int("chunk", chunk, min_value=1)
    n, t, x_dim = data.shape
    m = ws.shape[0]
    k_init, k_train = jax.random.split(key)
    params = init_pvrnn(k_init, x_dim, d_dim, z_dim)
    adaptive = jnp.zeros((n, t, z_dim, 2))
    opt_state = optax.adam(learning_rate).init((params, adaptive))
    state = jax.tree.map(lambda v: jnp.broadcast_to(v, (m, *jnp.shape(v))), ((params, adaptive), opt_state))
    num_chunks = -(-num_steps // chunk)
    keys = jax.random.split(k_train, (num_chunks, chunk))
    hist = []
    for c in config.progress(range(num_chunks), total=num_chunks, desc="PV-RNN training"):
        kc = jnp.broadcast_to(keys[c], (m, *keys[c].shape))
        state, h = _train_chunk(state, kc, data, ws, tau, num_steps=chunk, learning_rate=learning_rate)
        hist.append(h)
    (params, adaptive), _ = state
    return TrainedPVRNN(params, adaptive, jnp.concatenate(hist, axis=1))


def generate(key: jax.Array, params: PVRNNParams, length: int, num: int, tau: float) -> PVRNNRun:
    """Free generation: every ``z_t`` sampled from the prior, for ``num`` independent runs (leading axis)."""
    length = check_int("length", length, min_value=1)
    num = check_int("num", num, min_value=1)
    tau = check_interval("tau", tau, 1.0, np.inf)
    z = params.w_zd.shape[0]
    eps = jax.random.normal(key, (num, length, z))
    a = jnp.zeros((length, z, 2))
    return jax.vmap(lambda e: _run(params, a, e, jnp.zeros(length, bool), tau))(eps)


def open_loop_prediction(params: PVRNNParams, length: int, tau: float) -> jax.Array:
    """The prior-mean rollout ``(T, x)``: what the model predicts with no access to the observations."""
    length = check_int("length", length, min_value=1)
    tau = check_interval("tau", tau, 1.0, np.inf)
    z = params.w_zd.shape[0]
    return _run(params, jnp.zeros((length, z, 2)), jnp.zeros((length, z)), jnp.zeros(length, bool), tau).x_hat


def error_regression(
    params: PVRNNParams,
    x: jax.Array,
    meta_prior: float,
    tau: float,
    *,
    window: int = 10,
    num_iters: int = 30,
    learning_rate: float = 0.09,
) -> jax.Array:
    """Online one-step prediction by error regression (weights frozen).

    At each step t ≥ ``window`` the adaptive vectors of the window ``[t − W, t)`` are re-optimised for
    ``num_iters`` Adam steps on the window's loss (squared error + w · KL, posterior means); the prediction of
    ``x_t`` then runs the network through the window and draws ``z_t`` as the prior mean. Earlier adaptive vectors
    stay as optimised in earlier windows.

    Args:
        params: trained weights.
        x: the observed test sequence ``(T, x)``.
        meta_prior: w used in the window loss, > 0.
        tau: time constant.
        window: W, 1..T−1.
        num_iters: Adam steps per window, ≥ 1.
        learning_rate: Adam step size.

    Returns:
        One-step-ahead predictions ``(T, x)``; the first ``window`` rows are NaN (no prediction made).
    """
    check_ndim("x", x, 2)
    x = check_finite("x", jnp.asarray(x, jnp.float32))
    t_len = x.shape[0]
    window = check_int("window", window, min_value=1, max_value=t_len - 1)
    num_iters = check_int("num_iters", num_iters, min_value=1)
    meta_prior = check_positive("meta_prior", meta_prior)
    tau = check_interval("tau", tau, 1.0, np.inf)
    learning_rate = float(check_positive("learning_rate", learning_rate))
    return _error_regression(params, x, meta_prior, tau, window, num_iters, learning_rate)


@partial(jax.jit, static_argnums=(4, 5, 6))
def _error_regression(params, x, w, tau, window, num_iters, learning_rate):
    t_len = x.shape[0]
    z = params.w_zd.shape[0]
    steps = jnp.arange(t_len)
    opt = optax.adam(learning_rate)
    eps = jnp.zeros((t_len, z))

    def predict_at(adaptive, t):
        in_window = (steps >= t - window) & (steps < t)

        def loss(a):
            run = _run(params, a, eps, steps < t, tau)
            err = jnp.sum((x - run.x_hat) ** 2, -1) + w * run.kl
            return jnp.sum(jnp.where(in_window, err, 0.0))

        def it(carry, _):
            a, s = carry
            g = jax.grad(loss)(a) * in_window[:, None, None]
            upd, s = opt.update(g, s, a)
            return (optax.apply_updates(a, upd), s), None

        (adaptive, _), _ = jax.lax.scan(it, (adaptive, opt.init(adaptive)), None, length=num_iters)
        pred = _run(params, adaptive, eps, steps < t, tau).x_hat[t]
        return adaptive, pred

    _, preds = jax.lax.scan(predict_at, jnp.zeros((t_len, z, 2)), jnp.arange(window, t_len))
    return jnp.concatenate([jnp.full((window, x.shape[1]), jnp.nan), preds])


def load_pvrnn_sweep(path: str | Path | None = None) -> dict[str, np.ndarray]:
    """The precomputed meta-prior sweep of notebook 36 (made by ``tools/train_pvrnn.py``; see
    ``data/minds/README.md``).

    Keys: ``meta_priors`` (M,); per seed and w ``(S, M)``: ``rec`` (squared error per step), ``kl`` (KL per step),
    ``sd_free`` (mean prior std in free generation), ``er_mse`` / ``ol_mse`` (one-step test MSE by error
    regression / open loop); ``history`` ``(S, M, 100, 2)``; examples of seed 0: ``ex_gen`` (M, 3, T), ``ex_sd``
    (M, T), ``ex_rec`` (M, T), ``ex_er``/``ex_ol`` (M, T_test), ``ex_data`` (T,), ``ex_test`` (T_test,).
    """
    file = SWEEP_FILE if path is None else Path(path)
    if not file.is_file():
        raise ValueError(f"path must name the sweep file made by tools/train_pvrnn.py, got {str(file)!r} (missing)")
    with np.load(file) as f:
        return {k: f[k] for k in f.files}
