"""Render a :class:`~priorscope.viz.figure.Figure` with matplotlib (PNG export, tests, front ends without widgets).

Builds a fresh ``matplotlib.figure.Figure`` (no pyplot, so no backend is involved) with a constrained layout, so
titles, tick labels and legends stay inside the canvas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from priorscope.viz.figure import _PT_PER_PX

if TYPE_CHECKING:
    from priorscope.viz.figure import Figure


def _ls(style: dict[str, Any]) -> Any:
    dash = style.get("dash", "-")
    return {"-": "-", "--": "--", ":": ":", "-.": "-."}[dash]


def render(spec: Figure, dpi: float = 100.0) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import NullFormatter

    fig = MplFigure(figsize=(spec.width / 100.0, spec.height / 100.0), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    if not spec.axes:
        return fig
    gs = fig.add_gridspec(spec.rows, spec.cols, width_ratios=spec.width_ratios)
    for ax_spec in spec.axes:
        ax = fig.add_subplot(gs[ax_spec.row, ax_spec.col])
        p = ax_spec.props
        for art in ax_spec.artists:
            if art.visible:
                _draw(ax, art)
        for dim in ("x", "y"):
            if p[f"{dim}scale"] == "log":
                getattr(ax, f"set_{dim}scale")("log")
                # labelled decades only: minor labels overlap on short log ranges
                getattr(ax, f"{dim}axis").set_minor_formatter(NullFormatter())
        ax.set_xlim(*ax_spec.limits("x"))  # a decreasing pair inverts the axis, as in the browser
        ax.set_ylim(*ax_spec.limits("y"))
        ax.set_title(p["title"], fontsize=10)
        ax.set_xlabel(p["xlabel"])
        ax.set_ylabel(p["ylabel"])
        for dim in ("x", "y"):
            if p[f"{dim}ticks"] is not None:
                labels = p[f"{dim}ticklabels"]
                getattr(ax, f"set_{dim}ticks")(p[f"{dim}ticks"], labels)
            if not p[f"{dim}axis"]:
                getattr(ax, f"{dim}axis").set_visible(False)
        if p["aspect"] == "equal":
            # widen the shorter range about its centre (matplotlib's adjustable="datalim"), as the browser does
            ax.set_aspect("equal", adjustable="datalim", anchor="C")
        if p["legend"] is not None and any(a.style.get("label") for a in ax_spec.artists):
            ax.legend(loc=p["legend"], fontsize=8, ncols=p["legend_ncol"])
    return fig


def _draw(ax: Any, art: Any) -> None:
    s, d, k = art.style, art.data, art.kind
    label = s.get("label") or None
    if k == "line":
        ax.plot(
            d["x"], d["y"], ls=_ls(s), color=s["color"], lw=s["width"], alpha=s["alpha"], label=label,
            marker="o" if s["marker"] else None, ms=s.get("marker_size", 6.0) * _PT_PER_PX, mew=0,
        )  # fmt: skip
    elif k == "band":
        if d["x"].size:
            ax.fill_between(d["x"], d["lo"], d["hi"], color=s["color"], alpha=s["alpha"], lw=0, label=label)
    elif k == "scatter":
        # `size` is a diameter in CSS px; matplotlib's s is an area in points² (1 px = 0.72 pt at 100 dpi)
        diam = d["sizes"] if d["sizes"].size else s["size"]
        area = (np.asarray(diam, np.float64) * _PT_PER_PX) ** 2
        if d["values"].size:
            from priorscope.viz.figure import _clim

            lo, hi = _clim(art, "values")
            colors = {"c": d["values"], "cmap": s["cmap"], "vmin": lo, "vmax": hi}
        else:
            colors = {"color": s["color"]}
        ax.scatter(d["x"], d["y"], s=area, alpha=s["alpha"], lw=0, label=label, **colors)
    elif k == "stairs":
        if d["edges"].size:
            if s["fill"]:
                ax.stairs(d["values"], d["edges"], fill=True, color=s["color"], alpha=s["alpha"], label=label)
            else:
                ax.stairs(d["values"], d["edges"], color=s["color"], lw=s["width"], label=label)
    elif k == "bars":
        bottom = d["bottom"] if d["bottom"].size else None
        ax.bar(d["x"], d["heights"], width=s["width"], bottom=bottom, color=s["color"], alpha=s["alpha"], label=label)
    elif k == "image":
        v = d["values"]
        if v.size:
            from priorscope.viz.figure import _clim

            lo, hi = _clim(art)
            ax.imshow(
                v, origin="lower", extent=art.extent, aspect="auto", cmap=s["cmap"], vmin=lo, vmax=hi,
                interpolation="nearest",
            )  # fmt: skip
    elif k in ("vline", "hline"):
        for i, pos in enumerate(np.asarray(d["x" if k == "vline" else "y"])):
            fn = ax.axvline if k == "vline" else ax.axhline
            fn(
                float(pos),
                color=s["color"],
                lw=s["width"],
                ls=_ls(s),
                alpha=s["alpha"],
                label=label if i == 0 else None,
            )
    elif k == "text" and art.text:
        x, y = float(d["x"][0]), float(d["y"][0])
        transform = ax.transAxes if s["coords"] == "axes" else ax.transData
        ax.text(
            x, y, art.text, transform=transform, color=s["color"], fontsize=s["size"], ha=s["align"], va="top",
        )  # fmt: skip
