"""Mixture regret against brute-force enumeration of all 2^n sequences; the weight bound on exact mixtures."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import special, stats

from priorscope.bnn import universality as U


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def _brute_regret(n, ts, thetas, w):
    total = 0.0
    for seq in itertools.product((0, 1), repeat=n):
        k = sum(seq)
        p_star = ts**k * (1 - ts) ** (n - k)
        q = np.sum(w * thetas**k * (1 - thetas) ** (n - k))
        total += p_star * (np.log(p_star) - np.log(q))
    return total


@pytest.mark.parametrize("ts", [0.1, 0.5, 0.73])
def test_regret_matches_brute_force_over_all_sequences(ts):
    rng = np.random.default_rng(0)
    thetas = np.sort(rng.uniform(0.02, 0.98, 37))
    w = rng.dirichlet(np.ones(37))
    got = float(U.mixture_regret(9, ts, jnp.asarray(thetas), jnp.log(jnp.asarray(w))))
    assert abs(got - _brute_regret(9, ts, thetas, w)) < 1e-10


def test_chunked_mixture_handles_classes_larger_than_one_chunk():
    thetas, log_w = U.grid_hypotheses(10_000)  # 9999 hypotheses: three chunks with padding
    k = np.arange(31)
    ref = special.logsumexp(
        np.asarray(log_w)[None] + k[:, None] * np.log(thetas)[None] + (30 - k[:, None]) * np.log1p(-thetas)[None],
        axis=1,
    )
    ts = 0.3
    expected = np.sum(stats.binom(30, ts).pmf(k) * (k * np.log(ts) + (30 - k) * np.log1p(-ts) - ref))
    assert abs(float(U.mixture_regret(30, ts, thetas, log_w)) - expected) < 1e-9


@pytest.mark.parametrize("m", [10, 100, 2000])
@pytest.mark.parametrize("ts", [0.1, 0.5])
def test_weight_bound_holds_for_exact_mixtures(m, ts):
    thetas, log_w = U.grid_hypotheses(m)
    eps = jnp.concatenate([jnp.zeros(1), jnp.logspace(-6, 0, 100)])
    for n in (1, 5, 50, 400):
        assert float(U.mixture_regret(n, ts, thetas, log_w)) <= float(U.weight_bound(n, ts, thetas, log_w, eps)[0])
        # the pointwise bound −log w(θ*) is the ε = 0 case
        assert float(U.mixture_regret(n, ts, thetas, log_w)) <= np.log(m - 1) + 1e-12


def test_beta_limit_and_kl():
    thetas, log_w = U.grid_hypotheses(20_000)
    assert abs(float(U.mixture_regret(200, 0.3, thetas, log_w)) - float(U.beta_mixture_regret(200, 0.3))) < 1e-3
    assert abs(float(U.bernoulli_kl(0.3, 0.6)) - stats.entropy([0.3, 0.7], [0.6, 0.4])) < 1e-12
    assert float(U.bernoulli_kl(0.0, 0.5)) == pytest.approx(np.log(2))


def test_simple_prior_puts_mass_on_the_fair_coin():
    thetas, log_w = U.simple_plus_grid_prior(100, 0.4)
    w = np.exp(np.asarray(log_w))
    assert w.sum() == pytest.approx(1.0)
    assert thetas[49] == 0.5 and w[49] == pytest.approx(0.4 + 0.6 / 99)
