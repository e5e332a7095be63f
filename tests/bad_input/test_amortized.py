"""Bad input to priorscope.amortized (bar distribution, priors, PFN, distribution transformer, checkpoints)."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import amortized as am

from ._cases import Case, ids, run

KEY = jax.random.key(0)
B = jnp.array([-1.0, 0.0, 1.0, 2.0])
L = jnp.zeros(3)
PFN = am.init_pfn(KEY, num_buckets=3, d_model=8, num_heads=2, num_layers=1)
DT = am.init_dt(KEY, d_model=8, num_heads=2, num_layers=1, d_ff=8)
W, M, V = jnp.array([0.5, 0.5]), jnp.zeros(2), jnp.ones(2)
X3 = jnp.linspace(0, 1, 3)


def _sampler(k):
    return am.sample_gp_batch(k, 2, 4)


CASES = [
    Case("bar_borders", "num_buckets", lambda: am.bar_borders(jnp.arange(10.0), 2)),
    Case("bar_borders", "samples", lambda: am.bar_borders(jnp.ones(1), 5)),
    Case("bar_log_prob", "borders", lambda: am.bar_log_prob(L, B[::-1], 0.0)),
    Case("bar_log_prob", "logits", lambda: am.bar_log_prob(jnp.zeros(4), B, 0.0)),
    Case("bar_cdf", "logits", lambda: am.bar_cdf(jnp.zeros(5), B, 0.0)),
    Case("bar_mean", "borders", lambda: am.bar_mean(L, jnp.ones((2, 2)))),
    Case("bar_quantile", "num_iter", lambda: am.bar_quantile(L, B, 0.5, num_iter=0)),
    Case("sample_gp_batch", "batch", lambda: am.sample_gp_batch(KEY, 0, 3)),
    Case("sample_gp_batch", "lengthscale", lambda: am.sample_gp_batch(KEY, 2, 3, lengthscale=-1.0)),
    Case("sample_gp_batch", "noise_var", lambda: am.sample_gp_batch(KEY, 2, 3, noise_var=0.0)),
    Case("gp_exact_log_pred", "y_ctx", lambda: am.gp_exact_log_pred(X3, jnp.ones(2), X3, X3)),
    Case("gp_exact_log_pred", "noise_var", lambda: am.gp_exact_log_pred(X3, X3, X3, X3, noise_var=-1.0)),
    Case("gp_mixture_log_pred", "variances", lambda: am.gp_mixture_log_pred(jnp.ones(3), jnp.ones(2), X3, X3, X3, X3)),
    Case("gp_hyper_model", "x", lambda: am.gp_hyper_model(jnp.ones((2, 2, 2)), jnp.ones(2)), match="x must"),
    Case("sample_lc_curves", "num_epochs", lambda: am.sample_lc_curves(KEY, 2, 1)),
    Case("sample_lc_curves", "batch", lambda: am.sample_lc_curves(KEY, 0, 5)),
    Case("lc_basis_curves", "params", lambda: am.lc_basis_curves(X3, {"pow3_c": 1.0})),
    Case("sample_gmm_tasks", "num_components", lambda: am.sample_gmm_tasks(KEY, 2, 0)),
    Case("sample_gmm_tasks", "obs_noise", lambda: am.sample_gmm_tasks(KEY, 2, 2, obs_noise=0.0)),
    Case("init_pfn", "num_buckets", lambda: am.init_pfn(KEY, num_buckets=2)),
    Case("pfn_logits", "params", lambda: am.pfn_logits({"w": 1}, X3, X3, X3)),
    Case("pfn_logits", "y_ctx", lambda: am.pfn_logits(PFN, X3, jnp.ones(2), X3)),
    Case("pfn_nll", "y_qry", lambda: am.pfn_nll(PFN, B, X3, X3, X3, jnp.ones(2))),
    Case("make_pfn_loss", "max_context", lambda: am.make_pfn_loss(_sampler, B, min_context=2, max_context=1)),
    Case("make_pfn_loss", "max_context", lambda: am.make_pfn_loss(_sampler, B, max_context=4)(PFN, KEY)),
    Case("init_dt", "d_model", lambda: am.init_dt(KEY, d_model=0)),
    Case("dt_posterior", "params", lambda: am.dt_posterior({"w": 1}, W, M, V, 0.0)),
    Case("dt_posterior", "means", lambda: am.dt_posterior(DT, W, jnp.zeros(3), V, 0.0)),
    Case("dt_loss", "means", lambda: am.dt_loss(DT, W[None], jnp.zeros((1, 3)), V[None], jnp.zeros(1), jnp.zeros(1))),
    Case("gmm_log_prob", "variances", lambda: am.gmm_log_prob(W, M, jnp.ones(3), 0.0)),
    Case("gmm_sample", "num_samples", lambda: am.gmm_sample(KEY, W, M, V, 0)),
    Case("gmm_kl_mc", "num_samples", lambda: am.gmm_kl_mc(KEY, (W, M, V), (W, M, V), 0)),
    Case(
        "kalman_gmm_posterior",
        "covs",
        lambda: am.kalman_gmm_posterior(
            W, M[:, None], jnp.ones((2, 2, 2)), jnp.zeros(1), jnp.ones((1, 1)), jnp.ones((1, 1))
        ),
    ),
    Case(
        "kalman_gmm_posterior",
        "H",
        lambda: am.kalman_gmm_posterior(
            W, M[:, None], jnp.ones((2, 1, 1)), jnp.zeros(1), jnp.ones((1, 2)), jnp.ones((1, 1))
        ),
    ),
    Case("lc_mean_curves", "params", lambda: am.lc_mean_curves(X3, {"pow3_c": 1.0})),
    Case("lc_is_valid", "mean", lambda: am.lc_is_valid(1.0)),
    Case("lc_model", "y", lambda: am.lc_model(jnp.ones((2, 3)), 1)),
    Case("lc_model", "num_observed", lambda: am.lc_model(X3, 3)),
    Case("make_lc_nuts", "num_warmup", lambda: am.make_lc_nuts(5, num_warmup=0, num_samples=5)),
    Case("make_lc_nuts", "num_candidates", lambda: am.make_lc_nuts(5, num_warmup=1, num_samples=1, num_candidates=1)),
    Case("lc_draws_log_pred", "draws", lambda: am.lc_draws_log_pred({"w": jnp.ones((2, 3))}, X3)),
    Case("lc_predictive_samples", "num_epochs", lambda: am.lc_predictive_samples(KEY, {}, 1)),
    Case("lc_predictive_samples", "draws", lambda: am.lc_predictive_samples(KEY, {}, 3)),
    Case("lc_tail_mean", "num_observed", lambda: am.lc_tail_mean(X3, 0)),
    Case("lc_tail_mean", "values", lambda: am.lc_tail_mean(1.0, 1)),
    Case("lcpfn_inputs", "num_epochs", lambda: am.lcpfn_inputs(1)),
    Case("lcpfn_logits", "params", lambda: am.lcpfn_logits({"w": 1}, X3, 1)),
    Case("lcpfn_logits", "num_observed", lambda: am.lcpfn_logits(PFN, X3, 5)),
    Case("lcpfn_log_pred", "y", lambda: am.lcpfn_log_pred(PFN, B, jnp.ones(1), 1)),
    Case("lcpfn_improve_probability", "epoch", lambda: am.lcpfn_improve_probability(PFN, B, X3, 1, epoch=9)),
    Case("digits_learning_curves", "learning_rates", lambda: am.digits_learning_curves(0, 2, learning_rates=(-1.0,))),
    Case("digits_learning_curves", "num_epochs", lambda: am.digits_learning_curves(0, 1)),
    Case("save_checkpoint", "kind", lambda: am.save_checkpoint("/tmp/never.npz", "cnn", {}, PFN)),
    Case("load_checkpoint", "name_or_path", lambda: am.load_checkpoint("no_such_checkpoint")),
]

EXEMPT = {
    "DATA_DIR": "a constant path, not a function",
    "LC_SITES": "a constant tuple of site names, not a function",
    "GPHyperprior": "a NamedTuple of defaults, validated where it is used",
    "file_sha256": "hashes any existing file; a missing one raises FileNotFoundError naming it",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
