"""Plotting and widgets: the thin layer between the pure library and the notebooks.

Only this subpackage imports matplotlib, ipywidgets and anywidget; compute modules never import it. Panels declare a
:class:`Figure` that the browser draws (anywidget front end) and matplotlib renders to PNG.
"""

from . import registry, style
from .controls import Choice, Control, FloatSlider, IntSlider, Toggle
from .figure import Figure, density_image
from .panel import Panel

style.use()

__all__ = [
    "Choice",
    "Control",
    "Figure",
    "FloatSlider",
    "IntSlider",
    "Panel",
    "Toggle",
    "density_image",
    "registry",
    "style",
]
