"""priorscope: priors, posteriors and inference-time scaling, taught with JAX + NumPyro.

Compute lives in topic subpackages (``gp``, ``bo``, ``diffusion``, ``particles``, ``scaling``, ...), which are pure
JAX and never import plotting code; :mod:`priorscope.viz` holds the plots and live panels.
"""

# NumPyro must be imported before ArviZ, or az.from_numpyro fails (see shared FINDINGS: import-order bug).
import numpyro as _numpyro  # noqa: F401

from . import claims, config, metrics

__version__ = "0.1.0"

__all__ = ["__version__", "claims", "config", "metrics"]
