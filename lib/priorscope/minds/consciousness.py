"""A sparse Gaussian world and a k-element attention bottleneck: our illustration of the consciousness prior.

Bengio (2017, rev. 2019), "The Consciousness Prior", `arXiv:1709.08568 <https://arxiv.org/abs/1709.08568>`_,
argues that high-level variables have a *sparse* joint law (a factor graph whose factors touch few variables), so
that a low-dimensional "conscious state" of a few attended elements suffices to predict any one of them. The paper
has no algorithm or experiment; everything here is our own toy.

The world is a Gaussian graphical model :math:`s \\sim \\mathcal N(0, \\Lambda^{-1})` with a sparse precision
:math:`\\Lambda`. Its exact conditionals are

.. math::

    s_j \\mid s_{-j} \\sim \\mathcal N\\Big(-\\sum_{i \\ne j} \\tfrac{\\Lambda_{ji}}{\\Lambda_{jj}} s_i,
    \\; \\tfrac{1}{\\Lambda_{jj}}\\Big), \\qquad
    s_j \\mid s_S \\sim \\mathcal N\\big(\\Sigma_{jS}\\Sigma_{SS}^{-1} s_S,\\;
    \\Sigma_{jj} - \\Sigma_{jS}\\Sigma_{SS}^{-1}\\Sigma_{Sj}\\big),

so the Markov blanket of :math:`j` is :math:`\\{i : \\Lambda_{ij} \\ne 0\\}` and a predictor that reads the blanket
is as good as one that reads everything. A rotation :math:`h = R s` (an *entangled* representation) keeps the
information but makes :math:`R\\Lambda R^\\top` dense, so no small set of elements suffices any more.
"""

from __future__ import annotations

import itertools
from functools import partial
from typing import NamedTuple, cast

import jax
import jax.numpy as jnp
import numpy as np
import optax

from priorscope._checks import (
    check_finite,
    check_int,
    check_interval,
    check_ndim,
    check_positive,
    check_shape,
    is_concrete,
)

__all__ = [
    "sparse_precision",
    "markov_blanket",
    "conditional_from_precision",
    "gaussian_conditional",
    "subset_nll",
    "best_subsets",
    "bottleneck_costs",
    "entangling_rotation",
    "AttentionFit",
    "train_attention",
    "readout_nll",
    "blanket_scores",
]

_LOG_2PI_E = float(np.log(2 * np.pi * np.e))


def _check_square(name: str, m: object) -> jax.Array:
    check_ndim(name, m, 2)
    m = jnp.asarray(m)
    if m.shape[0] != m.shape[1] or m.shape[0] < 2:
        raise ValueError(f"{name} must be a square matrix of size >= 2, got shape {tuple(m.shape)}")
    return check_finite(name, m)


def sparse_precision(
    key: jax.Array, num_vars: int, max_degree: int, density: float = 1.0, coupling: float = 1.0, ridge: float = 0.3
) -> jax.Array:
    """A random sparse, positive-definite precision matrix Λ with every node of degree ≤ ``max_degree``.

    Candidate edges are visited in a random order and kept while both ends have fewer than ``max_degree``
    neighbours; the first ``round(density · E)`` of those ``E`` edges form the graph. Each edge gets a weight of
    random sign and magnitude in ``[coupling/2, coupling]``, and the diagonal is ``ridge + Σ_i |Λ_ji|`` (strictly
    diagonally dominant, hence positive definite; a small ridge means strong conditional dependence).

    Args:
        key: PRNG key (the graph is drawn on the host from it).
        num_vars: number of variables n, 2..64.
        max_degree: the largest number of neighbours of a node, 1..n−1.
        density: fraction of the greedy maximal graph kept, in (0, 1].
        coupling: largest edge magnitude, in (0, 10].
        ridge: diagonal excess over the row's absolute edge sum, in (0, 10].

    Returns:
        Λ, shape ``(n, n)``.
    """
    n = check_int("num_vars", num_vars, min_value=2, max_value=64)
    d = check_int("max_degree", max_degree, min_value=1, max_value=n - 1)
    density = float(check_interval("density", density, 0.0, 1.0, low_open=True))
    coupling = float(check_interval("coupling", coupling, 0.0, 10.0, low_open=True))
    ridge = float(check_interval("ridge", ridge, 0.0, 10.0, low_open=True))
    seed = int(jax.random.randint(key, (), 0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    order = rng.permutation(len(pairs))
    degree = np.zeros(n, int)
    edges = []
    for e in order:
        i, j = pairs[e]
        if degree[i] < d and degree[j] < d:
            edges.append((i, j))
            degree[i] += 1
            degree[j] += 1
    edges = edges[: max(1, round(density * len(edges)))]
    lam = np.zeros((n, n))
    for i, j in edges:
        w = rng.choice([-1.0, 1.0]) * rng.uniform(coupling / 2, coupling)
        lam[i, j] = lam[j, i] = w
    lam[np.diag_indices(n)] = ridge + np.abs(lam).sum(1)
    return jnp.asarray(lam)


def markov_blanket(precision: jax.Array, tol: float = 1e-9) -> jax.Array:
    """The Markov blankets of a Gaussian graphical model: ``B[j, i]`` is True iff ``i ≠ j`` and ``|Λ_ji| > tol``.

    Args:
        precision: Λ, shape ``(n, n)``.
        tol: magnitude below which an entry counts as zero, ≥ 0.

    Returns:
        Boolean matrix, shape ``(n, n)``, False on the diagonal.
    """
    precision = _check_square("precision", precision)
    tol = check_interval("tol", tol, 0.0, np.inf)
    n = precision.shape[0]
    return (jnp.abs(precision) > tol) & ~jnp.eye(n, dtype=bool)


def conditional_from_precision(precision: jax.Array, target: int) -> tuple[jax.Array, jax.Array]:
    """The full conditional of ``s_target`` given all the others, read off the precision matrix.

    Returns ``(coef, var)`` with ``E[s_j | s_{-j}] = coef · s`` (``coef[j] = 0``) and ``var = 1/Λ_jj``.
    """
    precision = _check_square("precision", precision)
    j = check_int("target", target, min_value=0, max_value=precision.shape[0] - 1)
    coef = -precision[j] / precision[j, j]
    return coef.at[j].set(0.0), 1.0 / precision[j, j]


def gaussian_conditional(cov: jax.Array, target: int, given: jax.Array) -> tuple[jax.Array, jax.Array]:
    """The conditional of ``s_target`` given the elements in the mask ``given`` (Schur complement).

    With :math:`S` the masked set, ``coef[S] = Σ_SS⁻¹ Σ_Sj`` (zero elsewhere) and
    ``var = Σ_jj − Σ_jS Σ_SS⁻¹ Σ_Sj``. Works under ``jit``/``vmap`` for any mask (unmasked rows are replaced by
    the identity before the solve).

    Args:
        cov: Σ, shape ``(n, n)``, positive definite.
        target: index j (a Python int, or a traced int under ``vmap``).
        given: boolean mask, shape ``(n,)``; ``given[target]`` is ignored.

    Returns:
        ``(coef, var)``: shape ``(n,)`` and a scalar.
    """
    cov = _check_square("cov", cov)
    n = cov.shape[0]
    check_shape("given", given, (n,))
    if is_concrete(target):
        target = check_int("target", target, min_value=0, max_value=n - 1)
    return _conditional(cov, target, given)


def _conditional(cov, target, given):
    n = cov.shape[0]
    m = jnp.asarray(given, bool) & (jnp.arange(n) != target)
    mf = m.astype(cov.dtype)
    a = cov * mf[:, None] * mf[None, :] + jnp.diag(1.0 - mf)
    b = cov[:, target] * mf
    coef = jnp.linalg.solve(a, b) * mf
    return coef, cov[target, target] - coef @ cov[:, target]


def subset_nll(cov: jax.Array, target: int, given: jax.Array) -> jax.Array:
    """Expected negative log-likelihood (nats) of the exact conditional of ``s_target`` given a masked set:
    ``½ log(2πe · var)``, the conditional entropy."""
    return 0.5 * (_LOG_2PI_E + jnp.log(gaussian_conditional(cov, target, given)[1]))


def _subset_nll(cov, target, given):
    return 0.5 * (_LOG_2PI_E + jnp.log(_conditional(cov, target, given)[1]))


def _subset_masks(n: int, k: int) -> np.ndarray:
    """All masks over n elements with exactly k True entries, shape (C(n, k), n)."""
    combos = list(itertools.combinations(range(n), k))
    masks = np.zeros((len(combos), n), bool)
    for r, c in enumerate(combos):
        masks[r, list(c)] = True
    return masks


def best_subsets(cov: jax.Array, k: int) -> tuple[jax.Array, jax.Array]:
    """The best attention set of exactly ``k`` other elements for every target, by enumerating all subsets.

    For each target j the ``C(n−1, k)`` subsets of the other elements are scored by the exact conditional NLL
    (:func:`subset_nll`); the minimum is the best any k-element bottleneck can do under the true law.

    Args:
        cov: Σ, shape ``(n, n)``.
        k: bottleneck size, 1..n−1 (static).

    Returns:
        ``(masks, nll)``: boolean ``(n, n)`` (row j = the best set for target j) and ``(n,)`` nats.
    """
    cov = _check_square("cov", cov)
    n = cov.shape[0]
    k = check_int("k", k, min_value=1, max_value=n - 1)
    masks = jnp.asarray(_subset_masks(n, k))  # (M, n)

    def per_target(j):
        ok = ~masks[:, j]
        nll = jax.vmap(lambda m: _subset_nll(cov, j, m))(masks)
        nll = jnp.where(ok, nll, jnp.inf)
        best = jnp.argmin(nll)
        return masks[best], nll[best]

    return jax.vmap(per_target)(jnp.arange(n))


def bottleneck_costs(cov: jax.Array, max_k: int) -> tuple[jax.Array, jax.Array]:
    """The exact cost of a k-element bottleneck for every k ≤ ``max_k`` and every target, in one batched solve.

    The cost of target j at size k is the best k-subset NLL (:func:`best_subsets`) minus the full-conditional NLL
    ``½ log(2πe / Λ_jj)``: zero exactly when some k elements carry all the information the others do.

    Args:
        cov: Σ, shape ``(n, n)``.
        max_k: largest bottleneck size, 1..n−1 (static).

    Returns:
        ``(costs, masks)``: ``(max_k, n)`` nats and the best sets, boolean ``(max_k, n, n)``.
    """
    cov = _check_square("cov", cov)
    n = cov.shape[0]
    max_k = check_int("max_k", max_k, min_value=1, max_value=n - 1)
    groups = [_subset_masks(n, k) for k in range(1, max_k + 1)]
    masks = jnp.asarray(np.concatenate(groups))  # (M, n)
    bounds = np.cumsum([0] + [len(g) for g in groups])
    full = 0.5 * (_LOG_2PI_E - jnp.log(jnp.diag(jnp.linalg.inv(cov))))

    def per_target(j):
        nll = jax.vmap(lambda m: _subset_nll(cov, j, m))(masks)
        return jnp.where(masks[:, j], jnp.inf, nll)

    nll = jax.vmap(per_target)(jnp.arange(n))  # (n, M)
    costs, best = [], []
    for k in range(max_k):
        block = nll[:, bounds[k] : bounds[k + 1]]
        costs.append(jnp.min(block, axis=1) - full)
        best.append(masks[bounds[k] + jnp.argmin(block, axis=1)])
    return jnp.stack(costs), jnp.stack(best)


def entangling_rotation(key: jax.Array, num_vars: int, angle: jax.Array) -> jax.Array:
    """A rotation ``R(θ) = exp(θ A)`` with a random skew-symmetric generator ``A`` (spectral norm 1).

    ``θ = 0`` is the identity (the disentangled, true factors); growing θ mixes every element into every other.
    Apply it to a covariance as ``R Σ Rᵀ`` and to samples as ``s @ Rᵀ``. ``angle`` may be traced.

    Args:
        key: PRNG key for the generator.
        num_vars: n, ≥ 2.
        angle: θ in [0, 2π].

    Returns:
        R, shape ``(n, n)``, orthogonal.
    """
    n = check_int("num_vars", num_vars, min_value=2, max_value=64)
    angle = check_interval("angle", angle, 0.0, 2 * np.pi)
    g = jax.random.normal(key, (n, n))
    a = g - g.T
    a = a / jnp.linalg.norm(a, 2)
    return jax.scipy.linalg.expm(angle * a)


class AttentionFit(NamedTuple):
    """A trained per-target attention bottleneck and linear readout (all arrays have a leading target axis n).

    Attributes:
        scores: attention logits, ``(n, n)`` (the diagonal is masked out).
        selected: the attended set, boolean ``(n, n)``: the top-k elements whose gate ``min(1, (k+½)·softmax)`` ≥ ½.
        weights: readout weights on the attended elements, ``(n, n)`` (zero outside ``selected``).
        bias: ``(n,)``.
        log_var: predictive log-variance, ``(n,)``.
        losses: training objective per step (mean over targets), ``(num_steps,)``.
    """

    scores: jax.Array
    selected: jax.Array
    weights: jax.Array
    bias: jax.Array
    log_var: jax.Array
    losses: jax.Array


def _gates(scores: jax.Array, k: int) -> jax.Array:
    n = scores.shape[-1]
    eye = jnp.eye(n, dtype=bool)
    alpha = jax.nn.softmax(jnp.where(eye, -jnp.inf, scores), axis=-1)
    return jnp.minimum(1.0, (k + 0.5) * alpha)


def _select(scores: jax.Array, k: int) -> jax.Array:
    g = _gates(scores, k)
    kth = jnp.sort(g, axis=-1)[:, -k][:, None]
    return (g >= kth) & (g >= 0.5)


def _gauss_nll(y, mu, log_var):
    return 0.5 * (jnp.log(2 * jnp.pi) + log_var + (y - mu) ** 2 / jnp.exp(log_var))


def train_attention(
    key: jax.Array,
    samples: jax.Array,
    k: int,
    *,
    num_steps: int = 1500,
    readout_steps: int = 500,
    batch_size: int = 512,
    learning_rate: float = 0.05,
    sparsity: float = 0.01,
) -> AttentionFit:
    """Train, for every element j, an attention bottleneck of k elements that predicts ``s_j`` from the others.

    Phase 1 (where to attend): soft attention ``α = softmax(scores_j)`` over the other elements gives each one a
    gate ``g_i = min(1, (k + ½) α_i)``: at most k gates can be fully open at once, and the half slot of slack lets
    k of them saturate with finite scores. An element is read through a noisy channel
    ``x̃_i = g_i s_i + √(1 − g_i²) σ_i ε_i``, so a half-open gate passes half the signal and cannot be undone by a
    large readout weight; the objective is the Gaussian NLL of a linear readout plus ``sparsity · Σ g_i``.
    Phase 2 (what to read): the attended set is frozen to the top-k open gates (:class:`AttentionFit`), and the
    readout (weights, bias, log-variance) is retrained on exactly those elements. Both phases run in one jitted
    call with Adam (optax).

    Args:
        key: PRNG key (minibatches and channel noise).
        samples: observations, shape ``(N, n)``.
        k: bottleneck size, 1..n−1 (static).
        num_steps: phase-1 Adam steps, ≥ 1.
        readout_steps: phase-2 Adam steps, ≥ 1.
        batch_size: minibatch size, 1..N.
        learning_rate: Adam step size, > 0.
        sparsity: weight of the gate-mass penalty, ≥ 0.

    Returns:
        An :class:`AttentionFit`.
    """
    check_ndim("samples", samples, 2)
    samples = check_finite("samples", jnp.asarray(samples))
    num, n = samples.shape
    if n < 2:
        raise ValueError(f"samples must have at least 2 columns (variables), got {n}")
    k = check_int("k", k, min_value=1, max_value=n - 1)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    readout_steps = check_int("readout_steps", readout_steps, min_value=1)
    batch_size = check_int("batch_size", batch_size, min_value=1, max_value=num)
    learning_rate = check_positive("learning_rate", learning_rate)
    sparsity = float(check_interval("sparsity", sparsity, 0.0, np.inf))
    return _train_attention(key, samples, k, num_steps, readout_steps, batch_size, learning_rate, sparsity)


@partial(jax.jit, static_argnums=(2, 3, 4, 5))
def _train_attention(key, samples, k, num_steps, readout_steps, batch_size, learning_rate, sparsity):
    num, n = samples.shape
    eye = jnp.eye(n, dtype=bool)
    sd = jnp.std(samples, axis=0)
    opt = optax.adam(learning_rate)

    def loss1(p, x, eps):
        g = _gates(p["scores"], k)  # (n_target, n)
        xt = g[None] * x[:, None, :] + jnp.sqrt(jnp.clip(1.0 - g[None] ** 2, 1e-6)) * sd * eps  # (B, n_target, n)
        xt = jnp.where(eye[None], 0.0, xt)
        mu = jnp.einsum("btn,tn->bt", xt, p["weights"]) + p["bias"]
        nll = _gauss_nll(x, mu, p["log_var"]).mean()
        return nll + sparsity * jnp.sum(jnp.where(eye, 0.0, g)) / n

    def loss2(p, x, mask):
        mu = jnp.einsum("bn,tn->bt", x, p["weights"] * mask) + p["bias"]
        return _gauss_nll(x, mu, p["log_var"]).mean()

    params = dict(scores=jnp.zeros((n, n)), weights=jnp.zeros((n, n)), bias=jnp.zeros(n), log_var=jnp.log(sd**2))
    k1, k2 = jax.random.split(key)

    def step1(carry, kk):
        p, s = carry
        ka, kb = jax.random.split(kk)
        idx = jax.random.randint(ka, (batch_size,), 0, num)
        eps = jax.random.normal(kb, (batch_size, n, n))
        val, grad = jax.value_and_grad(loss1)(p, samples[idx], eps)
        upd, s = opt.update(grad, s, p)
        return (cast(dict[str, jax.Array], optax.apply_updates(p, upd)), s), val

    (params, _), losses1 = jax.lax.scan(step1, (params, opt.init(params)), jax.random.split(k1, num_steps))
    mask = _select(params["scores"], k).astype(samples.dtype)
    head = dict(weights=params["weights"], bias=params["bias"], log_var=params["log_var"])

    def step2(carry, kk):
        p, s = carry
        idx = jax.random.randint(kk, (batch_size,), 0, num)
        val, grad = jax.value_and_grad(loss2)(p, samples[idx], mask)
        upd, s = opt.update(grad, s, p)
        return (cast(dict[str, jax.Array], optax.apply_updates(p, upd)), s), val

    (head, _), losses2 = jax.lax.scan(step2, (head, opt.init(head)), jax.random.split(k2, readout_steps))
    return AttentionFit(
        params["scores"],
        mask.astype(bool),
        head["weights"] * mask,
        head["bias"],
        head["log_var"],
        jnp.concatenate([losses1, losses2]),
    )


def readout_nll(cov: jax.Array, fit: AttentionFit) -> jax.Array:
    """The exact expected NLL (nats) of each target's trained readout under the true law ``s ~ N(0, Σ)``.

    For a readout ``μ = w · s + b`` with variance ``v = exp(log_var)`` the expectation is closed form:
    ``½ log(2π v) + [(e_j − w)ᵀ Σ (e_j − w) + b²] / (2 v)``. No test samples, so no sampling noise.

    Returns:
        Shape ``(n,)``.
    """
    cov = _check_square("cov", cov)
    n = cov.shape[0]
    if fit.weights.shape != (n, n):
        raise ValueError(f"fit must be trained on {n} variables to match cov, got weights {fit.weights.shape}")
    resid = jnp.eye(n) - fit.weights  # row j: e_j − w_j
    mse = jnp.einsum("ti,ij,tj->t", resid, cov, resid) + fit.bias**2
    return 0.5 * (jnp.log(2 * jnp.pi) + fit.log_var + mse / jnp.exp(fit.log_var))


def blanket_scores(selected: jax.Array, blanket: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Precision and recall of attended sets against the Markov blankets, pooled over all targets.

    Args:
        selected: boolean ``(n, n)``.
        blanket: boolean ``(n, n)`` (from :func:`markov_blanket`).

    Returns:
        ``(precision, recall)``, scalars in [0, 1].
    """
    check_ndim("selected", selected, 2)
    check_ndim("blanket", blanket, 2)
    if jnp.shape(selected) != jnp.shape(blanket):
        raise ValueError(
            f"selected and blanket must have the same shape, got {jnp.shape(selected)} and {jnp.shape(blanket)}"
        )
    sel, mb = jnp.asarray(selected, bool), jnp.asarray(blanket, bool)
    hit = jnp.sum(sel & mb)
    return hit / jnp.maximum(jnp.sum(sel), 1), hit / jnp.maximum(jnp.sum(mb), 1)
