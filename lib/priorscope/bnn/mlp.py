r"""Functional multilayer perceptrons with per-layer Gaussian weight priors, and function-space sampling.

A network with layer sizes ``(d, n_1, ..., n_L, d_out)`` is a list of ``(W, b)`` pairs (a pytree; flatten it with
:func:`flatten`, i.e. ``jax.flatten_util.ravel_pytree``). Its prior is Gaussian per layer,

.. math:: W^{l}_{ij} \sim \mathcal N(0, \sigma_{w,l}^2 / n_{l-1}),\qquad b^{l}_i \sim \mathcal N(0, \sigma_{b,l}^2),

and the forward pass is :math:`h^1 = W^1x + b^1`, :math:`h^{l+1} = W^{l+1}\phi(h^l) + b^{l+1}`. This is the
scaling of :class:`priorscope.gp.ArcCosine` / :class:`priorscope.gp.ErfNNGP`: as the hidden widths grow, the
output at any finite set of inputs tends to a Gaussian with those kernels (``depth`` = L hidden layers) when all
layers share σ_w², σ_b².

Samples are reparameterised (standard normals times the prior scales), so function samples are differentiable
in σ_w, σ_b: notebook 08 tunes them by gradient descent.

References:
    Neal (1996), *Bayesian Learning for Neural Networks*, ch. 2.
    Lee et al. (2018), "Deep neural networks as Gaussian processes", ICLR, https://arxiv.org/abs/1711.00165.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from priorscope._checks import check_choice, check_int, check_nonnegative, check_positive

__all__ = [
    "ACTIVATIONS",
    "check_layer_sizes",
    "layer_variances",
    "init_mlp",
    "mlp_apply",
    "flatten",
    "log_prior",
    "sample_functions",
    "sample_scale_mixture_functions",
]

#: Hidden-layer nonlinearities by name.
ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "relu": jax.nn.relu,
    "erf": jax.scipy.special.erf,
    "tanh": jnp.tanh,
}

Params = list[tuple[jax.Array, jax.Array]]


def check_layer_sizes(layer_sizes: Sequence[int]) -> tuple[int, ...]:
    """``layer_sizes`` as a tuple of ints ≥ 1 with at least an input and an output size."""
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a sequence of ints like (1, 64, 64, 1), got {layer_sizes!r}")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes must hold at least an input and an output size, got {tuple(layer_sizes)}")
    return tuple(check_int(f"layer_sizes[{i}]", s, min_value=1) for i, s in enumerate(layer_sizes))


def layer_variances(name: str, value: Any, num_layers: int, *, allow_zero: bool) -> jax.Array:
    """Broadcast a scalar or per-layer prior variance to shape ``(num_layers,)``, checking its range."""
    v = jnp.asarray(value, dtype=jnp.result_type(float))
    if v.ndim > 1 or (v.ndim == 1 and v.shape[0] != num_layers):
        raise ValueError(f"{name} must be a scalar or have shape ({num_layers},) (one per layer), got {v.shape}")
    v = check_nonnegative(name, v) if allow_zero else check_positive(name, v)
    return jnp.broadcast_to(v, (num_layers,))


def init_mlp(
    key: jax.Array, layer_sizes: Sequence[int], weight_variance: Any = 1.0, bias_variance: Any = 0.0
) -> Params:
    """Draw one network from the per-layer Gaussian prior.

    Args:
        key: PRNG key.
        layer_sizes: ``(d, n_1, ..., n_L, d_out)``, ints ≥ 1.
        weight_variance: σ_w² > 0, a scalar or one per layer (shape ``(L + 1,)``); W has variance σ_w²/fan_in.
        bias_variance: σ_b² ≥ 0, scalar or per layer.

    Returns:
        A list of ``(W, b)``, W of shape ``(fan_out, fan_in)``, b of shape ``(fan_out,)``.
    """
    sizes = check_layer_sizes(layer_sizes)
    n = len(sizes) - 1
    sw = layer_variances("weight_variance", weight_variance, n, allow_zero=False)
    sb = layer_variances("bias_variance", bias_variance, n, allow_zero=True)
    keys = jax.random.split(key, 2 * n)
    params = []
    for l in range(n):
        fan_in, fan_out = sizes[l], sizes[l + 1]
        W = jnp.sqrt(sw[l] / fan_in) * jax.random.normal(keys[2 * l], (fan_out, fan_in), sw.dtype)
        b = jnp.sqrt(sb[l]) * jax.random.normal(keys[2 * l + 1], (fan_out,), sw.dtype)
        params.append((W, b))
    return params


def mlp_apply(params: Params, x: Any, activation: str = "relu") -> jax.Array:
    """Network outputs at inputs ``x``.

    Args:
        params: list of ``(W, b)`` from :func:`init_mlp` (or an unflattened vector).
        x: inputs of shape ``(m, d)`` (or ``(m,)`` when d = 1).
        activation: one of :data:`ACTIVATIONS`.

    Returns:
        Outputs of shape ``(m, d_out)``.
    """
    act = ACTIVATIONS[check_choice("activation", activation, tuple(ACTIVATIONS))]
    h = jnp.asarray(x)
    h = h[:, None] if h.ndim == 1 else h
    d_in = params[0][0].shape[1]
    if h.ndim != 2 or h.shape[1] != d_in:
        raise ValueError(f"x must have shape (m, {d_in}) for this network, got {jnp.shape(x)}")
    for i, (W, b) in enumerate(params):
        h = h @ W.T + b
        if i < len(params) - 1:
            h = act(h)
    return h


def flatten(params: Params) -> tuple[jax.Array, Callable[[jax.Array], Params]]:
    """``(theta, unflatten)``: all weights as one vector (``ravel_pytree``) and the inverse map."""
    return ravel_pytree(params)


def log_prior(params: Params, weight_variance: Any = 1.0, bias_variance: Any = 1.0) -> jax.Array:
    """Log density of ``params`` under the per-layer Gaussian prior of :func:`init_mlp` (biases need σ_b² > 0)."""
    n = len(params)
    sw = layer_variances("weight_variance", weight_variance, n, allow_zero=False)
    sb = layer_variances("bias_variance", bias_variance, n, allow_zero=False)
    total = jnp.zeros((), sw.dtype)
    for l, (W, b) in enumerate(params):
        vw = sw[l] / W.shape[1]
        total += -0.5 * jnp.sum(W**2) / vw - 0.5 * W.size * jnp.log(2 * jnp.pi * vw)
        total += -0.5 * jnp.sum(b**2) / sb[l] - 0.5 * b.size * jnp.log(2 * jnp.pi * sb[l])
    return total


def sample_functions(
    key: jax.Array,
    x: Any,
    layer_sizes: Sequence[int],
    num_samples: int,
    weight_variance: Any = 1.0,
    bias_variance: Any = 0.0,
    activation: str = "relu",
    *,
    batch_size: int | None = None,
) -> jax.Array:
    """Prior function draws ``f(x)`` of independent networks (the output layer must have size 1).

    Args:
        key: PRNG key.
        x: inputs ``(m, d)`` or ``(m,)``.
        layer_sizes: ``(d, n_1, ..., n_L, 1)``.
        num_samples: number of networks S ≥ 1 (static).
        weight_variance: σ_w², scalar or per layer (traced; differentiable).
        bias_variance: σ_b², scalar or per layer.
        activation: hidden nonlinearity.
        batch_size: networks drawn at once (bounds memory for wide nets); default all.

    Returns:
        Function values of shape ``(S, m)``.
    """
    sizes = check_layer_sizes(layer_sizes)
    if sizes[-1] != 1:
        raise ValueError(f"layer_sizes must end with an output size of 1, got {sizes}")
    num_samples = check_int("num_samples", num_samples, min_value=1)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, min_value=1)
    check_choice("activation", activation, tuple(ACTIVATIONS))
    n = len(sizes) - 1
    sw = layer_variances("weight_variance", weight_variance, n, allow_zero=False)
    sb = layer_variances("bias_variance", bias_variance, n, allow_zero=True)
    xs = jnp.asarray(x, sw.dtype)
    xs = xs[:, None] if xs.ndim == 1 else xs

    def one(k):
        return mlp_apply(init_mlp(k, sizes, sw, sb), xs, activation)[:, 0]

    keys = jax.random.split(key, num_samples)
    return jax.lax.map(one, keys, batch_size=batch_size)


def sample_scale_mixture_functions(
    key: jax.Array,
    x: Any,
    layer_sizes: Sequence[int],
    num_samples: int,
    a: Any,
    b: Any,
    weight_variance: Any = 1.0,
    bias_variance: Any = 0.0,
    activation: str = "relu",
    *,
    batch_size: int | None = None,
) -> jax.Array:
    r"""Function draws of networks whose last-layer variance is random: :math:`\sigma^2 \sim \mathrm{IG}(a, b)`.

    The last layer's weights and bias get variances σ²·σ_w²/n_L and σ²·σ_b², so each draw is σ times a draw of
    :func:`sample_functions`; as widths grow the law tends to a Student-t process with ν = 2a and scale (b/a)K
    (Lee et al. 2022).

    Args:
        key: PRNG key.
        x, layer_sizes, num_samples, weight_variance, bias_variance, activation, batch_size: as in
            :func:`sample_functions`.
        a: inverse-gamma shape a > 0.
        b: inverse-gamma scale b > 0.

    Returns:
        Function values of shape ``(S, m)``.
    """
    a = check_positive("a", a)
    b = check_positive("b", b)
    k_net, k_scale = jax.random.split(key)
    f = sample_functions(
        k_net, x, layer_sizes, num_samples, weight_variance, bias_variance, activation, batch_size=batch_size
    )
    sigma2 = b / jax.random.gamma(k_scale, a, (num_samples,), f.dtype)  # 1/Gamma(a, rate b) is IG(a, b)
    return jnp.sqrt(sigma2)[:, None] * f
