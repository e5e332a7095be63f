"""The simulated reasoning environment against closed forms (first-error law, completer value, judge law)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.special import expit

from priorscope.scaling import early_rejection as ER
from priorscope.scaling import env as E

T = 6
REPS = 20000


def _batch(env, difficulty, reps=REPS, seed=0):
    keys = jax.random.split(jax.random.key(seed), reps)
    return jax.vmap(E.sample_trajectory, in_axes=(0, None, None))(keys, env, jnp.asarray(difficulty))


@pytest.mark.parametrize("self_correct,lucky", [(0.0, 0.0), (0.3, 0.2)])
def test_first_error_law_matches_closed_form(self_correct, lucky):
    env = E.reasoning_env(T, skill=0.5, self_correct=self_correct, lucky=lucky)
    tr = _batch(env, 0.2)
    freq = np.bincount(np.asarray(tr.first_error), minlength=T + 1) / REPS
    p = expit(0.2 - 0.5)
    exact = np.array([(1 - p) ** t * p for t in range(T)] + [(1 - p) ** T])  # independent numpy reference
    np.testing.assert_allclose(np.asarray(E.first_error_pmf(p, T)), exact, rtol=1e-5)
    se = np.sqrt(exact * (1 - exact) / REPS)
    assert np.all(np.abs(freq - exact) <= 3 * se + 1e-4)


def test_no_error_means_correct_answer_and_invariants():
    env = E.reasoning_env(T, skill=0.0, self_correct=0.4, lucky=0.3)
    tr = _batch(env, 0.0, reps=5000)
    clean = np.asarray(tr.first_error == T)
    assert np.all(np.asarray(tr.correct)[clean])  # a trajectory with no error is always right
    assert np.all(np.asarray(tr.on_track)[clean])
    err = np.asarray(tr.errors)
    # errors are only made while on track: before each error the chain was on track
    prev_on = np.concatenate([np.ones((err.shape[0], 1), bool), np.asarray(tr.on_track)[:, :-1]], axis=1)
    assert np.all(prev_on[err])
    # with no self-correction and no luck, correct <=> no error
    env0 = E.reasoning_env(T, skill=0.0)
    tr0 = _batch(env0, 0.0, reps=5000, seed=1)
    np.testing.assert_array_equal(np.asarray(tr0.correct), np.asarray(tr0.first_error == T))


def _markov_success(on, k, p, r, rho):
    """Independent reference: iterate the 2x2 transition matrix k times."""
    m = np.array([[1 - p, p], [r, 1 - r]])
    v = np.array([1.0, 0.0]) if on else np.array([0.0, 1.0])
    v = v @ np.linalg.matrix_power(m, k)
    return v[0] + rho * v[1]


@pytest.mark.parametrize("on", [True, False])
@pytest.mark.parametrize("k", [0, 1, 5])
def test_completion_success_prob_closed_form(on, k):
    p, r, rho = 0.27, 0.15, 0.1
    got = float(E.completion_success_prob(on, k, p, r, rho))
    assert got == pytest.approx(_markov_success(on, k, p, r, rho), abs=1e-6)


def test_mc_labels_expectation_equals_completer_value():
    """E[count_j / N] = completer's success probability (closed form), Monte Carlo within 3 SE."""
    env = E.reasoning_env(T, skill=0.3, self_correct=0.2, lucky=0.15)
    traj = E.sample_trajectory(jax.random.key(3), env, 0.4)
    # force an informative trajectory: an error at step 2, self-corrected at step 4
    errors = jnp.array([False, False, True, False, False, False])
    on = jnp.array([True, True, False, False, True, True])
    traj = traj._replace(errors=errors, on_track=on, first_error=jnp.array(2), correct=jnp.array(True))
    c, r, rho, n_roll, reps = -0.2, 0.2, 0.15, 8, 4000
    keys = jax.random.split(jax.random.key(7), reps)
    counts = jax.vmap(lambda k: E.mc_rollout_counts(k, traj, 0.4, c, r, rho, n_roll))(keys)
    soft = np.asarray(counts, float) / n_roll
    p_c = expit(0.4 - c)
    exact = np.array([_markov_success(bool(on[j]), T - 1 - j, p_c, r, rho) for j in range(T - 1)] + [1.0])
    np.testing.assert_allclose(np.asarray(E.prefix_success_probs(traj, 0.4, c, r, rho)), exact, atol=1e-5)
    se = soft.std(0, ddof=1) / np.sqrt(reps)
    assert np.all(np.abs(soft.mean(0) - exact) <= 3 * np.maximum(se, 1e-6))


def test_judge_law_matches_closed_form():
    tau, a, f = 3, 0.7, 0.1
    keys = jax.random.split(jax.random.key(11), REPS)
    pred = jax.vmap(lambda k: E.judge_first_error(k, tau, T, a, f))(keys)
    freq = np.bincount(np.asarray(pred), minlength=T + 1) / REPS
    exact = np.array(
        [(1 - f) ** t * f for t in range(tau)]
        + [(1 - f) ** tau * (1 - a) ** (t - tau) * a for t in range(tau, T)]
        + [(1 - f) ** tau * (1 - a) ** (T - tau)]
    )
    assert exact.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(np.asarray(E.judge_first_error_pmf(tau, T, a, f)), exact, rtol=1e-5)
    se = np.sqrt(exact * (1 - exact) / REPS)
    assert np.all(np.abs(freq - exact) <= 3 * se + 1e-4)


def test_step_features_shape_and_late_evidence():
    env = E.reasoning_env(T, skill=-1.0)
    spec0 = E.feature_spec(signal=5.0, noise_std=0.01, late_fraction=0.0, lag=2)
    spec1 = E.feature_spec(signal=5.0, noise_std=0.01, late_fraction=1.0, lag=2)
    traj = E.sample_trajectory(jax.random.key(0), env, 0.0)
    traj = traj._replace(errors=jnp.array([False, True, False, False, False, False]), first_error=jnp.array(1))
    x0 = np.asarray(E.step_features(jax.random.key(1), traj, 0.0, spec0))
    x1 = np.asarray(E.step_features(jax.random.key(1), traj, 0.0, spec1))
    assert x0.shape == (T, len(E.FEATURE_NAMES))
    local, check, backref = (E.FEATURE_NAMES.index(n) for n in ("local", "check", "backref"))
    assert x0[1, local] > 4 and abs(x0[3, check]) < 0.1 and abs(x0[1, backref]) < 0.1
    assert abs(x1[1, local]) < 0.1 and x1[3, check] > 4 and x1[1, backref] > 4  # late: seen at 1 + lag


def test_token_signals_late_reveal_keeps_the_mean():
    keys = jax.random.split(jax.random.key(0), 4000)
    toks = jax.vmap(lambda k: ER.token_signals(k, 0.7, 64, 1.0, True))(keys)
    assert toks.shape == (4000, 64)
    assert float(toks.mean()) == pytest.approx(0.7, abs=0.01)
    assert float(toks[:, :32].mean()) == pytest.approx(0.0, abs=0.01)
    pm = ER.partial_means(toks[0], jnp.array([1, 64]))
    assert float(pm[1]) == pytest.approx(float(toks[0].mean()), rel=1e-5)


def test_bad_inputs():
    with pytest.raises(ValueError, match="num_steps must be >= 1"):
        E.reasoning_env(0)
    with pytest.raises(ValueError, match=r"self_correct must lie in \[0.0, 1.0\]"):
        E.reasoning_env(4, self_correct=1.5)
    with pytest.raises(ValueError, match=r"lucky must lie in \[0.0, 1.0\]"):
        E.reasoning_env(4, lucky=-0.1)
    with pytest.raises(ValueError, match="num_samples must be >= 1"):
        E.sample_trajectories(jax.random.key(0), E.reasoning_env(4), jnp.zeros(2), 0)
    with pytest.raises(ValueError, match="late_fraction must lie"):
        E.feature_spec(late_fraction=2.0)
    with pytest.raises(ValueError, match="noise_std must be finite and > 0"):
        E.feature_spec(noise_std=0.0)


@pytest.mark.parametrize("late", [False, True])
def test_partial_and_full_rewards_have_the_token_stream_law(late):
    """The O(1) bridge sampler matches partial/full means of explicit token streams (mean, var, covariance)."""
    reps, num_tokens, tau, q, sigma = 20000, 64, 24, 0.8, 1.5
    keys = jax.random.split(jax.random.key(5), reps)
    toks = jax.vmap(lambda k: ER.token_signals(k, q, num_tokens, sigma, late))(keys)
    ref = np.stack([np.asarray(toks[:, :tau].mean(1)), np.asarray(toks.mean(1))], 1)
    got = np.stack(
        jax.vmap(lambda k: ER.partial_and_full_rewards(k, q, num_tokens, tau, sigma, late))(
            jax.random.split(jax.random.key(6), reps)
        ),
        1,
    )
    for a in (ref, got):  # exact moments: E = (q·revealed/τ, q), Var = (σ²/τ, σ²/L), Cov = σ²/L
        mean_p = q * (0.0 if late else 1.0)
        se = np.sqrt(np.array([sigma**2 / tau, sigma**2 / num_tokens]) / reps)
        assert np.all(np.abs(a.mean(0) - [mean_p, q]) <= 3 * se)
        cov = np.cov(a.T)
        exact_cov = sigma**2 * np.array([[1 / tau, 1 / num_tokens], [1 / num_tokens, 1 / num_tokens]])
        np.testing.assert_allclose(cov, exact_cov, rtol=0.05)
