"""The old drawing path (matplotlib in the kernel), kept only for panels whose ``setup`` still calls matplotlib.

A panel whose ``setup(fig)`` calls ``fig.add_subplot``/``fig.subplots`` on the declarative
:class:`~priorscope.viz.figure.Figure` raises :class:`~priorscope.viz.figure.LegacySetup`; the panel then builds a
matplotlib figure here and draws it in the kernel as before. Port such panels to the declarative figure
(docs/architecture.md, "How to write a panel"); this module goes once none is left.
"""

from __future__ import annotations

from typing import Any


def make_figure(figsize: tuple[float, float], setup: Any) -> tuple[Any, Any]:
    """Create the matplotlib figure (no pyplot figure manager unless ipympl is the backend) and its artists."""
    import matplotlib.pyplot as plt

    with plt.ioff():
        fig = plt.figure(figsize=figsize, layout="constrained")
    canvas = fig.canvas
    for attr, value in (
        ("header_visible", False),
        ("toolbar_visible", "fade-in-fade-out"),
        ("footer_visible", False),
        ("resizable", False),
    ):
        if hasattr(canvas, attr):
            setattr(canvas, attr, value)
    return fig, setup(fig)


def freeze_layout(fig: Any) -> None:
    """Lay the figure out once and freeze it; give ipympl its size and a first image up front."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        fig.set_layout_engine("none")
    canvas = fig.canvas
    if hasattr(canvas, "_size") and getattr(canvas, "manager", None) is not None:
        _, _, width, height = fig.bbox.bounds
        canvas.manager.resize(width, height)
    canvas.draw()


def canvas_is_widget(fig: Any) -> bool:
    try:
        import ipywidgets as w
    except ImportError:  # pragma: no cover
        return False
    return isinstance(fig.canvas, w.DOMWidget)


def refresh_output(output: Any, fig: Any) -> None:
    if output is None:
        return
    from IPython.display import display

    with output:
        output.clear_output(wait=True)
        display(fig)
