"""Priors inside models and minds (track G): small, trainable worlds for the papers on priors in language models."""

from priorscope.minds import prior_influence as prior_influence
from priorscope.minds.prior_influence import (
    TOKENS as TOKENS,
)
from priorscope.minds.prior_influence import (
    PriorLM as PriorLM,
)
from priorscope.minds.prior_influence import (
    answer_log_prior as answer_log_prior,
)
from priorscope.minds.prior_influence import (
    answer_logits as answer_logits,
)
from priorscope.minds.prior_influence import (
    count_accuracy as count_accuracy,
)
from priorscope.minds.prior_influence import (
    default_checkpoint as default_checkpoint,
)
from priorscope.minds.prior_influence import (
    finetune_layer as finetune_layer,
)
from priorscope.minds.prior_influence import (
    hidden_states as hidden_states,
)
from priorscope.minds.prior_influence import (
    layer_probe_r2 as layer_probe_r2,
)
from priorscope.minds.prior_influence import (
    load_prior_lms as load_prior_lms,
)
from priorscope.minds.prior_influence import (
    ridge_r2 as ridge_r2,
)
from priorscope.minds.prior_influence import (
    sample_task_batch as sample_task_batch,
)
from priorscope.minds.prior_influence import (
    save_prior_lms as save_prior_lms,
)
from priorscope.minds.prior_influence import (
    spearman as spearman,
)
from priorscope.minds.prior_influence import (
    stratified_split as stratified_split,
)
from priorscope.minds.prior_influence import (
    token_string as token_string,
)
from priorscope.minds.prior_influence import (
    train_prior_lm as train_prior_lm,
)
from priorscope.minds.prior_influence import (
    zipf_prior as zipf_prior,
)

__all__ = [
    "PriorLM",
    "TOKENS",
    "answer_log_prior",
    "count_accuracy",
    "default_checkpoint",
    "finetune_layer",
    "hidden_states",
    "layer_probe_r2",
    "load_prior_lms",
    "answer_logits",
    "ridge_r2",
    "sample_task_batch",
    "save_prior_lms",
    "spearman",
    "stratified_split",
    "token_string",
    "train_prior_lm",
    "zipf_prior",
]
