"""What shows a panel's :class:`~priorscope.viz.figure.Figure` in a notebook: the browser front end.

:class:`FigureWidget` is an anywidget whose ES module (``_static/panel.js`` with the vendored uPlot prepended; no
CDN, no build step) draws the figure's artists in the browser. The kernel sends the figure's layout once
(``spec``) and then, per update, only a ``frame``: resolved limits, titles and the artists' data as float32
buffers. The browser paints at most one frame per animation frame, always the newest (latest wins).
:class:`PngView` shows matplotlib PNGs instead (front ends without widget JavaScript).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import anywidget
import traitlets

__all__ = ["make_view", "FigureWidget", "PngView", "esm_source"]

_STATIC = Path(__file__).with_name("_static")
#: The view panels use: ``"browser"`` (anywidget front end) or ``"png"`` (matplotlib PNG in the kernel).
DEFAULT_VIEW = "browser"


@functools.cache
def esm_source() -> str:
    """The front end as one self-contained ES module: uPlot (IIFE, defines ``uPlot``) followed by ``panel.js``."""
    return (_STATIC / "uPlot.iife.min.js").read_text() + "\n" + (_STATIC / "panel.js").read_text()


@functools.cache
def _css() -> str:
    return (_STATIC / "uPlot.min.css").read_text() + "\n.priorscope-figure .u-title { display: none; }\n"


class FigureWidget(anywidget.AnyWidget):
    """The anywidget that draws a :class:`~priorscope.viz.figure.Figure`: ``spec`` once, ``frame`` per update."""

    _esm = esm_source()
    _css = _css()
    spec = traitlets.Dict().tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)


class BrowserView:
    """Sends a figure's frames to its :class:`FigureWidget`."""

    def __init__(self, fig: Any) -> None:
        import ipywidgets as w

        self.seq = 0
        self.widget = FigureWidget(spec=fig.spec(), layout=w.Layout(width=f"{fig.width}px"))
        self.show_frame(fig)

    def show_frame(self, fig: Any) -> None:
        self.seq += 1
        frame = fig.frame()
        frame["seq"] = self.seq
        self.widget.frame = frame


class PngView:
    """Fallback view: the figure rendered to PNG by matplotlib into an ``ipywidgets.Image`` on every update."""

    def __init__(self, fig: Any) -> None:
        import ipywidgets as w

        self.widget = w.Image(format="png", layout=w.Layout(max_width=f"{fig.width}px"))
        self.show_frame(fig)

    def show_frame(self, fig: Any) -> None:
        self.widget.value = fig.to_png()


def make_view(fig: Any, kind: str | None = None) -> Any:
    """The view a panel displays its figure in: ``"browser"`` (anywidget) or ``"png"`` (matplotlib)."""
    kind = kind or DEFAULT_VIEW
    if kind not in ("browser", "png"):
        raise ValueError(f"kind must be 'browser' or 'png', got {kind!r}")
    return BrowserView(fig) if kind == "browser" else PngView(fig)
