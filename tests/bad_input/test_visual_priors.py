"""Bad input to priorscope.minds.visual_priors (the toy visual priors of notebook 34) and its panel."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.minds import visual_priors as vp
from priorscope.viz.visual_priors import make_visual_priors_panel

from ._cases import Case, ids, run

KEY = jax.random.key(0)
MIX = np.array([[0.5, 0.25, 0.25]])
LMS = vp.init_lms(KEY, np.arange(1), d_model=8, num_heads=2, num_layers=1)
ADAPTERS = vp.AdapterFit(jnp.zeros((1, 8, 8)), jnp.zeros((1, 8)), np.zeros((1, 1)))

CASES = [
    Case("sample_text_batch", "batch", lambda: vp.sample_text_batch(KEY, MIX[0], 0)),
    Case("sample_text_batch", "mixture", lambda: vp.sample_text_batch(KEY, [0.5, 0.5], 4)),
    Case("sample_text_batch", "mixture", lambda: vp.sample_text_batch(KEY, [0.5, 0.6, 0.1], 4)),
    Case("sequence_string", "tokens", lambda: vp.sequence_string(np.array([0.5]))),
    Case("sequence_string", "tokens", lambda: vp.sequence_string(np.array([99]))),
    Case("init_lms", "seeds", lambda: vp.init_lms(KEY, np.array([0.5]))),
    Case("pretrain_lms", "mixtures", lambda: vp.pretrain_lms(KEY, MIX[0], num_steps=1)),
    Case("pretrain_lms", "mixtures", lambda: vp.pretrain_lms(KEY, np.array([[0.5, 0.5, 0.5]]), num_steps=1)),
    Case("pretrain_lms", "num_steps", lambda: vp.pretrain_lms(KEY, MIX, num_steps=0)),
    Case("pretrain_lms", "num_seeds", lambda: vp.pretrain_lms(KEY, MIX, num_seeds=0, num_steps=1)),
    Case("sample_vision_batch", "num_per_task", lambda: vp.sample_vision_batch(KEY, 0)),
    Case("sample_vision_batch", "noise_std", lambda: vp.sample_vision_batch(KEY, 2, noise_std=-0.1)),
    Case("fit_adapters", "lms", lambda: vp.fit_adapters(KEY, {"embed": 1}, num_steps=1)),
    Case("fit_adapters", "lms", lambda: vp.fit_adapters(KEY, jax.tree_util.tree_map(lambda a: a[0], LMS))),
    Case("fit_adapters", "num_pairs", lambda: vp.fit_adapters(KEY, LMS, num_pairs=1, num_steps=1)),
    Case("fit_adapters", "noise_std", lambda: vp.fit_adapters(KEY, LMS, noise_std=float("nan"), num_steps=1)),
    Case("vqa_accuracy", "adapters", lambda: vp.vqa_accuracy(KEY, LMS, (1, 2), 4)),
    Case("vqa_accuracy", "num_per_task", lambda: vp.vqa_accuracy(KEY, LMS, ADAPTERS, 0)),
    Case("save_mixture_grid", "grid", lambda: vp.save_mixture_grid("/tmp/never.npz", {"mixtures": 1})),
    Case("load_mixture_grid", "path", lambda: vp.load_mixture_grid("/nonexistent/grid.npz")),
    Case("make_visual_priors_panel", "grid", lambda: make_visual_priors_panel({"mixtures": 1})),
]

EXEMPT = {
    "AdapterFit": "a NamedTuple of trained adapters, returned by fit_adapters",
    "MixtureGrid": "a NamedTuple of results, built by the training script and load_mixture_grid",
    "PretrainedLMs": "a NamedTuple of trained models, returned by pretrain_lms",
    "COLOURS": "a constant tuple of colour names",
    "SCENE_TOKENS": "a constant table of token ids",
    "default_mixture_grid": "takes no argument (returns the shipped file's path)",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
