r"""Sequential Bayesian inference for continual learning: exact conjugate updates, a tiny BNN that forgets, prototypes.

Bayes' rule applied task by task, :math:`p(\theta \mid D_{1:t}) \propto p(D_t \mid \theta)\, p(\theta \mid D_{1:t-1})`,
gives the same posterior as one batch update over all tasks. In a conjugate model (Bayesian linear regression)
both are closed-form, so "sequential = batch" holds to round-off; when the model is misspecified the exact
posterior still moves away from what fitted the first task, which is *forgetting with exact inference*. For a
Bayesian neural network the posterior is not closed-form: the paper samples it with HMC, fits a density estimate
to the samples and uses that density as the next task's prior; the density estimate loses information, and the
network forgets. The prototype alternative (ProtoCL) keeps a conjugate Gaussian per class, so its sequential
updates are again exact.

References:
    Kessler, S., Cobb, A., Rudner, T. G. J., Zohren, S. and Roberts, S. J. (2023). On Sequential Bayesian
    Inference for Continual Learning. Entropy 25(6), 884. https://arxiv.org/abs/2301.01828
    Official code (PyTorch): https://github.com/skezle/bayes_cl_posterior
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist

from priorscope._checks import check_finite, check_int, check_ndim, check_positive

__all__ = [
    "GaussianPosterior",
    "PrototypeState",
    "bayes_optimal_accuracy",
    "blob_tasks",
    "blr_batch_posterior",
    "blr_sequential_posteriors",
    "blr_update",
    "ForgettingCurve",
    "SequentialBNNResult",
    "fit_gaussian_density",
    "forgetting_curve",
    "mlp_logits",
    "mlp_num_params",
    "polynomial_features",
    "predictive_mse",
    "prototype_init",
    "prototype_predict",
    "prototype_update",
    "sequential_bnn_experiment",
    "sequential_bnn_model",
]


class GaussianPosterior(NamedTuple):
    """A Gaussian over weights.

    Attributes:
        mean: ``(d,)`` mean.
        cov: ``(d, d)`` covariance.
    """

    mean: jax.Array
    cov: jax.Array


def _check_design(features: jax.Array, y: jax.Array, d: int | None = None) -> None:
    check_ndim("features", features, 2)
    check_ndim("y", y, 1)
    if features.shape[0] != y.shape[0]:
        raise ValueError(f"features and y must have the same number of rows, got {features.shape[0]} and {y.shape[0]}")
    if features.shape[0] == 0:
        raise ValueError("features must hold at least one row (a task with no data), got 0 rows")
    if d is not None and features.shape[1] != d:
        raise ValueError(f"features must have {d} columns to match the prior, got {features.shape[1]}")


def _check_prior(prior: GaussianPosterior) -> int:
    if not isinstance(prior, GaussianPosterior):
        raise TypeError(f"prior must be a GaussianPosterior(mean, cov), got {type(prior).__name__}")
    check_ndim("prior.mean", prior.mean, 1)
    d = prior.mean.shape[0]
    check_ndim("prior.cov", prior.cov, 2)
    if prior.cov.shape != (d, d):
        raise ValueError(f"prior.cov must have shape ({d}, {d}), got {prior.cov.shape}")
    return d


def blr_batch_posterior(
    prior: GaussianPosterior, features: jax.Array, y: jax.Array, noise_std: float
) -> GaussianPosterior:
    r"""One batch update of Bayesian linear regression in precision form.

    .. math::
        \Lambda = \Sigma_0^{-1} + \Phi^\top\Phi/\sigma^2, \qquad
        m = \Lambda^{-1}(\Sigma_0^{-1} m_0 + \Phi^\top y/\sigma^2).

    Args:
        prior: :math:`N(m_0, \Sigma_0)`, mean ``(d,)`` and covariance ``(d, d)``.
        features: ``(n, d)`` design :math:`\Phi`, n >= 1.
        y: ``(n,)`` targets.
        noise_std: :math:`\sigma > 0`.

    Returns:
        The posterior :class:`GaussianPosterior`.
    """
    d = _check_prior(prior)
    _check_design(features, y, d)
    noise_std = check_positive("noise_std", noise_std)
    prior_prec = jnp.linalg.inv(prior.cov)
    prec = prior_prec + features.T @ features / noise_std**2
    chol = jnp.linalg.cholesky(0.5 * (prec + prec.T))
    cov = jax.scipy.linalg.cho_solve((chol, True), jnp.eye(d))
    mean = jax.scipy.linalg.cho_solve((chol, True), prior_prec @ prior.mean + features.T @ y / noise_std**2)
    return GaussianPosterior(mean, 0.5 * (cov + cov.T))


def blr_update(prior: GaussianPosterior, features: jax.Array, y: jax.Array, noise_std: float) -> GaussianPosterior:
    r"""One task's update in covariance (Kalman) form — the same posterior as :func:`blr_batch_posterior`.

    .. math::
        K = \Sigma\Phi^\top(\Phi\Sigma\Phi^\top + \sigma^2 I)^{-1}, \quad m' = m + K(y - \Phi m), \quad
        \Sigma' = (I - K\Phi)\Sigma(I - K\Phi)^\top + \sigma^2 K K^\top.

    Args:
        prior: the previous posterior, mean ``(d,)``, covariance ``(d, d)``.
        features: ``(n, d)`` this task's design, n >= 1.
        y: ``(n,)`` this task's targets.
        noise_std: :math:`\sigma > 0`.

    Returns:
        The updated :class:`GaussianPosterior`.
    """
    d = _check_prior(prior)
    _check_design(features, y, d)
    noise_std = check_positive("noise_std", noise_std)
    s = features @ prior.cov @ features.T + noise_std**2 * jnp.eye(features.shape[0])
    gain = jnp.linalg.solve(s, features @ prior.cov).T  # (d, n)
    mean = prior.mean + gain @ (y - features @ prior.mean)
    a = jnp.eye(d) - gain @ features
    cov = a @ prior.cov @ a.T + noise_std**2 * gain @ gain.T  # Joseph form: symmetric, positive
    return GaussianPosterior(mean, 0.5 * (cov + cov.T))


def blr_sequential_posteriors(
    prior: GaussianPosterior,
    tasks: Sequence[tuple[jax.Array, jax.Array]],
    noise_std: float,
) -> list[GaussianPosterior]:
    """Posteriors after each task, by repeated :func:`blr_update` (the posterior of task t is the prior of t + 1).

    Args:
        prior: :math:`N(m_0, \\Sigma_0)`.
        tasks: a non-empty sequence of ``(features (n_t, d), y (n_t,))``; tasks may differ in size.
        noise_std: :math:`\\sigma > 0`.

    Returns:
        ``T`` posteriors, one after each task.
    """
    if len(tasks) == 0:
        raise ValueError("tasks must hold at least one (features, y) pair, got an empty sequence")
    noise_std = check_positive("noise_std", noise_std)
    out, post = [], prior
    for features, y in tasks:
        post = blr_update(post, features, y, noise_std)
        out.append(post)
    return out


def polynomial_features(x: jax.Array, degree: int) -> jax.Array:
    """``(n,)`` inputs → ``(n, degree + 1)`` features :math:`[1, x, x^2, …, x^{degree}]`."""
    degree = check_int("degree", degree, min_value=0)
    check_ndim("x", x, 1)
    return jnp.stack([x**k for k in range(degree + 1)], axis=-1)


def predictive_mse(posterior: GaussianPosterior, features: jax.Array, y: jax.Array) -> jax.Array:
    """Mean squared error of the posterior-mean prediction on ``(features (n, d), y (n,))``: a scalar."""
    _check_design(features, y, posterior.mean.shape[-1])
    return jnp.mean((features @ posterior.mean - y) ** 2)


# ---------------------------------------------------------------------------------------------------------------
# A tiny Bayesian neural network for binary tasks (TODO: use priorscope.bnn.mlp once the track's MLP is merged)


def mlp_num_params(in_dim: int, hidden: int) -> int:
    """Number of weights of the one-hidden-layer network ``in_dim → hidden → 1``."""
    in_dim = check_int("in_dim", in_dim, min_value=1)
    hidden = check_int("hidden", hidden, min_value=1)
    return in_dim * hidden + hidden + hidden + 1


def mlp_logits(params: jax.Array, x: jax.Array, hidden: int) -> jax.Array:
    r"""Logits :math:`w_2^\top \tanh(W_1 x + b_1) + b_2` of a flat parameter vector ``(P,)`` at ``x (n, in_dim)``.

    Returns:
        ``(n,)`` logits of class 1.
    """
    check_ndim("x", x, 2)
    in_dim = x.shape[1]
    if params.shape[-1] != mlp_num_params(in_dim, hidden):
        raise ValueError(
            f"params must have {mlp_num_params(in_dim, hidden)} entries for in_dim={in_dim}, hidden={hidden}, "
            f"got {params.shape[-1]}"
        )
    i = 0
    w1 = params[i : i + in_dim * hidden].reshape(in_dim, hidden)
    i += in_dim * hidden
    b1 = params[i : i + hidden]
    i += hidden
    w2 = params[i : i + hidden]
    b2 = params[i + hidden]
    return jnp.tanh(x @ w1 + b1) @ w2 + b2


def sequential_bnn_model(
    x: jax.Array, y: jax.Array, mask: jax.Array, prior_mean: jax.Array, prior_chol: jax.Array, hidden: jax.Array
) -> None:
    """NumPyro model: weights ~ N(prior_mean, L Lᵀ) (the previous task's density estimate), Bernoulli-logit labels.

    Rows with ``mask = 0`` are ignored (so one compiled sampler serves a single task and the joint data set).
    ``hidden`` is passed as an array of the right length (``jnp.zeros(hidden)``) so that every argument is an
    array, as :func:`priorscope.inference.make_nuts` requires.
    """
    w = numpyro.sample("w", dist.MultivariateNormal(prior_mean, scale_tril=prior_chol))
    logits = mlp_logits(jnp.asarray(w), x, hidden.shape[0])
    numpyro.factor("loglik", jnp.sum(mask * dist.Bernoulli(logits=logits).log_prob(y)))


class SequentialBNNResult(NamedTuple):
    """Accuracies of the sequential and the joint BNN.

    Attributes:
        accuracy: ``(T, T)``; row t, column s: accuracy on task s's test set after training on task t.
        joint_accuracy: ``(T,)`` accuracy per task of NUTS on all tasks at once.
        accept_prob: ``(T + 1,)`` mean NUTS acceptance per run (sequential runs, then the joint one).
    """

    accuracy: jax.Array
    joint_accuracy: jax.Array
    accept_prob: jax.Array


def _task_accuracy(draws: jax.Array, x: jax.Array, y: jax.Array, hidden: int) -> jax.Array:
    prob = jax.nn.sigmoid(jax.vmap(lambda w: mlp_logits(w, x, hidden))(draws)).mean(0)
    return jnp.mean((prob > 0.5) == (y > 0.5))


def sequential_bnn_experiment(
    key: jax.Array,
    train: tuple[jax.Array, jax.Array],
    test: tuple[jax.Array, jax.Array],
    *,
    hidden: int,
    prior_std: float,
    num_warmup: int,
    num_samples: int,
    progress=None,
) -> SequentialBNNResult:
    """NUTS on task 1 with an N(0, prior_std² I) prior, then on each next task with the Gaussian fitted to the
    previous draws as its prior; and NUTS on all tasks at once (the joint posterior) for comparison.

    Args:
        key: PRNG key.
        train: ``(x (T, n, 2), y (T, n))`` per-task training data, labels in {0, 1}.
        test: ``(x (T, m, 2), y (T, m))`` per-task test data.
        hidden: hidden units of the ``2 → hidden → 1`` tanh network, >= 1.
        prior_std: first-task prior scale, > 0.
        num_warmup, num_samples: NUTS steps per run, >= 1.
        progress: optional wrapper of an iterable (e.g. ``config.progress``) to show progress over the T + 1 runs.
    """
    from priorscope.inference import make_nuts  # a compute module; imported here to keep module import light

    xs, ys = train
    xt, yt = test
    check_ndim("train x", xs, 3)
    check_ndim("train y", ys, 2)
    if xs.shape[1] == 0:
        raise ValueError("train must hold at least one point per task, got 0")
    hidden = check_int("hidden", hidden, min_value=1)
    prior_std = check_positive("prior_std", prior_std)
    num_tasks, n = ys.shape
    p = mlp_num_params(xs.shape[-1], hidden)
    x_all, y_all = xs.reshape(num_tasks * n, -1), ys.reshape(-1)
    h = jnp.zeros(hidden)
    run = make_nuts(
        sequential_bnn_model,
        (x_all, y_all, jnp.ones_like(y_all), jnp.zeros(p), jnp.eye(p), h),
        num_warmup=num_warmup,
        num_samples=num_samples,
    )
    keys = jax.random.split(key, num_tasks + 1)
    prior = GaussianPosterior(jnp.zeros(p), prior_std**2 * jnp.eye(p))
    rows, accept = [], []
    steps = range(num_tasks + 1) if progress is None else progress(range(num_tasks + 1), desc="NUTS runs")
    for t in steps:
        if t < num_tasks:
            mask = (jnp.arange(num_tasks * n) // n == t).astype(y_all.dtype)
            res = run(keys[t], x_all, y_all, mask, prior.mean, jnp.linalg.cholesky(prior.cov), h)
            draws = res.samples["w"][0]
            rows.append(jnp.stack([_task_accuracy(draws, xt[s], yt[s], hidden) for s in range(num_tasks)]))
            prior = fit_gaussian_density(draws)
        else:
            res = run(keys[t], x_all, y_all, jnp.ones_like(y_all), jnp.zeros(p), prior_std * jnp.eye(p), h)
            draws = res.samples["w"][0]
            joint = jnp.stack([_task_accuracy(draws, xt[s], yt[s], hidden) for s in range(num_tasks)])
        accept.append(res.accept_prob.mean())
    return SequentialBNNResult(jnp.stack(rows), joint, jnp.stack(accept))


class ForgettingCurve(NamedTuple):
    """Exact sequential Bayesian linear regression on tasks laid side by side along x.

    Attributes:
        x_grid: ``(G,)`` plotting inputs.
        truth: ``(G,)`` the true function.
        mean: ``(T, G)`` posterior predictive mean after each task.
        sd: ``(T, G)`` posterior predictive sd (noise included) after each task.
        mse: ``(T, T)`` row t, column s: mean squared error of the posterior mean on task s's inputs after task t
            (against the noise-free truth).
        x: ``(T, n)`` task inputs; y: ``(T, n)`` task targets.
    """

    x_grid: jax.Array
    truth: jax.Array
    mean: jax.Array
    sd: jax.Array
    mse: jax.Array
    x: jax.Array
    y: jax.Array


def forgetting_curve(
    key: jax.Array,
    degree: int,
    num_tasks: int,
    num_per_task: int,
    imbalance: float | jax.Array = 1.0,
    noise_std: float | jax.Array = 0.1,
    prior_std: float | jax.Array = 3.0,
) -> ForgettingCurve:
    r"""Tasks t = 0 … T−1 observe :math:`f(x) = \sin(x)` on consecutive intervals of :math:`[0, 2\pi]`; a polynomial
    model of the given degree is updated exactly after each task.

    The posterior after task t is the batch posterior over tasks 0 … t (natural parameters add up), so any
    forgetting here is the model's, not the inference's. ``imbalance`` r weights the likelihood of every task
    after the first by r (exactly as if each of their points were observed r times).

    Args:
        key: PRNG key.
        degree: polynomial degree, >= 0 (static).
        num_tasks: T >= 1 (static).
        num_per_task: points per task, >= 1 (static).
        imbalance: r > 0 (traced).
        noise_std: σ > 0 (traced).
        prior_std: prior scale of every coefficient, > 0 (traced).
    """
    degree = check_int("degree", degree, min_value=0)
    num_tasks = check_int("num_tasks", num_tasks, min_value=1)
    num_per_task = check_int("num_per_task", num_per_task, min_value=1)
    imbalance = check_positive("imbalance", imbalance)
    noise_std = check_positive("noise_std", noise_std)
    prior_std = check_positive("prior_std", prior_std)
    width = 2 * jnp.pi / num_tasks
    k_x, k_e = jax.random.split(key)
    x = width * (jnp.arange(num_tasks)[:, None] + jax.random.uniform(k_x, (num_tasks, num_per_task)))
    y = jnp.sin(x) + noise_std * jax.random.normal(k_e, x.shape)
    scale = jnp.pi  # features of x/π keep the polynomial's Gram matrix well conditioned

    def feats(v):
        return jnp.stack([(v / scale - 1.0) ** k for k in range(degree + 1)], axis=-1)

    phi = feats(x)  # (T, n, d)
    w = jnp.where(jnp.arange(num_tasks) == 0, 1.0, imbalance)[:, None] / noise_std**2
    stat_prec = jnp.cumsum(w[:, :, None, None] * jnp.einsum("tnd,tne->tnde", phi, phi).sum(1, keepdims=True), 0)[:, 0]
    stat_lin = jnp.cumsum(w * jnp.einsum("tnd,tn->td", phi, y), 0)
    prec = stat_prec + jnp.eye(degree + 1) / prior_std**2
    cov = jnp.linalg.inv(prec)
    mean_w = jnp.einsum("tde,te->td", cov, stat_lin)
    x_grid = jnp.linspace(0.0, 2 * jnp.pi, 200)
    g = feats(x_grid)
    mean = mean_w @ g.T
    sd = jnp.sqrt(jnp.einsum("gd,tde,ge->tg", g, cov, g) + noise_std**2)
    pred = jnp.einsum("snd,td->tsn", phi, mean_w)
    mse = jnp.mean((pred - jnp.sin(x)[None]) ** 2, -1)
    return ForgettingCurve(x_grid, jnp.sin(x_grid), mean, sd, mse, x, y)


def fit_gaussian_density(samples: jax.Array, jitter: float = 1e-4) -> GaussianPosterior:
    """The moment-matched Gaussian of posterior draws ``(S, P)``: the simplest density estimator (one GMM component).

    Args:
        samples: ``(S, P)`` draws, S >= 2.
        jitter: > 0 added to the covariance diagonal.
    """
    check_ndim("samples", samples, 2)
    if samples.shape[0] < 2:
        raise ValueError(f"samples must hold at least 2 draws, got {samples.shape[0]}")
    samples = check_finite("samples", samples)
    jitter = check_positive("jitter", jitter)
    mean = samples.mean(0)
    cov = jnp.cov(samples, rowvar=False) + jitter * jnp.eye(samples.shape[1])
    return GaussianPosterior(mean, cov)


# ---------------------------------------------------------------------------------------------------------------
# Blobs and prototypes


def blob_tasks(
    key: jax.Array, num_per_blob: int, num_blobs: int = 10, blob_std: float = 0.35
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Ten 2-D Gaussian blobs: blob ``j < num_blobs/2`` on a circle of radius 1.5, the others on radius 3.5.

    Task t (domain-incremental, binary) is blob t (label 0) vs blob t + num_blobs/2 (label 1); the joint problem
    (inner vs outer circle) is learnable by a small network, each single task by a straight line.

    Args:
        key: PRNG key.
        num_per_blob: points per blob, >= 1.
        num_blobs: an even number >= 2.
        blob_std: isotropic standard deviation of each blob, > 0.

    Returns:
        ``(x (num_blobs, num_per_blob, 2), blob (num_blobs, num_per_blob) int, centres (num_blobs, 2))``.
    """
    num_per_blob = check_int("num_per_blob", num_per_blob, min_value=1)
    num_blobs = check_int("num_blobs", num_blobs, min_value=2)
    if num_blobs % 2:
        raise ValueError(f"num_blobs must be even, got {num_blobs}")
    blob_std = check_positive("blob_std", blob_std)
    half = num_blobs // 2
    ang = 2 * jnp.pi * jnp.arange(half) / half
    inner = 1.5 * jnp.stack([jnp.cos(ang), jnp.sin(ang)], -1)
    outer = 3.5 * jnp.stack([jnp.cos(ang + jnp.pi / half), jnp.sin(ang + jnp.pi / half)], -1)
    centres = jnp.concatenate([inner, outer])
    x = centres[:, None, :] + blob_std * jax.random.normal(key, (num_blobs, num_per_blob, 2))
    blob = jnp.broadcast_to(jnp.arange(num_blobs)[:, None], (num_blobs, num_per_blob))
    return x, blob, centres


class PrototypeState(NamedTuple):
    r"""Conjugate class prototypes in natural parameters (ProtoCL with the identity embedding).

    Attributes:
        eta: ``(C, D)`` precision-weighted sums :math:`\mu_0/s_0^2 + \sum_i \phi(x_i)/\sigma^2`.
        precision: ``(C,)`` :math:`1/s_0^2 + n_c/\sigma^2`.
        alpha: ``(C,)`` Dirichlet counts over classes.
    """

    eta: jax.Array
    precision: jax.Array
    alpha: jax.Array


def prototype_init(num_classes: int, dim: int, prior_std: float, alpha0: float = 1.0) -> PrototypeState:
    """Prototype prior N(0, s₀² I) per class and a symmetric Dirichlet(α₀) over class frequencies."""
    num_classes = check_int("num_classes", num_classes, min_value=1)
    dim = check_int("dim", dim, min_value=1)
    prior_std = check_positive("prior_std", prior_std)
    alpha0 = check_positive("alpha0", alpha0)
    return PrototypeState(
        jnp.zeros((num_classes, dim)), jnp.full((num_classes,), 1.0 / prior_std**2), jnp.full((num_classes,), alpha0)
    )


def prototype_update(state: PrototypeState, x: jax.Array, labels: jax.Array, noise_std: float) -> PrototypeState:
    r"""Add a batch: :math:`\eta_c \mathrel{+}= \sum_{i: y_i = c} x_i/\sigma^2`,
    precision :math:`\mathrel{+}= n_c/\sigma^2`,
    :math:`\alpha_c \mathrel{+}= n_c`. Order-free, so any sequence of batches gives the batch posterior."""
    check_ndim("x", x, 2)
    check_ndim("labels", labels, 1)
    if x.shape[0] == 0:
        raise ValueError("x must hold at least one row (an empty batch), got 0 rows")
    noise_std = check_positive("noise_std", noise_std)
    onehot = jax.nn.one_hot(labels, state.eta.shape[0], dtype=x.dtype)  # (n, C)
    counts = onehot.sum(0)
    return PrototypeState(
        state.eta + onehot.T @ x / noise_std**2, state.precision + counts / noise_std**2, state.alpha + counts
    )


def prototype_predict(state: PrototypeState, x: jax.Array, noise_std: float) -> jax.Array:
    r"""Class log-probabilities ``(n, C)``:
    :math:`p(y = c \mid x) \propto N(x; \eta_c/\lambda_c, (1/\lambda_c + \sigma^2) I)\,
    \alpha_c/\sum\alpha`, the posterior predictive of each class's Gaussian times the Dirichlet mean."""
    check_ndim("x", x, 2)
    noise_std = check_positive("noise_std", noise_std)
    mean = state.eta / state.precision[:, None]
    var = 1.0 / state.precision + noise_std**2
    sq = jnp.sum((x[:, None, :] - mean[None]) ** 2, -1)
    logp = -0.5 * sq / var - 0.5 * x.shape[1] * jnp.log(2 * jnp.pi * var) + jnp.log(state.alpha / state.alpha.sum())
    return logp - jax.nn.logsumexp(logp, axis=1, keepdims=True)


def bayes_optimal_accuracy(x: jax.Array, labels: jax.Array, centres: jax.Array, blob_std: float) -> jax.Array:
    """Accuracy on ``(x, labels)`` of the classifier that knows the true centres (equal class frequencies)."""
    check_ndim("x", x, 2)
    blob_std = check_positive("blob_std", blob_std)
    sq = jnp.sum((x[:, None, :] - centres[None]) ** 2, -1)
    return jnp.mean(jnp.argmin(sq, axis=1) == labels)
