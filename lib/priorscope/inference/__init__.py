"""Inference helpers shared by notebooks: a fully jitted NUTS for live panels."""

from priorscope.inference.nuts import NUTSResult as NUTSResult
from priorscope.inference.nuts import make_nuts as make_nuts
from priorscope.inference.nuts import to_arviz as to_arviz

__all__ = ["NUTSResult", "make_nuts", "to_arviz"]
