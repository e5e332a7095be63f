"""Inference helpers shared by notebooks: a fully jitted NUTS for live panels."""

from .nuts import NUTSResult, make_nuts, to_arviz

__all__ = ["NUTSResult", "make_nuts", "to_arviz"]
