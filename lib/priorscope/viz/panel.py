"""The live panel: a pure jitted ``compute`` plus an in-place ``draw``, wired to sliders.

A :class:`Panel` is the only widget abstraction in the suite. The contract (DESIGN.md §3):

* ``compute(key, **params) -> result`` is pure and jitted by the panel; float knobs are traced, sizes snap to
  buckets and are static, so moving a slider re-runs compiled code instead of compiling;
* ``setup(fig) -> artists`` builds the figure once; ``draw(artists, result, params)`` updates those artists in
  place and the canvas is redrawn with ``draw_idle`` — the figure is never rebuilt;
* slider events are coalesced: while an update runs, later events only overwrite one pending request, so the
  latest value wins and at most one computation is ever queued;
* every panel registers itself (see :mod:`priorscope.viz.registry`) so tests and benchmarks can enumerate the
  panels of an executed notebook, drive every control from min to max, check that results stay finite, and time
  each update (:attr:`Panel.latencies`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

import jax
import numpy as np

from priorscope import config
from priorscope.viz import registry
from priorscope.viz.controls import Control

__all__ = ["Panel"]


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def all_finite(result: Any) -> bool:
    """True when every floating-point leaf of ``result`` is finite."""
    for leaf in jax.tree_util.tree_leaves(result):
        arr = np.asarray(leaf)
        if np.issubdtype(arr.dtype, np.inexact) and not np.all(np.isfinite(arr)):
            return False
    return True


class Panel:
    """A live figure driven by sliders.

    Args:
        name: a unique id, by convention ``"<notebook id>.<what>"`` (e.g. ``"t02.conjugate"``).
        compute: pure function ``compute(key, **params) -> pytree of arrays``; jitted here with the static controls
            as static arguments.
        controls: parameter name → :class:`~priorscope.viz.controls.Control`, in display order.
        setup: ``setup(fig) -> artists``: creates axes and artists once.
        draw: ``draw(artists, result, params)``: updates the artists in place.
        seed: seed of the panel's PRNG key; the key stays fixed while sliders move (common random numbers), and
            the "new draw" button advances it.
        figsize: matplotlib figure size in inches.
        title: a heading shown above the controls.

    Examples:
        >>> import jax.numpy as jnp
        >>> from priorscope.viz import FloatSlider
        >>> p = Panel("doc.line", lambda key, slope: slope * jnp.arange(3.0), {"slope": FloatSlider(0, 2, 1)},
        ...           setup=lambda fig: fig.add_subplot().plot([0, 1, 2], [0, 1, 2])[0],
        ...           draw=lambda line, y, params: line.set_ydata(y), register=False)
        >>> [float(v) for v in p.set(slope=2.0)]
        [0.0, 2.0, 4.0]
    """

    def __init__(
        self,
        name: str,
        compute: Callable[..., Any],
        controls: Mapping[str, Control],
        setup: Callable[[Any], Any],
        draw: Callable[[Any, Any, dict[str, Any]], None],
        *,
        seed: int = 0,
        figsize: tuple[float, float] = (9.0, 3.5),
        title: str | None = None,
        register: bool = True,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty str, got {name!r}")
        if not controls:
            raise ValueError("controls must name at least one control")
        for pname, control in controls.items():
            if not isinstance(control, Control):
                raise TypeError(f"control {pname!r} must be a priorscope.viz Control, got {type(control).__name__}")
        self.name = name
        self.title = title
        self.controls: dict[str, Control] = dict(controls)
        self.static_names = tuple(n for n, c in self.controls.items() if c.static)
        self._raw_compute = compute
        self._compute = jax.jit(compute, static_argnames=self.static_names)
        self._setup, self._draw = setup, draw
        self.figsize = figsize
        self.seed = seed
        self.key = config.key(seed)
        self.params: dict[str, Any] = {n: c.value for n, c in self.controls.items()}
        self.result: Any = None
        self.latencies: list[float] = []
        self.compute_times: list[float] = []
        self.fig: Any = None
        self.artists: Any = None
        self._widgets: dict[str, Any] = {}
        self._box: Any = None
        self._status: Any = None
        self._output: Any = None
        self._pending: dict[str, Any] = {}
        self._scheduled = False
        self._busy = False
        self.dropped_requests = 0
        if register:
            registry.register(self)

    # ------------------------------------------------------------------ compute
    def _validated(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(changes) - set(self.controls)
        if unknown:
            raise ValueError(
                f"panel {self.name!r} has no control(s) {sorted(unknown)}; controls: {list(self.controls)}"
            )
        return {n: self.controls[n].coerce(n, v) for n, v in changes.items()}

    def compute(self, **changes: Any) -> Any:
        """Run the compute function at the current parameters updated by ``changes`` (no drawing, no state).

        Returns the result with NumPy leaves (copied from the device), ready for matplotlib.
        """
        params = {**self.params, **self._validated(changes)}
        args = {n: self.controls[n].to_arg(v) for n, v in params.items()}
        # NumPy leaves for drawing: matplotlib converts JAX arrays element by element (tens of ms per update)
        return jax.device_get(self._compute(self.key, **args))

    def set(self, *, render: bool = False, **changes: Any) -> Any:
        """Update parameters, recompute, redraw in place; returns the result (synchronous: tests drive this).

        Args:
            render: force a full synchronous render of the canvas (benchmarks use it to time drawing honestly).
            **changes: new values for some controls; ints snap to their buckets.
        """
        changes = self._validated(changes)
        start = time.perf_counter()
        self._set_status("computing…")
        self.params.update(changes)
        result = self.compute()
        self.compute_times.append(time.perf_counter() - start)
        self.result = result
        if self.fig is not None:
            self._draw(self.artists, result, dict(self.params))
            if render:
                self.fig.canvas.draw()
            else:
                self.fig.canvas.draw_idle()
            self._refresh_output()
        elapsed = time.perf_counter() - start
        self.latencies.append(elapsed)
        self._sync_widgets(changes)
        self._set_status(f"updated in {1000 * elapsed:.0f} ms")
        return result

    def reseed(self, seed: int | None = None) -> Any:
        """Draw new randomness (next seed, or ``seed``) and update."""
        self.seed = self.seed + 1 if seed is None else seed
        self.key = config.key(self.seed)
        return self.set()

    def warmup(self, max_combinations: int = 32) -> None:
        """Compile the static values: every combination when there are at most ``max_combinations``, else each
        static control's values one at a time (others at their defaults)."""
        import itertools

        values = [self.controls[n].static_values() for n in self.static_names]
        if int(np.prod([len(v) for v in values])) <= max_combinations:
            combos = [dict(zip(self.static_names, combo, strict=True)) for combo in itertools.product(*values)]
        else:
            combos = [{n: v} for n, vs in zip(self.static_names, values, strict=True) for v in vs]
        self.compute()
        for combo in combos:
            self.compute(**combo)

    # ------------------------------------------------------------------ figure and widgets
    def ensure_figure(self) -> Any:
        """Create the figure and its artists once (without displaying it)."""
        if self.fig is None:
            import matplotlib.pyplot as plt

            with plt.ioff():
                self.fig = plt.figure(figsize=self.figsize, layout="constrained")
            canvas = self.fig.canvas
            for attr, value in (
                ("header_visible", False),
                ("toolbar_visible", "fade-in-fade-out"),
                ("footer_visible", False),
                ("resizable", False),
            ):
                if hasattr(canvas, attr):
                    setattr(canvas, attr, value)
            self.artists = self._setup(self.fig)
            if self.result is None:
                self.result = self.compute()
            # draw once before laying out, so titles and tick labels set by `draw` get room
            self._draw(self.artists, self.result, dict(self.params))
            # Lay the figure out once, then freeze it: re-running the constrained layout on every slider step
            # costs about as much as drawing the artists.
            engine = self.fig.get_layout_engine()
            if engine is not None:
                engine.execute(self.fig)
                self.fig.set_layout_engine("none")
            # With ipympl, put the size and a first image into the widget state now: the browser otherwise learns
            # them only through a live handshake, and on a busy kernel that left the figure blank (0×0).
            canvas = self.fig.canvas
            if hasattr(canvas, "_size") and getattr(canvas, "manager", None) is not None:
                _, _, width, height = self.fig.bbox.bounds
                canvas.manager.resize(width, height)
            canvas.draw()
        return self.fig

    def _canvas_is_widget(self) -> bool:
        try:
            import ipywidgets as w
        except ImportError:  # pragma: no cover
            return False
        return isinstance(self.fig.canvas, w.DOMWidget)

    def widget(self) -> Any:
        """The ipywidgets box: title, controls, figure, status line (built once)."""
        if self._box is not None:
            return self._box
        import ipywidgets as w

        if self.result is None:
            self.set()
        self.ensure_figure()
        self._draw(self.artists, self.result, dict(self.params))
        for pname, control in self.controls.items():
            widget = control.widget(pname)
            widget.observe(lambda change, pname=pname: self.request(**{pname: change["new"]}), names="value")
            self._widgets[pname] = widget
        button = w.Button(description="new random draw", icon="refresh", layout=w.Layout(width="170px"))
        button.on_click(lambda _: self.reseed())
        self._status = w.HTML(f"<small>{self.name}</small>")
        if self._canvas_is_widget():
            figure = self.fig.canvas
        else:
            self._output = w.Output()
            figure = self._output
            self._refresh_output()
        children = []
        if self.title:
            children.append(w.HTML(f"<b>{self.title}</b>"))
        children += [
            w.HBox(list(self._widgets.values()), layout=w.Layout(flex_flow="row wrap")),
            figure,
            w.HBox([button, self._status]),
        ]
        self._box = w.VBox(children)
        self._box.add_class("priorscope-panel")  # the browser test finds panels by this class
        return self._box

    def show(self) -> None:
        """Display the panel (in a notebook)."""
        from IPython.display import display

        display(self.widget())

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        self.show()

    def _refresh_output(self) -> None:
        if self._output is None:
            return
        from IPython.display import display

        with self._output:
            self._output.clear_output(wait=True)
            display(self.fig)

    def _set_status(self, text: str) -> None:
        if self._status is not None:
            self._status.value = f"<small>{self.name}: {text}</small>"

    def _sync_widgets(self, changes: Mapping[str, Any]) -> None:
        for pname in changes:
            widget = self._widgets.get(pname)
            if widget is not None and widget.value != self.params[pname]:
                widget.value = self.params[pname]

    # ------------------------------------------------------------------ event coalescing
    def request(self, **changes: Any) -> None:
        """Ask for an update from a widget event: latest value wins, at most one pending computation.

        Inside a running kernel the update is scheduled on the event loop; events that arrive before it runs only
        overwrite the pending parameters. Outside an event loop the update runs at once.
        """
        if self._pending:
            self.dropped_requests += 1
        self._pending.update(changes)
        if self._scheduled or self._busy:
            return
        loop = _running_loop()
        if loop is None:
            self._flush()
            return
        self._scheduled = True
        loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        if self._busy:
            return
        self._busy = True
        try:
            while self._pending:
                changes, self._pending = self._pending, {}
                self.set(**changes)
        except Exception as err:  # a bad value must not kill the widget
            self._set_status(f"error: {err}")
            raise
        finally:
            self._busy = False

    # ------------------------------------------------------------------ tests and benchmarks
    def sweep(self) -> list[dict[str, Any]]:
        """Drive each control to its min, mid and max (others at defaults); report finiteness and timing."""
        defaults = dict(self.params)
        self.ensure_figure()
        rows = []
        for pname, control in self.controls.items():
            for value in control.sweep_values():
                self.params = dict(defaults)
                start = time.perf_counter()
                error = None
                try:
                    result = self.set(render=True, **{pname: value})
                    finite = all_finite(result)
                except Exception as err:  # reported, the test fails on it
                    finite, error = False, f"{type(err).__name__}: {err}"
                rows.append(
                    {
                        "control": pname,
                        "value": value if not isinstance(value, np.generic) else value.item(),
                        "finite": finite,
                        "seconds": time.perf_counter() - start,
                        "error": error,
                    }
                )
        self.params = defaults
        self.set()
        return rows

    def benchmark(self, num_updates: int = 30, seed: int = 0) -> dict[str, Any]:
        """Time ``num_updates`` random slider moves after warm-up (compute + in-place draw + full render)."""
        rng = np.random.default_rng(seed)
        self.ensure_figure()
        self.warmup()
        self.set(render=True)
        times = []
        for _ in range(num_updates):
            pname = str(rng.choice(list(self.controls)))
            value = self.controls[pname].random_value(rng)
            start = time.perf_counter()
            self.set(render=True, **{pname: value})
            times.append(time.perf_counter() - start)
        arr = np.asarray(times) * 1000
        return {
            "panel": self.name,
            "updates": num_updates,
            "p50_ms": float(np.percentile(arr, 50)),
            "p95_ms": float(np.percentile(arr, 95)),
            "max_ms": float(arr.max()),
        }

    def __repr__(self) -> str:
        return f"Panel({self.name!r}, controls={list(self.controls)})"
