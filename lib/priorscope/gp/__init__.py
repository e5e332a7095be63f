"""Gaussian processes: kernels, exact posterior and evidence, unique-point and Kronecker algebra, MAP-II.

Submodules for the paper notebooks (import them explicitly):

* :mod:`priorscope.gp.experiments`: the t03 experiments (regression panel compute, lengthscale recovery);
* :mod:`priorscope.gp.spectral`: GP collocation solver for u'' = f with a spectral-mixture kernel (notebook 04);
* :mod:`priorscope.gp.manifold`: connection Laplacian and RVGP vector-field GPs on point clouds (notebook 05).
"""

from .fit import FitResult, fit_map, lml_grid
from .kernels import (
    RBF,
    ArcCosine,
    ErfNNGP,
    Kernel,
    Matern12,
    Matern32,
    Matern52,
    Periodic,
    Product,
    Scaled,
    SpectralMixture,
    Sum,
)
from .kronecker import kron_dense, kron_eigh_logdet, kron_eigh_solve, kron_logdet, kron_matvec, kron_solve
from .posterior import log_marginal_likelihood, posterior, sample_posterior, sample_prior
from .student_t import (
    StudentTPredictive,
    fit_student_t,
    student_t_log_marginal_likelihood,
    student_t_logpdf,
    student_t_predictive,
)
from .switch import Switch
from .unique import log_marginal_likelihood_unique, posterior_unique, summarize_repeats

__all__ = [
    "ArcCosine",
    "ErfNNGP",
    "FitResult",
    "Kernel",
    "Matern12",
    "Matern32",
    "Matern52",
    "Periodic",
    "Product",
    "RBF",
    "Scaled",
    "SpectralMixture",
    "StudentTPredictive",
    "Sum",
    "Switch",
    "fit_map",
    "fit_student_t",
    "kron_dense",
    "kron_eigh_logdet",
    "kron_eigh_solve",
    "kron_logdet",
    "kron_matvec",
    "kron_solve",
    "lml_grid",
    "log_marginal_likelihood",
    "log_marginal_likelihood_unique",
    "posterior",
    "posterior_unique",
    "sample_posterior",
    "sample_prior",
    "student_t_log_marginal_likelihood",
    "student_t_logpdf",
    "student_t_predictive",
    "summarize_repeats",
]
