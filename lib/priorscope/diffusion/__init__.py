"""Diffusion models with exact Gaussian-mixture marginals: schedules, targets, exact scores, solvers.

Modules: :mod:`~priorscope.diffusion.schedules` (noise paths and time grids), :mod:`~priorscope.diffusion.gmm`
(exact mixture marginals, score, Tweedie denoiser, velocity, guidance), :mod:`~priorscope.diffusion.targets`
(conversions among x0 / eps / score / v), :mod:`~priorscope.diffusion.solvers` (Euler, Heun, DDIM,
DPM-Solver(++) and Euler–Maruyama for the zeta-family: :class:`Solver` objects in the :data:`SOLVERS` registry,
behind :func:`sample`),
:mod:`~priorscope.diffusion.langevin` (plain and annealed Langevin), :mod:`~priorscope.diffusion.sds`
(the score-distillation toy of notebook 22), :mod:`~priorscope.diffusion.fkc` (Feynman–Kac correctors),
:mod:`~priorscope.diffusion.inverse` (weighted-ensemble and DPS-style inverse-problem samplers),
:mod:`~priorscope.diffusion.interpolants` (stochastic interpolants with closed-form drift and score) and
:mod:`~priorscope.diffusion.experiments` (the experiment drivers behind the notebooks' panels and claims).
"""

from . import experiments as experiments
from . import fkc as fkc
from . import gmm as gmm
from . import interpolants as interpolants
from . import inverse as inverse
from . import langevin as langevin
from . import schedules as schedules
from . import sds as sds
from . import solvers as solvers
from . import targets as targets
from .fkc import FKFields as FKFields
from .fkc import annealed as annealed
from .fkc import fkc_sample as fkc_sample
from .fkc import product as product
from .fkc import tilted as tilted
from .gmm import GaussianMixture as GaussianMixture
from .interpolants import Interpolant as Interpolant
from .inverse import dps_sample as dps_sample
from .inverse import ensemble_sample as ensemble_sample
from .inverse import exact_posterior as exact_posterior
from .schedules import EDM as EDM
from .schedules import Cosine as Cosine
from .schedules import RectifiedFlow as RectifiedFlow
from .schedules import Schedule as Schedule
from .schedules import Switch as Switch
from .schedules import VPLinear as VPLinear
from .schedules import get_schedule as get_schedule
from .schedules import time_grid as time_grid
from .solvers import SOLVERS as SOLVERS
from .solvers import Solver as Solver
from .solvers import SolverOptions as SolverOptions
from .solvers import TimeGrid as TimeGrid
from .solvers import get_solver as get_solver
from .solvers import integrate as integrate
from .solvers import sample as sample

__all__ = [
    "fkc",
    "interpolants",
    "inverse",
    "FKFields",
    "annealed",
    "fkc_sample",
    "product",
    "tilted",
    "Interpolant",
    "dps_sample",
    "ensemble_sample",
    "exact_posterior",
    "experiments",
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
    "Solver",
    "SolverOptions",
    "TimeGrid",
    "get_solver",
    "sample",
    "integrate",
]
