"""Plotting and widgets: the thin layer between the pure library and the notebooks.

Only this subpackage imports matplotlib, ipywidgets and anywidget; compute modules never import it. Panels declare a
:class:`Figure` that the browser draws (anywidget front end) and matplotlib renders to PNG.
"""

from priorscope.viz import registry as registry
from priorscope.viz import style as style
from priorscope.viz.controls import Choice as Choice
from priorscope.viz.controls import Control as Control
from priorscope.viz.controls import FloatSlider as FloatSlider
from priorscope.viz.controls import IntSlider as IntSlider
from priorscope.viz.controls import Toggle as Toggle
from priorscope.viz.figure import Figure as Figure
from priorscope.viz.figure import density_image as density_image
from priorscope.viz.panel import Panel as Panel

style.use()

__all__ = [
    "Panel",
    "Figure",
    "density_image",
    "Control",
    "FloatSlider",
    "IntSlider",
    "Choice",
    "Toggle",
    "registry",
    "style",
]
