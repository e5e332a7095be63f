"""The suite's matplotlib look (the only place that edits rcParams)."""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["COLORS", "use"]

#: A colour-blind-safe cycle (Okabe–Ito), used by every plot in the suite.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


def use() -> None:
    """Apply the suite's style: readable fonts, light grids, the Okabe–Ito colour cycle."""
    mpl.rcParams.update(
        {
            "axes.prop_cycle": mpl.cycler(color=COLORS),
            "axes.grid": True,
            "grid.alpha": 0.25,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "legend.fontsize": 9,
            "legend.frameon": False,
            "figure.dpi": 100,
            "image.cmap": "viridis",
        }
    )
