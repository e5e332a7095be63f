"""Selection rules and the exact best-of-k theory, against brute force, scipy quadrature and Monte Carlo."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, stats

from priorscope.scaling import selection as sel
from priorscope.scaling import selection_theory as theory


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def _mc_best_of_k(rng, k, a, b, s, m):
    """Brute force: k Gaussian candidates, keep the one nearest the judge's target a, score against b."""
    y = rng.normal(0.0, s, (m, k))
    pick = y[np.arange(m), np.argmin(np.abs(y - a), axis=1)]
    err = (pick - b) ** 2
    return err.mean(), err.std(ddof=1) / np.sqrt(m)


@pytest.mark.parametrize(
    ("k", "a", "b", "s"),
    [
        (1, 0.0, 0.3, 1.0),
        (3, 0.4, -0.2, 0.7),
        (17, 1.5, 0.0, 1.0),
        (64, -0.3, -0.3, 0.5),
        (200, 2.5, 1.0, 1.0),
    ],
)
def test_point_error_matches_monte_carlo_within_3se(k, a, b, s):
    exact = float(theory.best_of_k_error_point(float(k), a, b, s))
    mean, se = _mc_best_of_k(np.random.default_rng(k), k, a, b, s, min(200_000, 2_000_000 // k))
    assert abs(exact - mean) <= 3 * se, (exact, mean, se)


def test_point_error_matches_density_form_quadrature():
    # Independent formula: E = ∫_0^∞ k g(t) (1 - G(t))^{k-1} h(t) dt with scipy quad.
    a, b, s, k = 0.6, -0.1, 0.8, 9
    norm = stats.norm(0.0, s)

    def integrand(t):
        pp, pm = norm.pdf(a + t), norm.pdf(a - t)
        surv = 1.0 - (norm.cdf(a + t) - norm.cdf(a - t))
        return k * surv ** (k - 1) * (pp * (a + t - b) ** 2 + pm * (a - t - b) ** 2)

    ref, _ = integrate.quad(integrand, 0.0, abs(a) + 12 * s, limit=200)
    assert float(theory.best_of_k_error_point(float(k), a, b, s)) == pytest.approx(ref, rel=1e-6)


def test_k_equals_one_is_a_random_pick():
    g = theory.SelectionGeometry(jnp.asarray(0.5), jnp.asarray(0.2), jnp.asarray(0.9), jnp.asarray(0.1))
    assert float(theory.best_of_k_error(1.0, g)) == pytest.approx(float(theory.random_pick_error(g)), rel=1e-5)


def test_averaged_error_matches_monte_carlo_for_a_misspecified_judge():
    g = theory.SelectionGeometry(jnp.asarray(0.45), jnp.asarray(0.15), jnp.asarray(0.6), jnp.asarray(0.1))
    rng = np.random.default_rng(3)
    m, k = 400_000, 8
    cov = np.array([[0.15, 0.1], [0.1, 0.6]])
    b, a = rng.multivariate_normal(np.zeros(2), cov, m).T
    y = rng.normal(0.0, np.sqrt(0.45), (m, k))
    pick = y[np.arange(m), np.argmin(np.abs(y - a[:, None]), axis=1)]
    err = (pick - b) ** 2
    exact = float(theory.best_of_k_error(float(k), g))
    assert abs(exact - err.mean()) <= 3 * err.std() / np.sqrt(m)


def test_leading_constant_matches_its_defining_integral():
    s2, v = 0.5, 0.15

    # (1/2) E_b[1/p(b)^2] with p = N(0, s2) and b ~ N(0, v), integrated over +-40 sd of b.
    def integrand(x):
        return 0.5 * 2 * np.pi * s2 * np.exp(x**2 / s2) * stats.norm(0, np.sqrt(v)).pdf(x)

    ref, _ = integrate.quad(integrand, -40 * np.sqrt(v), 40 * np.sqrt(v), limit=200)
    assert float(theory.best_of_k_constant(s2, v)) == pytest.approx(ref, rel=1e-8)


def test_error_approaches_c_over_k_squared():
    s2, v = 0.5, 0.1  # v = 0.2 s^2
    g = theory.SelectionGeometry.teacher(s2, v)
    c = float(theory.best_of_k_constant(s2, v))
    ks = [10.0, 100.0, 1000.0, 10000.0]
    ratios = [float(theory.best_of_k_error(k, g, judge_points=1)) * k**2 / c for k in ks]
    assert all(r1 < r2 for r1, r2 in zip(ratios, ratios[1:], strict=False))  # approaches from below
    assert abs(ratios[-1] - 1.0) < 0.01, ratios


def test_softmax_mc_limits():
    g = theory.SelectionGeometry(jnp.asarray(0.45), jnp.asarray(0.15), jnp.asarray(0.6), jnp.asarray(0.1))
    key = jax.random.key(0)
    cold, se_cold = theory.softmax_selection_error_mc(key, 8, 1e-6, g, 50_000)
    assert abs(float(cold) - float(theory.best_of_k_error(8.0, g))) <= 3 * float(se_cold)
    hot, se_hot = theory.softmax_selection_error_mc(key, 8, 1e6, g, 50_000)
    assert abs(float(hot) - float(theory.random_pick_error(g))) <= 3 * float(se_hot)


def test_selection_rules_against_numpy():
    rng = np.random.default_rng(0)
    r = rng.normal(size=(5, 7))
    np.testing.assert_array_equal(np.asarray(sel.best_of_k_index(r)), r.argmax(-1))
    t = 0.7
    ref = np.exp(r / t) / np.exp(r / t).sum(-1, keepdims=True)
    np.testing.assert_allclose(np.asarray(sel.softmax_selection_probs(r, t)), ref, rtol=1e-10)
    # Sampling frequencies within 4 SE of the probabilities.
    draws = np.asarray(sel.softmax_select(jax.random.key(1), jnp.broadcast_to(r[0], (100_000, 7)), t))
    freq = np.bincount(draws, minlength=7) / draws.size
    assert np.all(np.abs(freq - ref[0]) <= 4 * np.sqrt(ref[0] * (1 - ref[0]) / draws.size))


def test_votes_against_brute_force():
    rng = np.random.default_rng(1)
    answers = rng.integers(0, 4, size=(50, 9))
    weights = rng.uniform(size=(50, 9))
    maj = np.asarray(sel.majority_vote(answers, 4))
    wv = np.asarray(sel.weighted_vote(answers, weights, 4))
    for i in range(50):
        counts = np.bincount(answers[i], minlength=4)
        totals = np.bincount(answers[i], weights=weights[i], minlength=4)
        assert maj[i] == np.argmax(counts) and wv[i] == np.argmax(totals)


def test_best_of_k_success():
    p, k = np.array([0.0, 0.1, 0.5, 1.0]), 7.0
    np.testing.assert_allclose(np.asarray(sel.best_of_k_success(p, k)), 1 - (1 - p) ** k, atol=1e-12)


def test_bad_inputs():
    g = theory.SelectionGeometry.teacher(0.5, 0.1)
    with pytest.raises(ValueError, match="k must be >= 1"):
        theory.best_of_k_error(0.5, g)
    with pytest.raises(ValueError, match="k must be >= 1"):
        theory.softmax_selection_error_mc(jax.random.key(0), 0, 1.0, g, 10)
    with pytest.raises(ValueError, match="temperature must be finite and > 0"):
        sel.softmax_selection_probs(jnp.zeros(3), 0.0)
    with pytest.raises(ValueError, match="temperature must be finite and > 0"):
        sel.softmax_select(jax.random.key(0), jnp.zeros(3), -1.0)
    with pytest.raises(ValueError, match=r"p must lie in \[0.0, 1.0\]"):
        sel.best_of_k_success(1.2, 3)
    with pytest.raises(ValueError, match="target_var must be < pred_var / 2"):
        theory.best_of_k_constant(0.5, 0.3)
    with pytest.raises(ValueError, match="judge_points=1 needs a judge"):
        theory.best_of_k_error(4.0, theory.SelectionGeometry(*map(jnp.asarray, (0.5, 0.1, 0.5, 0.05))), judge_points=1)
    with pytest.raises(ValueError, match=r"answers must lie in \[0, 2\]"):
        sel.majority_vote(jnp.array([0, 3]), 3)
    with pytest.raises(ValueError, match="rewards must have a last axis"):
        sel.best_of_k_index(jnp.zeros((2, 0)))


def test_curve_over_k_is_one_compilation():
    g = theory.SelectionGeometry.teacher(0.5, 0.1)
    f = jax.jit(jax.vmap(lambda k: theory.best_of_k_error(k, g, judge_points=1)))
    e = np.asarray(f(jnp.asarray([1.0, 2.0, 4.0, 8.0])))
    assert np.all(np.diff(e) < 0) and e[0] == pytest.approx(0.6, rel=1e-6)


# ----------------------------------------------------------------------------------------------------
# "Exact" means: agrees with an independent adaptive quadrature (scipy.integrate.quad) to 1e-8 relative.
# ----------------------------------------------------------------------------------------------------


def _quad_reference(k, a, b, s):
    """E_k(a, b) = ∫ k (1 - G)^{k-1} g h dt with scipy's normal functions and QUADPACK, cut at quantiles of the
    smallest distance found by brentq (so the adaptive rule sees where the mass is, for any k and judge)."""
    from scipy.optimize import brentq

    norm = stats.norm(0.0, s)

    def log_surv(t):
        g = norm.cdf(a + t) - norm.cdf(a - t)
        return np.log1p(-g) if g < 0.5 else np.log(norm.sf(a + t) + norm.cdf(a - t))

    def integrand(t):
        pp, pm = norm.pdf(a + t), norm.pdf(a - t)
        return k * np.exp((k - 1) * log_surv(t)) * (pp * (a + t - b) ** 2 + pm * (a - t - b) ** 2)

    hi = abs(a) + 14 * s
    cuts = [0.0]
    for tail in (1 - 1e-12, 1 - 1e-6, 0.9, 0.5, 0.1, 1e-3, 1e-8, 1e-14):
        f = lambda t, tail=tail: k * log_surv(t) - np.log(tail)  # noqa: E731
        cuts.append(brentq(f, 0.0, hi, xtol=1e-30, rtol=1e-12, maxiter=500) if f(0.0) > 0 > f(hi) else cuts[-1])
    cuts.append(hi)
    return sum(
        integrate.quad(integrand, lo, up, epsabs=0.0, epsrel=1e-13, limit=400)[0]
        for lo, up in zip(cuts[:-1], cuts[1:], strict=True)
        if up > lo
    )


@pytest.mark.parametrize("k", [1.0, 2.0, 37.0, 1e3, 1e5])
@pytest.mark.parametrize(("a", "b"), [(0.0, 0.0), (0.3, -0.2), (1.25, 0.5), (4.0, 0.5), (-4.0, 1.5), (4.0, -4.0)])
def test_point_error_matches_adaptive_quadrature_to_1e8(k, a, b):
    s = 0.5  # so |a| = 4 is a judge 8 candidate sds away
    ref = _quad_reference(k, a, b, s)
    assert float(theory.best_of_k_error_point(k, a, b, s)) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize(("a", "b", "s"), [(2.5, 1.0, 0.5), (8.0, -3.0, 1.0), (0.0, 0.7, 2.0), (-6.0, 6.0, 0.75)])
def test_k_one_is_exactly_s2_plus_b2(a, b, s):
    # One candidate is a random pick whatever the judge: E = E[(y - b)^2] = s^2 + b^2 (the issue-10 case:
    # best_of_k_error_point(1.0, 2.5, 1.0, 0.5) used to return 1.249931788).
    assert float(theory.best_of_k_error_point(1.0, a, b, s)) == pytest.approx(s**2 + b**2, rel=1e-12)


def test_averaged_error_matches_nested_adaptive_quadrature():
    s2, v = 0.5, 0.1
    sd_b = np.sqrt(v)
    for k in (8.0, 1e4):
        teacher = float(theory.best_of_k_error(k, theory.SelectionGeometry.teacher(s2, v), judge_points=1))

        def outer(b, k=k):
            return float(theory.best_of_k_error_point(k, b, b, np.sqrt(s2))) * stats.norm(0, sd_b).pdf(b)

        ref, _ = integrate.quad(outer, -12 * sd_b, 12 * sd_b, epsabs=0.0, epsrel=1e-12, limit=200)
        assert teacher == pytest.approx(ref, rel=1e-8)
    # A misspecified judge: a | b ~ N(slope b, resid^2), nested quad over b and the judge's residual z.
    g = theory.SelectionGeometry(jnp.asarray(0.45), jnp.asarray(0.15), jnp.asarray(0.6), jnp.asarray(0.1))
    slope, resid = 0.1 / 0.15, np.sqrt(0.6 - 0.1**2 / 0.15)
    point = jax.jit(lambda a, b: theory.best_of_k_error_point(8.0, a, b, np.sqrt(0.45)))

    def inner(b):
        return integrate.quad(
            lambda z: float(point(slope * b + resid * z, b)) * stats.norm.pdf(z), -10, 10, epsrel=1e-11
        )[0]

    ref, _ = integrate.quad(
        lambda b: inner(b) * stats.norm(0, np.sqrt(0.15)).pdf(b), -10 * np.sqrt(0.15), 10 * np.sqrt(0.15), epsrel=1e-10
    )
    assert float(theory.best_of_k_error(8.0, g)) == pytest.approx(ref, rel=1e-8)


def test_high_temperature_slope_matches_monte_carlo():
    # T (E_T - E_inf) -> -(1 - 1/k)(2 s^4 + 4 Cov(a, b) s^2); common random numbers against T = 1e9.
    g = theory.SelectionGeometry(jnp.asarray(0.45), jnp.asarray(0.15), jnp.asarray(0.6), jnp.asarray(0.1))
    k, t = 8, 200.0
    mc = jax.jit(lambda key, temp: theory.softmax_selection_error_mc(key, k, temp, g, 8000)[0])
    d = np.array([t * (float(mc(jax.random.key(i), t)) - float(mc(jax.random.key(i), 1e9))) for i in range(8)])
    limit = float(theory.softmax_high_temperature_slope(k, g))
    assert limit == pytest.approx(-(1 - 1 / 8) * (2 * 0.45**2 + 4 * 0.1 * 0.45))
    assert abs(d.mean() - limit) <= 3 * d.std(ddof=1) / np.sqrt(d.size) + 0.01 * abs(limit), (d.mean(), limit)
