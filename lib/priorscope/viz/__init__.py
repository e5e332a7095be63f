"""Plotting and widgets: the thin layer between the pure library and the notebooks.

Only this subpackage imports matplotlib and ipywidgets; compute modules never import it.
"""

from priorscope.viz import registry as registry
from priorscope.viz import style as style
from priorscope.viz.controls import Choice as Choice
from priorscope.viz.controls import Control as Control
from priorscope.viz.controls import FloatSlider as FloatSlider
from priorscope.viz.controls import IntSlider as IntSlider
from priorscope.viz.controls import Toggle as Toggle
from priorscope.viz.panel import Panel as Panel

style.use()

__all__ = ["Panel", "Control", "FloatSlider", "IntSlider", "Choice", "Toggle", "registry", "style"]
