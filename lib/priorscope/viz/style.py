"""The suite's matplotlib look (the only place that edits rcParams) and the check that a figure fits the page."""

from __future__ import annotations

from typing import Any, NamedTuple

import matplotlib as mpl

__all__ = ["COLORS", "MAX_WIDTH_PX", "FigureFit", "figure_fit", "use"]

#: A colour-blind-safe cycle (Okabe–Ito), used by every plot in the suite.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

#: Width of a notebook's output area that every figure must fit, in CSS pixels at the display DPI.
MAX_WIDTH_PX = 900


def use() -> None:
    """Apply the suite's style: readable fonts, light grids, the Okabe–Ito colour cycle, constrained layout.

    Constrained layout is on by default so that titles, tick labels and legends stay inside the canvas of every
    figure, including figures made by ArviZ; the default size (6.4 × 4 in at 100 dpi) fits a 900-px output area.
    """
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
            "figure.figsize": (6.4, 4.0),
            "figure.constrained_layout.use": True,
            "savefig.dpi": "figure",
            "image.cmap": "viridis",
        }
    )


class FigureFit(NamedTuple):
    """How a figure sits in a notebook's output area (see :func:`figure_fit`).

    Attributes:
        width_px: the canvas width at the figure's DPI (what the inline backend displays).
        height_px: the canvas height at the figure's DPI.
        shown_width_px: the width of the image the inline backend shows (tight bounding box + a 0.1-inch pad on
            each side: at most ``width_px`` + 20 when nothing overflows).
        overflow_px: how far (in pixels) the drawn content (titles, tick and axis labels, legends) reaches
            outside the canvas on each side, as ``(left, bottom, right, top)``; 0 where it stays inside.
        fits: ``width_px`` is at most ``max_width_px`` and nothing overflows the canvas.
    """

    width_px: float
    height_px: float
    shown_width_px: float
    overflow_px: tuple[float, float, float, float]
    fits: bool


def figure_fit(fig: Any, max_width_px: float = MAX_WIDTH_PX, tol_px: float = 1.0) -> FigureFit:
    """Check that a matplotlib figure fits an output area ``max_width_px`` wide with nothing outside its canvas.

    The figure is laid out (its layout engine runs) without rendering pixels, then its tight bounding box — the
    box around every visible artist: titles, tick labels, axis labels, legends — is compared with the canvas.
    The inline backend crops the saved image to that box plus a 0.1-inch pad, so a label outside the canvas
    makes the shown image wider than the figure was designed to be, and under a widget backend it is clipped.

    Args:
        fig: a ``matplotlib.figure.Figure``.
        max_width_px: the width of the output area in pixels (default :data:`MAX_WIDTH_PX`).
        tol_px: overflow smaller than this many pixels counts as inside (anti-aliasing, rounding).

    Returns:
        A :class:`FigureFit`.

    Raises:
        TypeError: ``fig`` is not a matplotlib figure.
        ValueError: ``max_width_px`` or ``tol_px`` is not a positive number.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not max_width_px > 0:
        raise ValueError(f"max_width_px must be > 0, got {max_width_px}")
    if not tol_px >= 0:
        raise ValueError(f"tol_px must be >= 0, got {tol_px}")
    fig.draw_without_rendering()  # runs the layout engine, as a real draw would
    dpi = float(fig.dpi)
    width, height = fig.get_figwidth() * dpi, fig.get_figheight() * dpi
    tight = fig.get_tightbbox()  # inches
    pad = mpl.rcParams["savefig.pad_inches"]
    x0, y0, x1, y1 = (v * dpi for v in (tight.x0, tight.y0, tight.x1, tight.y1))
    left, bottom, right, top = (round(max(0.0, float(v)), 1) for v in (-x0, -y0, x1 - width, y1 - height))
    overflow = (left, bottom, right, top)
    shown = float((tight.width + 2 * pad) * dpi)
    fits = width <= max_width_px + tol_px and max(overflow) <= tol_px
    return FigureFit(round(float(width), 1), round(float(height), 1), round(shown, 1), overflow, bool(fits))
