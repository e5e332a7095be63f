"""Priors for Bayesian deep learning (track B). Placeholder until the track's package ``__init__`` is merged."""

from . import continual as continual
from . import fewshot as fewshot
from . import martingale as martingale
from . import neural_process as neural_process
from . import universality as universality
