"""Gaussian processes: kernels, exact posterior and evidence, unique-point and Kronecker algebra, MAP-II.

Submodules for the paper notebooks (import them explicitly):

* :mod:`priorscope.gp.demo`: the t03 experiments (regression panel compute, lengthscale recovery);
* :mod:`priorscope.gp.spectral`: GP collocation solver for u'' = f with a spectral-mixture kernel (notebook 04);
* :mod:`priorscope.gp.manifold`: connection Laplacian and RVGP vector-field GPs on point clouds (notebook 05).
"""

from priorscope.gp.fit import FitResult as FitResult
from priorscope.gp.fit import fit_map as fit_map
from priorscope.gp.fit import lml_grid as lml_grid
from priorscope.gp.kernels import RBF as RBF
from priorscope.gp.kernels import ArcCosine as ArcCosine
from priorscope.gp.kernels import ErfNNGP as ErfNNGP
from priorscope.gp.kernels import Kernel as Kernel
from priorscope.gp.kernels import Matern12 as Matern12
from priorscope.gp.kernels import Matern32 as Matern32
from priorscope.gp.kernels import Matern52 as Matern52
from priorscope.gp.kernels import Periodic as Periodic
from priorscope.gp.kernels import Product as Product
from priorscope.gp.kernels import Scaled as Scaled
from priorscope.gp.kernels import SpectralMixture as SpectralMixture
from priorscope.gp.kernels import Sum as Sum
from priorscope.gp.kronecker import kron_dense as kron_dense
from priorscope.gp.kronecker import kron_eigh_logdet as kron_eigh_logdet
from priorscope.gp.kronecker import kron_eigh_solve as kron_eigh_solve
from priorscope.gp.kronecker import kron_logdet as kron_logdet
from priorscope.gp.kronecker import kron_matvec as kron_matvec
from priorscope.gp.kronecker import kron_solve as kron_solve
from priorscope.gp.posterior import log_marginal_likelihood as log_marginal_likelihood
from priorscope.gp.posterior import posterior as posterior
from priorscope.gp.posterior import sample_posterior as sample_posterior
from priorscope.gp.posterior import sample_prior as sample_prior
from priorscope.gp.student_t import StudentTPredictive as StudentTPredictive
from priorscope.gp.student_t import fit_student_t as fit_student_t
from priorscope.gp.student_t import student_t_log_marginal_likelihood as student_t_log_marginal_likelihood
from priorscope.gp.student_t import student_t_logpdf as student_t_logpdf
from priorscope.gp.student_t import student_t_predictive as student_t_predictive
from priorscope.gp.switch import Switch as Switch
from priorscope.gp.unique import log_marginal_likelihood_unique as log_marginal_likelihood_unique
from priorscope.gp.unique import posterior_unique as posterior_unique
from priorscope.gp.unique import summarize_repeats as summarize_repeats

__all__ = [
    "Kernel",
    "RBF",
    "Matern12",
    "Matern32",
    "Matern52",
    "Periodic",
    "SpectralMixture",
    "ArcCosine",
    "ErfNNGP",
    "Sum",
    "Product",
    "Scaled",
    "Switch",
    "posterior",
    "log_marginal_likelihood",
    "sample_prior",
    "sample_posterior",
    "posterior_unique",
    "log_marginal_likelihood_unique",
    "summarize_repeats",
    "kron_matvec",
    "kron_solve",
    "kron_logdet",
    "kron_eigh_solve",
    "kron_eigh_logdet",
    "kron_dense",
    "FitResult",
    "fit_map",
    "lml_grid",
    "StudentTPredictive",
    "student_t_log_marginal_likelihood",
    "student_t_predictive",
    "student_t_logpdf",
    "fit_student_t",
]
