"""Small NumPyro models used by the foundations tutorials (all arguments are arrays, so they can be traced)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist

from priorscope import _checks as _c

__all__ = ["normal_mean_model", "eight_schools_noncentered", "EIGHT_SCHOOLS"]

#: The eight schools data: estimated coaching effects and their standard errors for SAT-V in eight high schools.
#: Source: Rubin, D. B. (1981), "Estimation in parallel randomized experiments", J. Educational Statistics 6(4);
#: as tabulated in Gelman et al., *Bayesian Data Analysis* (3rd ed.), Table 5.2. Public-domain summary statistics.
EIGHT_SCHOOLS = {
    "schools": ("A", "B", "C", "D", "E", "F", "G", "H"),
    "y": (28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0),
    "sigma": (15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0),
}


def normal_mean_model(
    y: jax.Array | None,
    prior_mean: jax.Array,
    prior_scale: jax.Array,
    noise_scale: jax.Array,
    mask: jax.Array | None = None,
    *,
    num_data: int | None = None,
) -> None:
    r""":math:`\mu \sim \mathcal N(\mu_0, \tau^2)`, :math:`y_i \sim \mathcal N(\mu, \sigma^2)` (conjugate; see
    :func:`priorscope.bayes.normal_normal_posterior` for the exact posterior).

    Args:
        y: observations, shape ``(n,)``; ``None`` leaves ``y`` unobserved, so that ``Predictive`` draws it from the
            prior predictive (then ``num_data`` gives ``n``). Passing placeholder data instead would condition on
            it: the returned ``y`` would be the placeholder, not a draw.
        prior_mean, prior_scale, noise_scale: :math:`\mu_0`, :math:`\tau`, :math:`\sigma`.
        mask: bool, shape of ``y``: drops observations without changing shapes, so a panel can vary the data size
            as a traced value instead of compiling once per size.
        num_data: the number of observations ``n`` when ``y`` is None (ignored otherwise).

    Raises:
        ValueError: ``y`` is None and ``num_data`` is not a positive integer.
    """
    prior_scale = _c.check_positive("prior_scale", prior_scale)
    noise_scale = _c.check_positive("noise_scale", noise_scale)
    if y is None:
        if isinstance(num_data, bool) or not isinstance(num_data, int) or num_data < 1:
            raise ValueError(f"num_data must be an integer >= 1 when y is None, got {num_data!r}")
        n = num_data
    else:
        n = jnp.shape(y)[0]
    mu = numpyro.sample("mu", dist.Normal(prior_mean, prior_scale))
    with numpyro.plate("data", n):
        likelihood = dist.Normal(mu, noise_scale)
        numpyro.sample("y", likelihood if mask is None else likelihood.mask(mask), obs=y)


def eight_schools_noncentered(sigma: jax.Array, y: jax.Array | None = None, tau_scale: jax.Array = 5.0) -> None:
    r"""Eight schools, non-centred: :math:`\mu \sim \mathcal N(0, 5^2)`, :math:`\tau \sim \mathrm{HalfCauchy}(s)`,
    :math:`\theta_j = \mu + \tau \tilde\theta_j`, :math:`\tilde\theta_j \sim \mathcal N(0, 1)`,
    :math:`y_j \sim \mathcal N(\theta_j, \sigma_j^2)`."""
    sigma = _c.check_positive("sigma", sigma)
    tau_scale = _c.check_positive("tau_scale", tau_scale)
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(tau_scale))
    with numpyro.plate("school", jnp.shape(sigma)[0]):
        theta_tilde = numpyro.sample("theta_tilde", dist.Normal(0.0, 1.0))
        theta = numpyro.deterministic("theta", mu + tau * theta_tilde)
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)
