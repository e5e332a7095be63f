"""BO loop, regret bookkeeping and the rarely-switching variant, against brute force and direct linear algebra."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import bo, gp


def _brute_regrets(f_opt, f_values):
    inst, cum, simple = [], [], []
    total, best = 0.0, -np.inf
    for v in f_values:
        inst.append(f_opt - v)
        total += f_opt - v
        cum.append(total)
        best = max(best, v)
        simple.append(f_opt - best)
    return np.array(inst), np.array(cum), np.array(simple)


def test_regret_bookkeeping_matches_brute_force():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(3, 25))
    f_opt = f.max(axis=1) + rng.uniform(0, 0.5, size=3)
    inst = bo.instantaneous_regret(f_opt, f)
    cum = bo.cumulative_regret(f_opt, f)
    simple = bo.simple_regret(f_opt, f)
    for s in range(3):
        ri, rc, rs = _brute_regrets(f_opt[s], f[s])
        np.testing.assert_allclose(inst[s], ri)
        np.testing.assert_allclose(cum[s], rc)
        np.testing.assert_allclose(simple[s], rs)


def test_regret_rejects_values_above_the_optimum():
    with pytest.raises(ValueError, match="f_opt must be the maximum"):
        bo.simple_regret(0.0, jnp.array([0.5, -1.0]))
    with pytest.raises(ValueError, match="f_opt must be a scalar or have the leading shape"):
        bo.cumulative_regret(jnp.zeros(4), jnp.zeros((3, 5)))


def test_grid_posterior_equals_full_history_posterior():
    """Counts/sums on a grid give exactly the posterior of the raw, repeated history (direct numpy solve)."""
    rng = np.random.default_rng(1)
    x = np.linspace(0, 1, 40)
    kern = gp.Matern52(lengthscale=0.2, variance=1.3)
    K = np.asarray(kern(jnp.array(x)[:, None]))
    hist = rng.choice([2, 5, 5, 5, 17, 30, 30], size=12)
    y = rng.normal(size=12)
    lam = 0.04
    A = K[np.ix_(hist, hist)] + lam * np.eye(12)
    mean_ref = K[:, hist] @ np.linalg.solve(A, y)
    cov_ref = K - K[:, hist] @ np.linalg.solve(A, K[hist])
    counts = np.bincount(hist, minlength=40).astype(float)
    sums = np.bincount(hist, weights=y, minlength=40)
    mean, cov = bo.grid_posterior(jnp.array(K), jnp.array(counts), jnp.array(sums), lam)
    np.testing.assert_allclose(mean, mean_ref, atol=1e-10)
    np.testing.assert_allclose(cov, cov_ref, atol=1e-10)
    _, var = bo.grid_posterior(jnp.array(K), jnp.array(counts), jnp.array(sums), lam, full_cov=False)
    np.testing.assert_allclose(var, np.diag(cov_ref), atol=1e-10)


def test_run_info_is_consistent_and_vmaps_over_seeds():
    prob = bo.forrester(60, noise_std=0.1)
    kern = gp.Matern52(lengthscale=0.15, variance=1.0)
    run = jax.jit(jax.vmap(lambda k: bo.run(k, prob, kern, 0.01, num_init=3, num_steps=8, acquisition="ei")[1]))
    info = run(jax.random.split(jax.random.key(0), 3))
    assert info.index.shape == (3, 8)
    f = np.asarray(prob.f)
    np.testing.assert_allclose(info.f_value, f[np.asarray(info.index)])
    np.testing.assert_allclose(info.regret, f.max() - f[np.asarray(info.index)])
    # simple regret also counts the initial design, so it is at most the brute-force value over BO steps
    assert np.all(np.asarray(info.simple_regret) <= np.asarray(bo.simple_regret(f.max(), info.f_value)) + 1e-12)
    assert np.all(np.diff(np.asarray(info.simple_regret), axis=1) <= 1e-12)


@pytest.mark.parametrize("acquisition", bo.ACQUISITIONS)
def test_every_acquisition_runs_and_stays_finite(acquisition):
    prob = bo.forrester(30, noise_std=0.05)
    kern = gp.RBF(lengthscale=0.1, variance=1.0)
    state, info = bo.run(jax.random.key(1), prob, kern, 0.01, num_init=2, num_steps=3, acquisition=acquisition)
    assert int(state.t) == 5 and float(state.counts.sum()) == 5.0
    assert np.all(np.isfinite(np.asarray(info.y)))


def test_ei_beats_random_search_on_a_gp_sample():
    kern = gp.Matern52(lengthscale=0.1, variance=1.0)
    X = jnp.linspace(0, 1, 80)[:, None]

    def final(key, acquisition):
        k1, k2 = jax.random.split(key)
        prob = bo.gp_sample_problem(k1, kern, X, noise_std=0.0)
        return bo.run(k2, prob, kern, 1e-6, num_init=2, num_steps=10, acquisition=acquisition)[1].simple_regret[-1]

    keys = jax.random.split(jax.random.key(2), 8)
    ei = jax.vmap(lambda k: final(k, "ei"))(keys)
    rnd = jax.vmap(lambda k: final(k, "random"))(keys)
    assert float(jnp.median(ei)) < float(jnp.median(rnd))


def test_always_switching_replays_gp_ucb_and_variance_rule_switches_less():
    prob = bo.forrester(50, noise_std=0.2)
    kern = gp.RBF(lengthscale=0.1, variance=1.0)
    key = jax.random.key(3)
    _, ucb = bo.run(key, prob, kern, 0.04, num_init=2, num_steps=30, acquisition="ucb", beta=2.0)
    st_a, always = bo.switching_run(key, prob, kern, 0.04, 2.0, 4.0, num_init=2, num_steps=30, rule="always")
    np.testing.assert_array_equal(always.bo.index, ucb.index)
    assert int(st_a.num_switches) == 30
    st_v, var = bo.switching_run(key, prob, kern, 0.04, 2.0, 4.0, num_init=2, num_steps=30, rule="variance")
    assert int(st_v.num_switches) < 30
    assert int(st_v.num_switches) == int(np.sum(np.asarray(var.switched)))
    # within an epoch the candidate does not change
    idx, sw = np.asarray(var.bo.index), np.asarray(var.switched)
    assert np.all(idx[1:][~sw[1:]] == idx[:-1][~sw[1:]])


def test_batch_size_rule():
    # 1 + B σ²/λ <= C  ->  B = floor((C-1) λ / σ²), at least 1
    assert int(bo.batch_size(0.01, 0.04, 2.0)) == 4
    assert int(bo.batch_size(1.0, 0.04, 2.0)) == 1
    assert int(bo.batch_size(0.01, 0.04, 1.0)) == 1
    with pytest.raises(ValueError, match="switch_c must be a finite number >= 1"):
        bo.batch_size(0.01, 0.04, 0.5)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: bo.run(jax.random.key(0), bo.forrester(10), gp.RBF(), 0.01, num_init=0, num_steps=2), "num_init"),
        (lambda: bo.run(jax.random.key(0), bo.forrester(10), gp.RBF(), 0.01, num_init=2, num_steps=0), "num_steps"),
        (lambda: bo.run(jax.random.key(0), bo.forrester(10), gp.RBF(), -1.0, num_init=2, num_steps=2), "noise_var"),
        (
            lambda: bo.run(
                jax.random.key(0), bo.forrester(10), gp.RBF(), 0.1, num_init=2, num_steps=2, acquisition="x"
            ),
            "acquisition must be one of",
        ),
        (lambda: bo.forrester(10, noise_std=-0.1), "noise_std must be finite and >= 0"),
        (lambda: bo.grid_posterior(jnp.eye(3), jnp.ones(2), jnp.ones(3), 0.1), "gram must be"),
    ],
)
def test_loop_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_indexed_acquisition_matches_each_named_one_without_recompiling():
    """A traced index into ``choices`` (lax.switch) gives exactly the scores and step of the static name."""
    problem = bo.forrester(40, noise_std=0.1)
    kernel = gp.Matern52(0.15, 1.0)
    key = jax.random.key(3)
    state = bo.init(key, problem, 4)
    mean, cov = bo.grid_posterior(kernel(problem.X), state.counts, state.sums, 0.01)
    choices = ("ei", "kg", "mes", "ucb", "noisy_ei", "thompson")
    traces = []

    @jax.jit
    def by_index(i):
        traces.append(1)
        scores = bo.acquisition_scores(key, i, mean, cov, state.counts, 0.01, 2.0, num_samples=8, choices=choices)
        new, _ = bo.step(key, state, problem, kernel, 0.01, acquisition=i, num_samples=8, choices=choices)
        return scores, new.counts

    for i, name in enumerate(choices):
        want = bo.acquisition_scores(key, name, mean, cov, state.counts, 0.01, 2.0, num_samples=8)
        want_state, _ = bo.step(key, state, problem, kernel, 0.01, acquisition=name, num_samples=8)
        got, counts = by_index(jnp.asarray(i, jnp.int32))
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(counts, want_state.counts)
    assert len(traces) == 1


def test_indexed_acquisition_rejects_bad_index_and_choices():
    mean, cov = jnp.zeros(10), jnp.eye(10)
    counts = jnp.ones(10)
    with pytest.raises(ValueError, match=r"acquisition index must lie in \[0, 1\], got 2"):
        bo.acquisition_scores(jax.random.key(0), 2, mean, cov, counts, 0.1, 2.0, choices=("ei", "ucb"))
    with pytest.raises(TypeError, match="scalar integer index"):
        bo.acquisition_scores(jax.random.key(0), "ei", mean, cov, counts, 0.1, 2.0, choices=("ei", "ucb"))
    with pytest.raises(ValueError, match="choices entry must be one of"):
        bo.acquisition_scores(jax.random.key(0), 0, mean, cov, counts, 0.1, 2.0, choices=("ei", "random"))
