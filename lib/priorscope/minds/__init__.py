"""Track G: priors inside models and minds.

* :mod:`~priorscope.minds.consciousness`: a sparse Gaussian world, exact conditionals, Markov blankets and a
  k-element attention bottleneck (notebook 35, our illustration of the consciousness prior);
* :mod:`~priorscope.minds.pvrnn`: PV-RNN, a variational RNN with adaptive posterior vectors, the meta-prior w and
  error regression (notebook 36);
* :mod:`~priorscope.minds.prior_influence`: a tiny causal language model whose errors track the answer's prior, a
  control token, layer probes and one-block fine-tuning (notebook 33);
* :mod:`~priorscope.minds.visual_priors`: tiny LMs pre-trained on mixtures of reasoning, description and generic
  text (:mod:`~priorscope.minds.visual_text`), frozen, with a linear adapter from a toy vision encoder; perception
  and reasoning probes (notebook 34).
"""

from priorscope.minds.consciousness import AttentionFit as AttentionFit
from priorscope.minds.consciousness import best_subsets as best_subsets
from priorscope.minds.consciousness import blanket_scores as blanket_scores
from priorscope.minds.consciousness import bottleneck_costs as bottleneck_costs
from priorscope.minds.consciousness import conditional_from_precision as conditional_from_precision
from priorscope.minds.consciousness import entangling_rotation as entangling_rotation
from priorscope.minds.consciousness import gaussian_conditional as gaussian_conditional
from priorscope.minds.consciousness import markov_blanket as markov_blanket
from priorscope.minds.consciousness import readout_nll as readout_nll
from priorscope.minds.consciousness import sparse_precision as sparse_precision
from priorscope.minds.consciousness import subset_nll as subset_nll
from priorscope.minds.consciousness import train_attention as train_attention
from priorscope.minds.prior_influence import TOKENS as TOKENS
from priorscope.minds.prior_influence import PriorLM as PriorLM
from priorscope.minds.prior_influence import answer_log_prior as answer_log_prior
from priorscope.minds.prior_influence import answer_logits as answer_logits
from priorscope.minds.prior_influence import count_accuracy as count_accuracy
from priorscope.minds.prior_influence import default_checkpoint as default_checkpoint
from priorscope.minds.prior_influence import finetune_layer as finetune_layer
from priorscope.minds.prior_influence import hidden_states as hidden_states
from priorscope.minds.prior_influence import layer_probe_r2 as layer_probe_r2
from priorscope.minds.prior_influence import load_prior_lms as load_prior_lms
from priorscope.minds.prior_influence import ridge_r2 as ridge_r2
from priorscope.minds.prior_influence import sample_task_batch as sample_task_batch
from priorscope.minds.prior_influence import save_prior_lms as save_prior_lms
from priorscope.minds.prior_influence import stratified_split as stratified_split
from priorscope.minds.prior_influence import token_string as token_string
from priorscope.minds.prior_influence import train_prior_lm as train_prior_lm
from priorscope.minds.prior_influence import zipf_prior as zipf_prior
from priorscope.minds.pvrnn import PVRNNParams as PVRNNParams
from priorscope.minds.pvrnn import PVRNNRun as PVRNNRun
from priorscope.minds.pvrnn import TrainedPVRNN as TrainedPVRNN
from priorscope.minds.pvrnn import error_regression as error_regression
from priorscope.minds.pvrnn import fsm_sine_data as fsm_sine_data
from priorscope.minds.pvrnn import gaussian_kl as gaussian_kl
from priorscope.minds.pvrnn import generate as generate
from priorscope.minds.pvrnn import init_pvrnn as init_pvrnn
from priorscope.minds.pvrnn import load_pvrnn_sweep as load_pvrnn_sweep
from priorscope.minds.pvrnn import open_loop_prediction as open_loop_prediction
from priorscope.minds.pvrnn import pvrnn_run as pvrnn_run
from priorscope.minds.pvrnn import train_pvrnn as train_pvrnn
from priorscope.minds.visual_priors import COLOURS as COLOURS
from priorscope.minds.visual_priors import SCENE_TOKENS as SCENE_TOKENS
from priorscope.minds.visual_priors import AdapterFit as AdapterFit
from priorscope.minds.visual_priors import MixtureGrid as MixtureGrid
from priorscope.minds.visual_priors import PretrainedLMs as PretrainedLMs
from priorscope.minds.visual_priors import default_mixture_grid as default_mixture_grid
from priorscope.minds.visual_priors import fit_adapters as fit_adapters
from priorscope.minds.visual_priors import init_lms as init_lms
from priorscope.minds.visual_priors import load_mixture_grid as load_mixture_grid
from priorscope.minds.visual_priors import pretrain_lms as pretrain_lms
from priorscope.minds.visual_priors import sample_text_batch as sample_text_batch
from priorscope.minds.visual_priors import sample_vision_batch as sample_vision_batch
from priorscope.minds.visual_priors import save_mixture_grid as save_mixture_grid
from priorscope.minds.visual_priors import sequence_string as sequence_string
from priorscope.minds.visual_priors import vqa_accuracy as vqa_accuracy

__all__ = [
    "AttentionFit",
    "best_subsets",
    "blanket_scores",
    "bottleneck_costs",
    "conditional_from_precision",
    "entangling_rotation",
    "gaussian_conditional",
    "markov_blanket",
    "readout_nll",
    "sparse_precision",
    "subset_nll",
    "train_attention",
    "PVRNNParams",
    "PVRNNRun",
    "TrainedPVRNN",
    "error_regression",
    "fsm_sine_data",
    "gaussian_kl",
    "generate",
    "init_pvrnn",
    "load_pvrnn_sweep",
    "open_loop_prediction",
    "pvrnn_run",
    "train_pvrnn",
    "TOKENS",
    "PriorLM",
    "answer_log_prior",
    "answer_logits",
    "count_accuracy",
    "default_checkpoint",
    "finetune_layer",
    "hidden_states",
    "layer_probe_r2",
    "load_prior_lms",
    "ridge_r2",
    "sample_task_batch",
    "save_prior_lms",
    "stratified_split",
    "token_string",
    "train_prior_lm",
    "zipf_prior",
    "COLOURS",
    "SCENE_TOKENS",
    "AdapterFit",
    "MixtureGrid",
    "PretrainedLMs",
    "default_mixture_grid",
    "fit_adapters",
    "init_lms",
    "load_mixture_grid",
    "pretrain_lms",
    "sample_text_batch",
    "sample_vision_batch",
    "save_mixture_grid",
    "sequence_string",
    "vqa_accuracy",
]
