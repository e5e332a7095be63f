"""Track G: priors inside models and minds.

* :mod:`~priorscope.minds.consciousness`: a sparse Gaussian world, exact conditionals, Markov blankets and a
  k-element attention bottleneck (notebook 35, our illustration of the consciousness prior);
* :mod:`~priorscope.minds.pvrnn`: PV-RNN, a variational RNN with adaptive posterior vectors, the meta-prior w and
  error regression (notebook 36).
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
]
