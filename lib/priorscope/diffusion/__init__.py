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

from . import experiments, fkc, gmm, interpolants, inverse, langevin, schedules, sds, solvers, targets
from .fkc import FKFields, annealed, fkc_sample, product, tilted
from .gmm import GaussianMixture
from .interpolants import Interpolant
from .inverse import dps_sample, ensemble_sample, exact_posterior
from .schedules import EDM, Cosine, RectifiedFlow, Schedule, Switch, VPLinear, get_schedule, time_grid
from .solvers import SOLVERS, Solver, SolverOptions, TimeGrid, get_solver, integrate, sample

__all__ = [
    "Cosine",
    "EDM",
    "FKFields",
    "GaussianMixture",
    "Interpolant",
    "RectifiedFlow",
    "SOLVERS",
    "Schedule",
    "Solver",
    "SolverOptions",
    "Switch",
    "TimeGrid",
    "VPLinear",
    "annealed",
    "dps_sample",
    "ensemble_sample",
    "exact_posterior",
    "experiments",
    "fkc",
    "fkc_sample",
    "get_schedule",
    "get_solver",
    "gmm",
    "integrate",
    "interpolants",
    "inverse",
    "langevin",
    "product",
    "sample",
    "schedules",
    "sds",
    "solvers",
    "targets",
    "tilted",
    "time_grid",
]
