r"""LC-PFN: Bayesian learning-curve extrapolation, amortized by a PFN and done by NUTS (notebook 15).

A learning curve ``y_1 … y_T`` (e.g. validation accuracy per epoch) is modelled as the LC-PFN prior of
:func:`~priorscope.amortized.sample_lc_curves`: a weighted sum of the pow3, ilog2 and janoschek basis curves plus
Gaussian noise, restricted to noise-free curves inside ``[0, 1]`` that end above where they start. Having seen the
first ``n`` epochs, *extrapolation* is the posterior predictive of each later epoch,

.. math:: p(y_t \mid y_{1:n}) = \int \mathcal N\bigl(y_t;\ m_θ(t), σ^2\bigr)\, p(θ, σ \mid y_{1:n})\, dθ\, dσ,
    \qquad t > n .

Two ways to get it:

- :func:`lcpfn_logits` — a PFN trained on prior curves (``tools/train_pfn.py lcpfn``) outputs a bar distribution
  per epoch in one forward pass; the observed epochs are the context, every epoch is a query.
- :func:`make_lc_nuts` — NUTS on the 13 prior parameters (3 weights, 3 + 2 + 4 curve parameters, ``log σ``) with
  the same prior, the rejection rule as a hard truncation and the Gaussian likelihood of the observed epochs; the
  predictive averages the Gaussians of the draws (:func:`lc_draws_log_pred`), as Domhan et al. (2015) do.

Reference: Adriaensen, Rakotoarison, Müller, Hutter (2023), "Efficient Bayesian Learning Curve Extrapolation using
Prior-Data Fitted Networks", NeurIPS. The prior's ranges and rejection rule were checked against the authors' code
(``automl/lcpfn``, ``curves.py`` and ``domhan_prior.py``); nothing here is copied from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist

from priorscope import nn
from priorscope._checks import check_int, check_ndim, check_type, is_concrete
from priorscope.amortized.bar import bar_cdf, bar_log_prob
from priorscope.amortized.pfn import pfn_logits
from priorscope.amortized.priors import lc_is_valid, lc_mean_curves, sample_lc_curves
from priorscope.inference.nuts import make_nuts

__all__ = [
    "LC_SITES",
    "digits_learning_curves",
    "lc_draws_log_pred",
    "lc_model",
    "lc_predictive_samples",
    "lc_tail_mean",
    "lcpfn_improve_probability",
    "lcpfn_inputs",
    "lcpfn_log_pred",
    "lcpfn_logits",
    "make_lc_nuts",
]

#: The 13 prior parameters of a learning curve, as NumPyro site names (``w`` has 3 entries).
LC_SITES = (
    "w",
    "pow3_c",
    "pow3_a",
    "pow3_alpha",
    "ilog2_c",
    "ilog2_a",
    "jan_alpha",
    "jan_beta",
    "jan_kappa",
    "jan_delta",
    "log_sigma",
)


def _check_curve(name, y):
    y = jnp.asarray(y, dtype=float)
    check_ndim(name, y, 1)
    if y.shape[0] < 2:
        raise ValueError(f"{name} must hold at least 2 epochs, got {y.shape[0]}")
    return y


def _check_observed(num_observed, num_epochs):
    """``num_observed`` itself when traced; concrete values must lie in ``[1, num_epochs − 1]``."""
    if not is_concrete(num_observed):
        return num_observed
    return check_int("num_observed", num_observed, min_value=1, max_value=num_epochs - 1)


def lc_model(y, num_observed):
    """NumPyro model of a learning curve under the LC-PFN prior, conditioned on its first ``num_observed`` epochs.

    ``y`` has the full length ``T`` (later entries are ignored, so one compiled sampler serves every cut-off;
    ``num_observed`` may be traced). The prior is :func:`~priorscope.amortized.sample_lc_curves`'s: the rejection
    rule becomes a truncation (log density ``−∞`` for a curve it would reject, judged on all ``T`` epochs).
    """
    y = _check_curve("y", y)
    num_epochs = y.shape[0]
    num_observed = _check_observed(num_observed, num_epochs)
    u = dist.Uniform
    params = {
        "w": numpyro.sample("w", u(jnp.zeros(3), jnp.ones(3)).to_event(1)),
        "pow3_c": numpyro.sample("pow3_c", u(0.0, 1.25)),
        "pow3_a": numpyro.sample("pow3_a", u(-0.6, 0.6)),
        "pow3_alpha": numpyro.sample("pow3_alpha", dist.LogNormal(0.0, 2.0)),
        "ilog2_c": numpyro.sample("ilog2_c", u(0.0, 1.0)),
        "ilog2_a": numpyro.sample("ilog2_a", u(-0.5, 0.5)),
        "jan_alpha": numpyro.sample("jan_alpha", u(0.0, 1.0)),
        "jan_beta": numpyro.sample("jan_beta", u(0.0, 2.0)),
        "jan_kappa": numpyro.sample("jan_kappa", dist.LogNormal(-2.0, 1.0)),
        "jan_delta": numpyro.sample("jan_delta", dist.LogNormal(0.0, 0.5)),
        "log_sigma": numpyro.sample("log_sigma", dist.Normal(-4.0, 1.0)),
    }
    t = jnp.arange(1, num_epochs + 1, dtype=float)
    mean = lc_mean_curves(t, params)
    numpyro.factor("truncation", jnp.where(lc_is_valid(mean), 0.0, -jnp.inf))
    seen = jnp.arange(num_epochs) < num_observed
    loglik = jax.scipy.stats.norm.logpdf(y, mean, jnp.exp(params["log_sigma"]))
    numpyro.factor("observed", jnp.sum(jnp.where(seen, loglik, 0.0)))


def make_lc_nuts(
    num_epochs: int,
    *,
    num_warmup: int,
    num_samples: int,
    num_chains: int = 2,
    num_candidates: int = 512,
    target_accept_prob: float = 0.8,
    max_tree_depth: int = 8,
) -> Callable[..., dict[str, jax.Array]]:
    """Build ``run(key, y, num_observed) -> draws``, a jitted NUTS for :func:`lc_model` (draws ``(chains, samples)``).

    It is :func:`priorscope.inference.make_nuts` (NumPyro's functional NUTS in one ``lax.scan``, chains vmapped)
    with its own ``init_values``: a uniform random point would usually break the truncation, so each chain starts
    at one of the ``num_chains`` best of ``num_candidates`` valid prior draws, ranked by the likelihood of the
    observed epochs (the data pick the start, the prior guarantees it is valid).
    """
    num_epochs = check_int("num_epochs", num_epochs, min_value=2)
    num_warmup = check_int("num_warmup", num_warmup, min_value=1)
    num_samples = check_int("num_samples", num_samples, min_value=1)
    num_chains = check_int("num_chains", num_chains, min_value=1)
    num_candidates = check_int("num_candidates", num_candidates, min_value=num_chains)
    max_tree_depth = check_int("max_tree_depth", max_tree_depth, min_value=1)
    t = jnp.arange(1, num_epochs + 1, dtype=float)

    def starts(key: jax.Array, y: jax.Array, num_observed: jax.Array) -> dict[str, jax.Array]:
        # the num_chains best of num_candidates valid prior draws, ranked by the likelihood of the observed epochs
        _, cand = sample_lc_curves(key, num_candidates, num_epochs)
        seen = jnp.arange(num_epochs) < num_observed
        ll = jax.scipy.stats.norm.logpdf(y, lc_mean_curves(t, cand), jnp.exp(cand["log_sigma"])[:, None])
        best = jnp.argsort(-jnp.sum(jnp.where(seen, ll, 0.0), axis=-1))[:num_chains]
        return {k: cand[k][best] for k in LC_SITES}

    nuts = make_nuts(
        lc_model,
        (jnp.full(num_epochs, 0.5), jnp.asarray(1)),
        num_warmup=num_warmup,
        num_samples=num_samples,
        num_chains=num_chains,
        target_accept_prob=target_accept_prob,
        max_tree_depth=max_tree_depth,
        init_values=starts,
    )

    def run(key: jax.Array, y, num_observed) -> dict[str, jax.Array]:
        y = _check_curve("y", y)
        if y.shape[0] != num_epochs:
            raise ValueError(f"y must hold num_epochs = {num_epochs} values, got {y.shape[0]}")
        num_observed = _check_observed(num_observed, num_epochs)
        draws = nuts(key, y, jnp.asarray(num_observed)).samples
        return {k: draws[k] for k in LC_SITES}

    return run


def lc_draws_log_pred(draws: dict[str, Any], y) -> jax.Array:
    """Posterior-predictive log density of every epoch of ``y (T,)`` under parameter draws (any leading shape).

    ``log (1/S) Σ_s N(y_t; m_s(t), σ_s²)``, one value per epoch ``(T,)``; keep the epochs after the cut-off with
    :func:`lc_tail_mean`.
    """
    y = _check_curve("y", y)
    missing = sorted(set(LC_SITES) - set(draws))
    if missing:
        raise ValueError(f"draws must hold every site of LC_SITES, missing {missing}")
    flat = {k: jnp.reshape(jnp.asarray(draws[k]), (-1, 3) if k == "w" else (-1,)) for k in LC_SITES}
    t = jnp.arange(1, y.shape[0] + 1, dtype=float)
    mean = lc_mean_curves(t, flat)  # (S, T)
    logp = jax.scipy.stats.norm.logpdf(y, mean, jnp.exp(flat["log_sigma"])[:, None])
    return jax.scipy.special.logsumexp(logp, axis=0) - jnp.log(mean.shape[0])


def lc_predictive_samples(key: jax.Array, draws: dict[str, Any], num_epochs: int) -> jax.Array:
    """One simulated curve per parameter draw, ``m_s(t) + σ_s ε_t`` for ``t = 1 … num_epochs``: ``(S, T)`` samples
    of the posterior predictive (for quantile bands)."""
    num_epochs = check_int("num_epochs", num_epochs, min_value=2)
    missing = sorted(set(LC_SITES) - set(draws))
    if missing:
        raise ValueError(f"draws must hold every site of LC_SITES, missing {missing}")
    flat = {k: jnp.reshape(jnp.asarray(draws[k]), (-1, 3) if k == "w" else (-1,)) for k in LC_SITES}
    mean = lc_mean_curves(jnp.arange(1, num_epochs + 1, dtype=float), flat)
    return mean + jnp.exp(flat["log_sigma"])[:, None] * jax.random.normal(key, mean.shape)


def lc_tail_mean(values, num_observed) -> jax.Array:
    """Mean of per-epoch ``values (..., T)`` over the unseen epochs ``t > num_observed`` (the *tail*), ``(...)``."""
    values = jnp.asarray(values, dtype=float)
    if values.ndim < 1 or values.shape[-1] < 2:
        raise ValueError(f"values must have a last axis of at least 2 epochs, got shape {values.shape}")
    num_observed = _check_observed(num_observed, values.shape[-1])
    tail = jnp.arange(values.shape[-1]) >= num_observed
    return jnp.sum(jnp.where(tail, values, 0.0), axis=-1) / jnp.sum(tail)


def lcpfn_inputs(num_epochs: int) -> jax.Array:
    """The PFN's input for epochs ``1 … T``: ``t / (T + 1)`` in ``(0, 1)`` (the official code scales by 1/101)."""
    num_epochs = check_int("num_epochs", num_epochs, min_value=2)
    return jnp.arange(1, num_epochs + 1, dtype=float) / (num_epochs + 1)


def lcpfn_logits(params, y, num_observed) -> jax.Array:
    """Bar-distribution logits ``(T, K)`` for every epoch of a curve, given its first ``num_observed`` values.

    ``y (T,)`` holds the whole curve (values after the cut-off are ignored); ``num_observed`` may be traced, so a
    slider reuses one compiled function. Row ``t − 1`` is the PFN's predictive distribution of ``y_t``.
    """
    check_type("params", params, nn.TransformerParams, "TransformerParams (load_checkpoint('lcpfn')[0])")
    y = _check_curve("y", y)
    num_observed = _check_observed(num_observed, y.shape[0])
    x = lcpfn_inputs(y.shape[0])
    return pfn_logits(params, x, y, x, num_context=num_observed)


def lcpfn_improve_probability(params, borders, y, num_observed, *, epoch: int | None = None) -> jax.Array:
    """``P(y_epoch > best observed so far)`` under the PFN's predictive (``epoch`` defaults to the last one).

    The LC-PFN early-stopping rule stops a run when this probability falls below a chosen confidence level.
    """
    y = _check_curve("y", y)
    num_epochs = y.shape[0]
    num_observed = _check_observed(num_observed, num_epochs)
    epoch = num_epochs if epoch is None else check_int("epoch", epoch, min_value=1, max_value=num_epochs)
    logits = lcpfn_logits(params, y, num_observed)
    best = jnp.max(jnp.where(jnp.arange(num_epochs) < num_observed, y, -jnp.inf))
    return 1.0 - bar_cdf(logits[epoch - 1], borders, best)


def lcpfn_log_pred(params, borders, y, num_observed) -> jax.Array:
    """Per-epoch log predictive density of ``y`` under the PFN given the first ``num_observed`` epochs, ``(T,)``."""
    return bar_log_prob(lcpfn_logits(params, y, num_observed), borders, _check_curve("y", y))


def digits_learning_curves(
    seed: int = 0, num_epochs: int = 50, learning_rates=(1e-3, 3e-3, 3e-2), hidden: int = 16
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Validation-accuracy learning curves of small MLPs trained on scikit-learn's shipped digits data.

    One curve per learning rate: a one-hidden-layer MLP (``hidden`` ReLU units, SGD with momentum, mini-batches of
    64) is trained epoch by epoch (``partial_fit``) on 70 % of ``load_digits`` and scored on the other 30 % after
    every epoch. Nothing is downloaded (the data ship with scikit-learn). Returns ``(curves (R, num_epochs),
    labels)``; deterministic for a given ``seed``.
    """
    import warnings

    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    seed = check_int("seed", seed, min_value=0)
    num_epochs = check_int("num_epochs", num_epochs, min_value=2)
    hidden = check_int("hidden", hidden, min_value=1)
    rates = tuple(float(r) for r in np.ravel(learning_rates))
    if not rates or any(not r > 0 for r in rates):
        raise ValueError(f"learning_rates must be one or more numbers > 0, got {learning_rates!r}")
    x, labels = load_digits(return_X_y=True)
    x_tr, x_va, y_tr, y_va = train_test_split(x / 16.0, labels, test_size=0.3, random_state=seed, stratify=labels)
    classes = np.unique(labels)
    curves = np.zeros((len(rates), num_epochs))
    for i, lr in enumerate(rates):
        mlp = MLPClassifier(
            (hidden,),
            solver="sgd",
            learning_rate_init=lr,
            momentum=0.9,
            batch_size=64,  # pyright: ignore[reportArgumentType]  (the stub says str; an int is documented)
            random_state=seed,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for e in range(num_epochs):
                mlp.partial_fit(x_tr, y_tr, classes=classes)
                curves[i, e] = mlp.score(x_va, y_va)
    return curves, tuple(f"MLP, SGD lr {lr:g}" for lr in rates)
