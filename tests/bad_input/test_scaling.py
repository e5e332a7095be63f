"""Bad input to priorscope.scaling (selection theory, reasoning environment, PRMs, search, judges, advantages)."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import scaling as sc

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
ENV = sc.reasoning_env(4, skill=1.0)
SPEC = sc.feature_spec()
TRAJ = sc.sample_trajectory(KEY, ENV, 0.0)
GEO = sc.judge_geometry(0.5, 0.3, 0.2)
F = jax.random.normal(KEY, (10, 3))
YB = F @ jnp.ones(3)
POST = sc.blr_posterior(F, YB, 0.3)
W3 = jnp.ones(3)
R5 = jnp.array([0.1, 0.9, 0.4, 0.3, 0.2])
NF = len(sc.FEATURE_NAMES)
PRM = sc.init_prm(KEY, NF)
DATA = sc.annotate(
    KEY,
    ENV,
    SPEC,
    num_problems=2,
    num_responses=2,
    num_rollouts=2,
    completer_skill=1.0,
    judge_hit=0.8,
    judge_false_alarm=0.1,
)
PIS = jnp.array([[0.7, 0.2, 0.1], [0.1, 0.2, 0.7]])
THETA = jnp.array([0.6, 0.4])
BANDIT = sc.make_direction_flip_bandit(KEY, 4)
FEATS = sc.step_features(KEY, TRAJ, 0.0, SPEC)
BI = sc.BiPRMParams(PRM, PRM, sc.init_prm(KEY, 2 * NF))

SEARCH = dict(num_candidates=2, policy_signal=1.0, value_signal=1.0)
PRM_NODE = sc.init_prm(KEY, len(sc.NODE_FEATURE_NAMES))
G = jnp.array([1.0, 0.0, 1.0, 0.0])

CASES = [
    # selection theory (best_of_k_error bodies are another branch's: only their argument checks are exercised)
    Case("SelectionGeometry", "cross", lambda: sc.SelectionGeometry(1.0, 1.0, 1.0, 2.0)),
    Case("SelectionGeometry", "pred_var", lambda: sc.SelectionGeometry(-1.0, 1.0, 1.0, 0.5)),
    Case("best_of_k_constant", "pred_var", lambda: sc.best_of_k_constant(-1.0, 1.0)),
    Case("best_of_k_curve", "ks", lambda: sc.best_of_k_curve(jnp.array([0, 2]), GEO)),
    Case("best_of_k_error", "k", lambda: sc.best_of_k_error(0, GEO)),
    Case("best_of_k_error_point", "k", lambda: sc.best_of_k_error_point(0, 1.0, 1.0, 1.0)),
    Case("best_of_k_index", "rewards", lambda: sc.best_of_k_index(jnp.zeros((0,)))),
    Case("best_of_k_success", "p", lambda: sc.best_of_k_success(1.5, 4)),
    Case("best_of_k_success", "k", lambda: sc.best_of_k_success(0.5, 0)),
    Case("blr_model", "noise_std", lambda: sc.blr_model(F, YB, noise_std=-1.0)),
    Case("blr_posterior", "noise_std", lambda: sc.blr_posterior(F, YB, -0.3)),
    Case("blr_posterior", "y", lambda: sc.blr_posterior(F, YB[:3], 0.3)),
    Case("BLRPosterior", "prior_std", lambda: sc.blr_posterior(F, YB, 0.3, prior_std=0.0)),
    Case("blr_predictive", "features", lambda: sc.blr_predictive(POST, jnp.ones((4, 2)), 0.3)),
    Case("deterministic_equivalent", "ratio", lambda: sc.deterministic_equivalent(-1.0, 0.3)),
    Case("empirical_geometry", "w_star", lambda: sc.empirical_geometry(POST, jnp.ones(4), W3, 0.3)),
    Case("judge_geometry", "noise_std", lambda: sc.judge_geometry(0.5, -0.3, 0.2)),
    Case("majority_vote", "num_classes", lambda: sc.majority_vote(jnp.array([0, 1, 1]), 0)),
    Case("majority_vote", "answers", lambda: sc.majority_vote(jnp.array([0, 3, 1]), 2)),
    Case("misspecified_judge", "angle", lambda: sc.misspecified_judge(KEY, W3, NAN)),
    Case("random_pick_error", "geometry", lambda: sc.random_pick_error((1.0, 1.0))),
    Case("simulate_selection_errors", "k", lambda: sc.simulate_selection_errors(KEY, POST, W3, W3, 0.3, 0, 10)),
    Case("softmax_select", "temperature", lambda: sc.softmax_select(KEY, R5, -1.0)),
    Case.jit("softmax_select", "temperature", lambda: jax.jit(lambda t: sc.softmax_select(KEY, R5, t))(-1.0)),
    Case("softmax_selection_error_mc", "num_sets", lambda: sc.softmax_selection_error_mc(KEY, 4, 1.0, GEO, 0)),
    Case("softmax_selection_probs", "temperature", lambda: sc.softmax_selection_probs(R5, NAN)),
    Case("teacher_student_data", "num_train", lambda: sc.teacher_student_data(KEY, 0, 3, 0.3)),
    Case("weighted_vote", "weights", lambda: sc.weighted_vote(jnp.array([0, 1]), jnp.array([1.0, -1.0]), 2)),
    # reasoning environment
    Case(
        "ReasoningEnv", "self_correct", lambda: sc.ReasoningEnv(4, jnp.asarray(0.0), jnp.asarray(1.5), jnp.asarray(0.0))
    ),
    Case("ReasoningEnv", "num_steps", lambda: sc.ReasoningEnv(0, jnp.asarray(0.0), jnp.asarray(0.5), jnp.asarray(0.0))),
    Case("reasoning_env", "lucky", lambda: sc.reasoning_env(4, lucky=-0.1)),
    Case("FeatureSpec", "noise_std", lambda: sc.FeatureSpec(*(jnp.asarray(v) for v in (2.0, 0.5, 2.0, -1.0, 0.0)))),
    Case("feature_spec", "late_fraction", lambda: sc.feature_spec(late_fraction=1.5)),
    Case("first_error_pmf", "err_prob", lambda: sc.first_error_pmf(1.5, 5)),
    Case.jit("first_error_pmf", "err_prob", lambda: jax.jit(lambda p: sc.first_error_pmf(p, 5))(1.5)),
    Case("completion_success_prob", "err_prob", lambda: sc.completion_success_prob(1.0, 3, 1.5, 0.0, 0.0)),
    Case("expand_candidates", "num_candidates", lambda: sc.expand_candidates(KEY, ENV, 0.0, True, 0, 0, 1.0, 1.0)),
    Case("judge_first_error", "hit_rate", lambda: sc.judge_first_error(KEY, jnp.array([1, 4]), 4, 1.5, 0.1)),
    Case("judge_first_error_pmf", "false_alarm", lambda: sc.judge_first_error_pmf(1, 4, 0.8, -0.1)),
    Case("judge_first_error_pmf", "first_error", lambda: sc.judge_first_error_pmf(7, 4, 0.8, 0.1)),
    Case("mc_rollout_counts", "num_rollouts", lambda: sc.mc_rollout_counts(KEY, TRAJ, 0.0, 1.0, 0.0, 0.0, 0)),
    Case("mc_rollout_counts", "active_rollouts", lambda: sc.mc_rollout_counts(KEY, TRAJ, 0.0, 1.0, 0.0, 0.0, 4, 9)),
    Case(
        "partial_and_full_rewards",
        "tau",
        lambda: sc.partial_and_full_rewards(KEY, jnp.zeros(3), 8, 12, 1.0, jnp.zeros(3, bool)),
    ),
    Case("partial_means", "taus", lambda: sc.partial_means(jnp.ones((2, 8)), jnp.array([0, 9]))),
    Case("prefix_success_probs", "self_correct", lambda: sc.prefix_success_probs(TRAJ, 0.0, 1.0, 1.5, 0.0)),
    Case("sample_difficulties", "scale", lambda: sc.sample_difficulties(KEY, 3, scale=-1.0)),
    Case("sample_trajectories", "num_samples", lambda: sc.sample_trajectories(KEY, ENV, jnp.zeros(2), 0)),
    Case("sample_trajectory", "difficulty", lambda: sc.sample_trajectory(KEY, ENV, NAN)),
    Case.jit("Trajectory", "difficulties", lambda: sc.sample_trajectories(KEY, ENV, jnp.array([0.0, NAN]), 2)),
    Case("step_error_prob", "skill", lambda: sc.step_error_prob(0.0, NAN)),
    Case("step_features", "spec", lambda: sc.step_features(KEY, TRAJ, 0.0, {"noise_std": 1.0})),
    Case("token_signals", "noise_std", lambda: sc.token_signals(KEY, jnp.zeros(3), 8, -1.0, jnp.zeros(3, bool))),
    # process reward models
    Case("aggregate_scores", "how", lambda: sc.aggregate_scores(jnp.ones((2, 3)), "minn"), match="did you mean"),
    Case(
        "annotate",
        "num_rollouts",
        lambda: sc.annotate(
            KEY,
            ENV,
            SPEC,
            num_problems=2,
            num_responses=2,
            num_rollouts=0,
            completer_skill=1.0,
            judge_hit=0.8,
            judge_false_alarm=0.1,
        ),
    ),
    Case(
        "annotate",
        "judge_hit",
        lambda: sc.annotate(
            KEY,
            ENV,
            SPEC,
            num_problems=2,
            num_responses=2,
            num_rollouts=2,
            completer_skill=1.0,
            judge_hit=1.8,
            judge_false_alarm=0.1,
        ),
    ),
    Case(
        "PRMData",
        "num_problems",
        lambda: sc.annotate(
            KEY,
            ENV,
            SPEC,
            num_problems=0,
            num_responses=2,
            num_rollouts=2,
            completer_skill=1.0,
            judge_hit=0.8,
            judge_false_alarm=0.1,
        ),
    ),
    Case("biprm_scores", "fixed_gate", lambda: sc.biprm_scores(BI, FEATS[None], fixed_gate=1.5)),
    Case("BiPRMParams", "features", lambda: sc.biprm_scores(BI, jnp.ones((1, 4, 3)))),
    Case(
        "direction_study",
        "late_fraction",
        lambda: sc.direction_study(KEY, PRM, BI, late_fraction=1.5, lag=2, num_problems=2),
    ),
    Case("evaluate_prm", "aggregator", lambda: sc.evaluate_prm(PRM, DATA, 2, aggregator="mean0")),
    Case("first_error_labels", "num_steps", lambda: sc.first_error_labels(jnp.array([1, 2]), 0)),
    Case("gate_values", "features", lambda: sc.gate_values(BI, jnp.ones((1, 4, 3)))),
    Case("init_prm", "num_features", lambda: sc.init_prm(KEY, 0)),
    Case("PRMParams", "hidden", lambda: sc.init_prm(KEY, 3, hidden=-1)),
    Case(
        "label_study",
        "num_rollouts",
        lambda: sc.label_study(
            KEY,
            num_problems=2,
            num_responses=2,
            num_rollouts=0,
            completer_skill=1.0,
            judge_hit=0.8,
            judge_false_alarm=0.1,
            self_correct=0.0,
            lucky=0.0,
        ),
    ),
    Case("mc_labels", "counts", lambda: sc.mc_labels(jnp.array([[3, 5]]), 4)),
    Case("MCLabels", "num_rollouts", lambda: sc.mc_labels(jnp.array([[1, 2]]), 0)),
    Case("predict_first_error", "threshold", lambda: sc.predict_first_error(jnp.ones((2, 3)), 1.5)),
    Case("prm_logits", "features", lambda: sc.prm_logits(PRM, jnp.ones((2, NF + 1)))),
    Case("prm_scores", "features", lambda: sc.prm_scores(PRM, jnp.ones((2, NF + 1)))),
    Case("processbench_f1", "pred_first", lambda: sc.processbench_f1(jnp.array([1, 2]), jnp.array([1, 2, 3]), 4)),
    Case(
        "scan_dataset",
        "threshold",
        lambda: sc.scan_dataset(KEY, ENV, SPEC, num_problems=2, num_responses=2, num_rollouts=2, threshold=1.5),
    ),
    Case(
        "ScanData",
        "tolerance",
        lambda: sc.scan_dataset(KEY, ENV, SPEC, num_problems=2, num_responses=2, num_rollouts=2, tolerance=-1),
    ),
    Case(
        "scan_labels",
        "self_confidence",
        lambda: sc.scan_labels(jnp.array([[1, 2]]), 4, jnp.array([1.5]), jnp.array([True])),
    ),
    Case(
        "scan_noise_study",
        "threshold",
        lambda: sc.scan_noise_study(
            KEY, annotator_skill=1.0, self_correct=0.0, threshold=1.5, num_rollouts=4, num_problems=2
        ),
    ),
    Case("stream_features", "features", lambda: sc.stream_features(jnp.ones(3))),
    Case(
        "train_biprm",
        "num_iters",
        lambda: sc.train_biprm(KEY, FEATS[None], jnp.ones((1, 4)), jnp.ones((1, 4), bool), num_iters=0),
    ),
    Case(
        "train_prm",
        "learning_rate",
        lambda: sc.train_prm(KEY, FEATS[None], jnp.ones((1, 4)), jnp.ones((1, 4), bool), learning_rate=-0.1),
    ),
    Case("training_labels", "source", lambda: sc.training_labels(DATA, "mc_sofft"), match="did you mean"),
    # search
    Case(
        "er_beam_search",
        "num_beams",
        lambda: sc.er_beam_search(
            KEY, 4, num_beams=5, beam_width=2, num_steps=2, num_tokens=8, noise_std=1.0, late_fraction=0.0
        ),
    ),
    Case(
        "er_beam_search",
        "tau",
        lambda: sc.er_beam_search(
            KEY, 12, num_beams=4, beam_width=2, num_steps=2, num_tokens=8, noise_std=1.0, late_fraction=0.0
        ),
    ),
    Case(
        "er_beam_search",
        "noise_std",
        lambda: sc.er_beam_search(
            KEY, 4, num_beams=4, beam_width=2, num_steps=2, num_tokens=8, noise_std=-1.0, late_fraction=0.0
        ),
    ),
    Case.jit(
        "er_beam_search",
        "tau",
        lambda: jax.jit(
            lambda t: sc.er_beam_search(
                KEY, t, num_beams=4, beam_width=2, num_steps=2, num_tokens=8, noise_std=1.0, late_fraction=0.0
            )
        )(12.0),
    ),
    Case(
        "ERResult",
        "late_fraction",
        lambda: sc.er_beam_search(
            KEY, 4, num_beams=4, beam_width=2, num_steps=2, num_tokens=8, noise_std=1.0, late_fraction=1.5
        ),
    ),
    Case(
        "er_experiment",
        "num_problems",
        lambda: sc.er_experiment(
            KEY,
            4,
            num_problems=0,
            num_beams=4,
            beam_width=2,
            num_steps=2,
            num_tokens=8,
            noise_std=1.0,
            late_fraction=0.0,
        ),
    ),
    Case("er_token_cost", "tau", lambda: sc.er_token_cost(4, 2, 2, 8, 0)),
    Case("drop_best_prob", "keep", lambda: sc.drop_best_prob(1.0, 4, 1.0, 4, 5)),
    Case("drop_best_rate", "num_reps", lambda: sc.drop_best_rate(KEY, 1.0, 4, 1.0, 4, 2, num_tokens=8, num_reps=0)),
    Case("best_of_n", "values", lambda: sc.best_of_n(R5, jnp.ones(4))),
    Case(
        "candidate_auc",
        "num_candidates",
        lambda: sc.candidate_auc(
            KEY, ENV, jnp.zeros(2), PRM_NODE, num_candidates=0, policy_signal=1.0, value_signal=1.0
        ),
    ),
    Case(
        "beam_search_accuracy",
        "scorer",
        lambda: sc.beam_search_accuracy(KEY, ENV, jnp.zeros(2), PRM_NODE, num_beams=2, scorer="valeu", **SEARCH),
        match="did you mean",
    ),
    Case("step_beam_search", "num_beams", lambda: sc.step_beam_search(KEY, ENV, 0.0, PRM_NODE, num_beams=0, **SEARCH)),
    Case(
        "mcts",
        "c_puct",
        lambda: sc.mcts(KEY, ENV, 0.0, PRM_NODE, num_simulations=4, c_puct=-1.0, value_weight=0.5, **SEARCH),
    ),
    Case(
        "Tree",
        "num_simulations",
        lambda: sc.mcts(KEY, ENV, 0.0, PRM_NODE, num_simulations=0, c_puct=1.0, value_weight=0.5, **SEARCH),
    ),
    Case(
        "mcts_many",
        "value_weight",
        lambda: sc.mcts_many(
            KEY, ENV, jnp.zeros(2), PRM_NODE, num_simulations=4, c_puct=1.0, value_weight=1.5, **SEARCH
        ),
    ),
    Case("tree_value_targets", "tree", lambda: sc.tree_value_targets((1, 2))),
    Case("pass_at_n", "p", lambda: sc.pass_at_n(-0.2, 4)),
    # judges on the simplex
    Case(
        "coverage_experiment",
        "level",
        lambda: sc.coverage_experiment(KEY, None, PIS, jnp.eye(3), jnp.ones(3), num_items=2, num_datasets=1, level=1.5),
    ),
    Case(
        "CoverageResult",
        "num_items",
        lambda: sc.coverage_experiment(KEY, None, PIS, jnp.eye(3), jnp.ones(3), num_items=0, num_datasets=1),
    ),
    Case("discretized_judge", "noise_std", lambda: sc.discretized_judge(3, 0.0, -1.0)),
    Case("expected_score", "pis", lambda: sc.expected_score(jnp.array([[0.5, 0.7, 0.1]]))),
    Case("judge_prior_concentration", "kappa", lambda: sc.judge_prior_concentration(3, -1.0, 0.1)),
    Case("make_judge_sampler", "num_levels", lambda: sc.make_judge_sampler(2, 1, num_warmup=5, num_samples=5)),
    Case("mixing_pair", "source", lambda: sc.mixing_pair(THETA, PIS, 0.1, 5, 0)),
    Case("observed_scores", "theta", lambda: sc.observed_scores(PIS, jnp.array([0.6, 0.6]))),
    Case("plugin_intervals", "level", lambda: sc.plugin_intervals(jnp.ones((2, 3)), level=0.0)),
    Case("posterior_intervals", "level", lambda: sc.posterior_intervals(jnp.ones((4, 2, 3)) / 3, level=1.0)),
    Case("simplex_judge_model", "concentration", lambda: sc.simplex_judge_model(jnp.ones((2, 3)), -jnp.ones(3))),
    Case("simulate_counts", "num_items", lambda: sc.simulate_counts(KEY, PIS, THETA, 0)),
    # group advantages
    Case(
        "DirectionFlipBandit",
        "level_probs",
        lambda: sc.DirectionFlipBandit(jnp.ones(4), jnp.zeros((2, 4)), jnp.array([0.7, 0.7])),
    ),
    Case("make_direction_flip_bandit", "num_strategies", lambda: sc.make_direction_flip_bandit(KEY, 0)),
    Case("bandit_accuracy", "policy_logits", lambda: sc.bandit_accuracy(BANDIT, jnp.zeros(7))),
    Case("canon_advantages", "mu", lambda: sc.canon_advantages(G, G, 1.5)),
    Case("canon_components", "metric", lambda: sc.canon_components(G, jnp.ones(3))),
    Case("canon_split", "metric", lambda: sc.canon_split(jnp.array([[1.0, NAN]]))),
    Case("dr_grpo_advantages", "max_len", lambda: sc.dr_grpo_advantages(G, max_len=0.0)),
    Case("grpo_advantages", "eps", lambda: sc.grpo_advantages(G, eps=-1.0)),
    Case(
        "length_shaped_advantages",
        "metric",
        lambda: sc.length_shaped_advantages(G, jnp.ones(3), 0.1),
    ),
    Case(
        "train_bandit",
        "estimator",
        lambda: sc.train_bandit(KEY, BANDIT, "grp0", num_updates=2, num_prompts=2, group_size=2),
        match="did you mean",
    ),
    Case(
        "TrainTrace",
        "group_size",
        lambda: sc.train_bandit(KEY, BANDIT, "grpo", num_updates=2, num_prompts=2, group_size=0),
    ),
    Case(
        "train_canon_family",
        "mu",
        lambda: sc.train_canon_family(KEY, BANDIT, 1.5, 1.0, 0.0, num_updates=2, num_prompts=2, group_size=2),
    ),
]

EXEMPT = {
    "FEATURE_NAMES": "a constant",
    "NODE_FEATURE_NAMES": "a constant",
    "AGGREGATORS": "a constant",
    "LABEL_SOURCES": "a constant",
    "SCORERS": "a constant",
    "ESTIMATORS": "a constant",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
