r"""Neural-network surrogates for BO on a grid (notebook 03): wide random ReLU nets, deep ensembles, HMC BNNs.

The infinite-width BNN (I-BNN) of Li, Rudner and Wilson (2024) is a GP whose kernel is the NNGP arc-cosine
recursion (:class:`priorscope.gp.ArcCosine`); :func:`relu_net_outputs` draws finite random networks with the same
parametrisation, so their empirical output covariance can be compared with the kernel (rescaled to unit average
prior variance by :class:`priorscope.gp.Scaled`). Deep ensembles and a NUTS-sampled BNN give the finite,
trained surrogates of the comparison.

References:
    Li, Rudner, Wilson (2024). A study of Bayesian neural network surrogates for Bayesian optimization. ICLR.
    Lee et al. (2018). Deep neural networks as Gaussian processes. ICLR.
    Lakshminarayanan, Pritzel, Blundell (2017). Simple and scalable predictive uncertainty estimation using deep
    ensembles. NeurIPS.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from priorscope._checks import check_int, check_interval, check_positive

__all__ = [
    "relu_net_outputs",
    "fit_ensemble",
    "ensemble_predict",
    "mlp_apply",
    "hmc_bnn_predict",
]


def relu_net_outputs(key, X, *, width: int, depth: int, weight_variance, bias_variance, num_nets: int):
    r"""Outputs of ``num_nets`` random ReLU networks at the inputs ``X`` (NNGP parametrisation).

    :math:`h^1 = \sigma_w W^1 x/\sqrt d + \sigma_b b^1`, then ``depth`` times
    :math:`h^{l+1} = \sigma_w W^{l+1}\mathrm{relu}(h^l)/\sqrt{n_l} + \sigma_b b^{l+1}` (the last one is the scalar
    output), all weights and biases standard normal. As ``width`` → ∞ the output covariance is
    ``gp.ArcCosine(weight_variance, bias_variance, depth)``.

    Args:
        key: PRNG key.
        X: inputs, shape ``(n, d)``; the weights are drawn in X's dtype (pass float32 for speed).
        width: hidden width (static); depth: number of hidden ReLU layers (static).
        weight_variance: σ_w²; bias_variance: σ_b².
        num_nets: number of independent networks (static).

    Returns:
        Outputs, shape ``(num_nets, n)``.
    """
    weight_variance = check_positive("weight_variance", weight_variance)
    bias_variance = check_positive("bias_variance", bias_variance, allow_zero=True)
    width = check_int("width", width, min_value=1)
    depth = check_int("depth", depth, min_value=1)
    num_nets = check_int("num_nets", num_nets, min_value=1)
    X = jnp.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n, d), got {X.shape}")
    sw, sb = jnp.sqrt(weight_variance), jnp.sqrt(bias_variance)

    def one(k):
        ks = jax.random.split(k, 2 * (depth + 1))
        d = X.shape[1]
        dt = X.dtype
        h = sw * X @ jax.random.normal(ks[0], (d, width), dt) / jnp.sqrt(d) + sb * jax.random.normal(
            ks[1], (width,), dt
        )
        for layer in range(1, depth + 1):
            out = 1 if layer == depth else width
            W = jax.random.normal(ks[2 * layer], (width, out), dt)
            b = jax.random.normal(ks[2 * layer + 1], (out,), dt)
            h = sw * jax.nn.relu(h) @ W / jnp.sqrt(width) + sb * b
        return h[:, 0]

    return jax.lax.map(one, jax.random.split(key, num_nets), batch_size=64)


def init_mlp(key, sizes):
    """(weights, bias) per layer of an MLP with layer widths ``sizes``; weights N(0, 1/fan-in), biases zero."""
    params = []
    for k, (i, o) in zip(jax.random.split(key, len(sizes) - 1), zip(sizes[:-1], sizes[1:], strict=True), strict=True):
        params.append((jax.random.normal(k, (i, o)) * jnp.sqrt(1.0 / i), jnp.zeros((o,))))
    return params


def _check_params(params) -> None:
    if not isinstance(params, list | tuple) or not params:
        raise ValueError(f"params must be a non-empty list of (W, b) layers, got {type(params).__name__} {params!r}")


def mlp_apply(params, X) -> jax.Array:
    _check_params(params)
    """A tanh MLP: ``params`` is a list of (W, b); returns shape ``(n,)``."""
    h = X
    for W, b in params[:-1]:
        h = jnp.tanh(h @ W + b)
    W, b = params[-1]
    return (h @ W + b)[:, 0]


def fit_ensemble(
    key,
    X,
    y,
    *,
    num_members: int,
    width: int,
    depth: int,
    num_steps: int,
    learning_rate=1e-2,
    weight_decay=1e-4,
    bootstrap=0.8,
):
    """Train a deep ensemble of tanh MLPs (each on a random ``bootstrap`` fraction of the data), vmapped.

    Args:
        key: PRNG key.
        X: inputs ``(n, d)``; y: targets ``(n,)``.
        num_members, width, depth, num_steps: sizes (static).
        learning_rate: Adam step size; weight_decay: L2 penalty; bootstrap: fraction of points each member sees.

    Returns:
        Stacked member parameters (a list of (W, b) with a leading member axis).
    """
    import optax

    num_members = check_int("num_members", num_members, min_value=1)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    width = check_int("width", width, min_value=1)
    depth = check_int("depth", depth, min_value=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    weight_decay = check_positive("weight_decay", weight_decay, allow_zero=True)
    bootstrap = check_interval("bootstrap", bootstrap, 0.0, 1.0, low_open=True)
    X, y = jnp.asarray(X), jnp.asarray(y)
    sizes = [X.shape[1]] + [width] * depth + [1]
    opt = optax.adam(learning_rate)

    def train(k):
        k_init, k_mask = jax.random.split(k)
        params = init_mlp(k_init, sizes)
        mask = (jax.random.uniform(k_mask, y.shape) < bootstrap).astype(y.dtype)

        def loss(p):
            err = jnp.sum(mask * (mlp_apply(p, X) - y) ** 2) / jnp.maximum(mask.sum(), 1.0)
            return err + weight_decay * sum(jnp.sum(W**2) for W, _ in p)

        def step(carry, _):
            p, s = carry
            g = jax.grad(loss)(p)
            upd, s = opt.update(g, s, p)
            return (optax.apply_updates(p, upd), s), None

        (params, _), _ = jax.lax.scan(step, (params, opt.init(params)), None, length=num_steps)
        return params

    return jax.vmap(train)(jax.random.split(key, num_members))


def ensemble_predict(params, X) -> tuple[jax.Array, jax.Array]:
    """Mean and standard deviation across ensemble members at ``X`` (each shape ``(n,)``)."""
    _check_params(params)
    preds = jax.vmap(lambda p: mlp_apply(p, jnp.asarray(X)))(params)
    return preds.mean(0), preds.std(0)


def hmc_bnn_predict(
    key,
    X,
    y,
    X_test,
    *,
    width: int,
    depth: int,
    prior_var=1.0,
    noise_var=0.01,
    num_warmup: int = 300,
    num_samples: int = 300,
):
    """Posterior predictive draws of a tanh BNN sampled with NUTS (NumPyro).

    Model: every weight and bias ~ N(0, prior_var); y ~ N(f_w(x), noise_var). This is the HMC surrogate of Li et
    al. (2024) at toy size (they use 3 × 128 tanh layers and 500 + 500 HMC steps).

    Args:
        key: PRNG key.
        X: inputs ``(n, d)``; y: targets ``(n,)``; X_test: ``(m, d)``.
        width, depth: hidden layer sizes (static).
        prior_var: prior variance of the weights; noise_var: observation noise variance.
        num_warmup, num_samples: NUTS sizes (static).

    Returns:
        Function draws at X_test, shape ``(num_samples, m)``.
    """
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import MCMC, NUTS

    width = check_int("width", width, min_value=1)
    depth = check_int("depth", depth, min_value=1)
    num_warmup = check_int("num_warmup", num_warmup, min_value=1)
    num_samples = check_int("num_samples", num_samples, min_value=1)
    prior_var = check_positive("prior_var", prior_var)
    noise_var = check_positive("noise_var", noise_var)
    X, y, X_test = jnp.asarray(X), jnp.asarray(y), jnp.asarray(X_test)
    sizes = [X.shape[1]] + [width] * depth + [1]

    def model(X, y=None):
        params = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            W = numpyro.sample(f"W{i}", dist.Normal(0.0, jnp.sqrt(prior_var)).expand([a, b]).to_event(2))
            c = numpyro.sample(f"b{i}", dist.Normal(0.0, jnp.sqrt(prior_var)).expand([b]).to_event(1))
            params.append((W, c))
        numpyro.sample("y", dist.Normal(mlp_apply(params, X), jnp.sqrt(noise_var)), obs=y)

    mcmc = MCMC(NUTS(model), num_warmup=num_warmup, num_samples=num_samples, progress_bar=False)
    mcmc.run(key, X, y)
    draws = mcmc.get_samples()
    n_layers = len(sizes) - 1

    def predict(d):
        return mlp_apply([(d[f"W{i}"], d[f"b{i}"]) for i in range(n_layers)], X_test)

    return jax.vmap(predict)(draws)
