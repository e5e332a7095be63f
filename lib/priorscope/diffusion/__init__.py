"""Diffusion models with exact Gaussian-mixture marginals: schedules, targets, exact scores, solvers.

Modules: :mod:`~priorscope.diffusion.schedules` (noise paths and time grids), :mod:`~priorscope.diffusion.gmm`
(exact mixture marginals, score, Tweedie denoiser, velocity, guidance), :mod:`~priorscope.diffusion.targets`
(conversions among x0 / eps / score / v), :mod:`~priorscope.diffusion.solvers` (Euler, Heun, DDIM,
DPM-Solver(++) and Euler–Maruyama for the zeta-family, behind :func:`sample`),
:mod:`~priorscope.diffusion.langevin` (plain and annealed Langevin), :mod:`~priorscope.diffusion.sds`
(the score-distillation toy of notebook 22) and :mod:`~priorscope.diffusion.demos` (the computations behind
the notebooks' panels).
"""

from . import demos as demos
from . import gmm as gmm
from . import langevin as langevin
from . import schedules as schedules
from . import sds as sds
from . import solvers as solvers
from . import targets as targets
from .gmm import GaussianMixture as GaussianMixture
from .schedules import EDM as EDM
from .schedules import Cosine as Cosine
from .schedules import RectifiedFlow as RectifiedFlow
from .schedules import Schedule as Schedule
from .schedules import Switch as Switch
from .schedules import VPLinear as VPLinear
from .schedules import get_schedule as get_schedule
from .schedules import time_grid as time_grid
from .solvers import SOLVERS as SOLVERS
from .solvers import integrate as integrate
from .solvers import sample as sample

__all__ = [
    "demos",
    "gmm",
    "langevin",
    "schedules",
    "sds",
    "solvers",
    "targets",
    "GaussianMixture",
    "Schedule",
    "VPLinear",
    "Cosine",
    "EDM",
    "RectifiedFlow",
    "Switch",
    "get_schedule",
    "time_grid",
    "SOLVERS",
    "sample",
    "integrate",
]
