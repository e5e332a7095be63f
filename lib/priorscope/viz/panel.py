"""The live panel: a pure jitted ``compute`` plus a declarative figure, wired to sliders.

A :class:`Panel` is the only widget abstraction in the suite. The contract (DESIGN.md §3):

* ``compute(key, **params) -> result`` is pure and jitted by the panel; float knobs are traced, sizes snap to
  buckets and are static, so moving a slider re-runs compiled code instead of compiling;
* ``setup(fig)`` declares axes and named artists once on a :class:`~priorscope.viz.figure.Figure`;
  ``draw(artists, result, params)`` updates their data in Python. The browser draws them (one shared anywidget
  front end, :mod:`priorscope.viz.widget`); matplotlib renders the same figure to PNG (:meth:`Panel.to_png`);
* slider events are coalesced: while an update runs, later events only overwrite one pending request, so the
  latest value wins and at most one computation is ever queued;
* every panel registers itself (see :mod:`priorscope.viz.registry`) so tests and benchmarks can enumerate the
  panels of an executed notebook, drive every control from min to max, check that results stay finite, and time
  each update (:attr:`Panel.latencies`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import jax
import numpy as np

from priorscope import config
from priorscope.viz import registry
from priorscope.viz.controls import Control
from priorscope.viz.figure import WIDTH, Figure, LegacySetup

__all__ = ["Panel", "MAX_FRAME_BYTES"]

#: The most array data one update may send to the browser (the sweep reports an error above it).
MAX_FRAME_BYTES = 256 * 1024


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
        setup: ``setup(fig)`` declares the grid and named artists on a :class:`~priorscope.viz.figure.Figure`;
            it may return an object handed to ``draw`` as ``artists`` (by default the figure itself).
        draw: ``draw(artists, result, params)`` updates artists' data (``fig["name"].set_data(...)``), titles,
            limits and texts. ``result`` has NumPy leaves.
        caption: one line under the panel saying what the learner should see.
        random: the panel uses its PRNG key: show a "new random draw" button.
        seed: seed of the panel's PRNG key; the key stays fixed while sliders move (common random numbers), and
            :meth:`reseed` (the button) advances it.
        width: figure width in CSS pixels (≤ 900).
        figsize: only for panels still drawn by matplotlib (legacy ``setup`` calling ``fig.add_subplot``).
        title: a heading shown above the controls.

    Examples:
        >>> import jax.numpy as jnp
        >>> from priorscope.viz import FloatSlider
        >>> def setup(fig):
        ...     (ax,) = fig.grid(1, 1)
        ...     ax.line("y")
        >>> p = Panel("doc.line", lambda key, slope: slope * jnp.arange(3.0), {"slope": FloatSlider(0, 2, 1)},
        ...           setup, lambda fig, y, params: fig["y"].set_data([0, 1, 2], y), register=False)
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
        caption: str | None = None,
        random: bool = False,
        seed: int = 0,
        width: int = WIDTH,
        figsize: tuple[float, float] = (8.6, 3.5),
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
        if not 200 <= width <= 900:
            raise ValueError(f"width must lie in [200, 900] px, got {width}")
        self.name = name
        self.title = title
        self.caption = caption
        self.random = bool(random)
        self.controls: dict[str, Control] = dict(controls)
        self.static_names = tuple(n for n, c in self.controls.items() if c.static)
        self._raw_compute = compute
        self._compute = jax.jit(compute, static_argnames=self.static_names)
        self._setup, self._draw = setup, draw
        self.width = width
        self.figsize = figsize
        self.seed = seed
        self.key = config.key(seed)
        self.params: dict[str, Any] = {n: c.value for n, c in self.controls.items()}
        self.result: Any = None
        self.latencies: list[float] = []
        self.compute_times: list[float] = []
        #: static combination → seconds its first (compiling) call took
        self.compile_times: dict[tuple, float] = {}
        self.fig: Any = None
        self.artists: Any = None
        self.legacy = False  # True: setup calls matplotlib, the panel is drawn in the kernel (old path)
        self.view: Any = None
        self._widgets: dict[str, Any] = {}
        self._box: Any = None
        self._status: Any = None
        self._output: Any = None
        self._pending: dict[str, Any] = {}
        self._scheduled = False
        self._busy = False
        self._syncing = False
        self._compiling: dict[tuple, tuple[threading.Event, float]] = {}
        #: compile the remaining static settings in a background thread once the widget is built
        self.background_compile = True
        self._background: threading.Thread | None = None
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

    def _static_key(self, params: Mapping[str, Any]) -> tuple:
        return tuple(params[n] for n in self.static_names)

    def compute(self, **changes: Any) -> Any:
        """Run the compute function at the current parameters updated by ``changes`` (no drawing, no state).

        Returns the result with NumPy leaves (copied from the device).
        """
        params = {**self.params, **self._validated(changes)}
        key = self._static_key(params)
        pending = self._compiling.get(key)
        if pending is not None and threading.current_thread() is not self._background:
            pending[0].wait()  # the background thread is compiling this setting: wait for it, don't compile twice
        args = {n: self.controls[n].to_arg(v) for n, v in params.items()}
        first = key not in self.compile_times
        start = time.perf_counter()
        out = jax.device_get(self._compute(self.key, **args))
        if first:
            self.compile_times[key] = time.perf_counter() - start
        return out

    def is_compiled(self, **params: Any) -> bool:
        """Whether the static setting of ``params`` (current parameters updated) has been compiled."""
        return self._static_key({**self.params, **self._validated(params)}) in self.compile_times

    def compile_estimate(self) -> float:
        """Seconds a new static setting is expected to take to compile (the slowest one seen so far)."""
        return max(self.compile_times.values(), default=2.0)

    def set(self, *, render: bool = False, **changes: Any) -> Any:
        """Update parameters, recompute, update the figure; returns the result (synchronous: tests drive this).

        Args:
            render: also serialise the frame (or, for a legacy matplotlib panel, render the canvas) even when no
                widget is shown, so benchmarks time the kernel's whole share of an update.
            **changes: new values for some controls; ints snap to their buckets.
        """
        changes = self._validated(changes)
        start = time.perf_counter()
        new = {**self.params, **changes}
        pending = self._compiling.get(self._static_key(new))
        if pending is not None:
            left = max(self.compile_estimate() - (time.perf_counter() - pending[1]), 1.0)
            self._set_status(f"compiling this setting once, in the background (~{left:.0f} s left)…")
        elif self._static_key(new) not in self.compile_times:
            self._set_status(f"compiling this setting once (~{self.compile_estimate():.0f} s)…")
        else:
            self._set_status("computing…")
        self.params.update(changes)
        result = self.compute()
        self.compute_times.append(time.perf_counter() - start)
        self.result = result
        if self.fig is not None:
            self._draw(self.artists, result, dict(self.params))
            self._push(render)
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

    def static_combinations(self, max_combinations: int = 32) -> list[dict[str, Any]]:
        """The static settings warm-up compiles: every combination when there are at most ``max_combinations``,
        else each static control's values one at a time (others at their current values)."""
        import itertools

        values = [self.controls[n].static_values() for n in self.static_names]
        if int(np.prod([len(v) for v in values])) <= max_combinations:
            return [dict(zip(self.static_names, combo, strict=True)) for combo in itertools.product(*values)]
        return [{n: v} for n, vs in zip(self.static_names, values, strict=True) for v in vs]

    def warmup(self, max_combinations: int = 32) -> None:
        """Compile the static values (see :meth:`static_combinations`), in this thread."""
        self.compute()
        for combo in self.static_combinations(max_combinations):
            self.compute(**combo)

    def compile_in_background(self) -> threading.Thread | None:
        """Compile, in a daemon thread, every static setting a learner reaches by moving one control from the
        current state (JAX releases the GIL while compiling, so the kernel stays responsive). An update that needs
        a setting still being compiled waits for it and its status says so. Returns the thread (None if nothing
        is left to compile)."""
        combos = [c for c in self.static_combinations(max_combinations=1) if not self.is_compiled(**c)]
        keys = [self._static_key({**self.params, **c}) for c in combos]
        todo = [(c, k) for c, k in zip(combos, keys, strict=True) if k not in self._compiling]
        if not todo or (self._background is not None and self._background.is_alive()):
            return None
        for _, k in todo:
            self._compiling[k] = (threading.Event(), time.perf_counter())

        def run() -> None:
            for combo, k in todo:
                self._compiling[k] = (self._compiling[k][0], time.perf_counter())
                try:
                    self.compute(**combo)
                except Exception:  # noqa: BLE001 - the foreground update will raise it where it is seen
                    pass
                finally:
                    self._compiling.pop(k)[0].set()

        self._background = threading.Thread(target=run, name=f"compile {self.name}", daemon=True)
        self._background.start()
        return self._background

    # ------------------------------------------------------------------ figure
    def ensure_figure(self) -> Any:
        """Create the figure and its artists once and draw the current result into it (without displaying it)."""
        if self.fig is None:
            fig = Figure(width=self.width)
            try:
                artists = self._setup(fig)
            except LegacySetup:
                from priorscope.viz import _legacy

                self.legacy = True
                fig, artists = _legacy.make_figure(self.figsize, self._setup)
            else:
                if not fig.axes:
                    raise ValueError(f"panel {self.name!r}: setup must declare axes with fig.grid(rows, cols)")
            self.fig = fig
            self.artists = fig if artists is None else artists
            if self.result is None:
                self.result = self.compute()
            self._draw(self.artists, self.result, dict(self.params))
            if self.legacy:
                from priorscope.viz import _legacy

                _legacy.freeze_layout(self.fig)
        return self.fig

    def _push(self, render: bool) -> None:
        """Send the updated figure to whatever shows it."""
        if self.legacy:
            from priorscope.viz import _legacy

            if render:
                self.fig.canvas.draw()
            else:
                self.fig.canvas.draw_idle()
            _legacy.refresh_output(self._output, self.fig)
        elif self.view is not None:
            self.view.show_frame(self.fig)
        elif render:
            self.fig.frame()

    def to_png(self, path: Any = None, *, dpi: float = 100.0, **changes: Any) -> bytes:
        """A PNG of the panel at its current state, or after ``set(**changes)``; also written to ``path``."""
        if changes:
            self.set(**changes)
        self.ensure_figure()
        if self.legacy:
            import io

            buf = io.BytesIO()
            self.fig.savefig(buf, format="png", dpi=dpi)
            data = buf.getvalue()
            if path is not None:
                from pathlib import Path

                Path(path).write_bytes(data)
            return data
        return self.fig.to_png(path, dpi=dpi)

    def precompute(self, budget_bytes: int = 2_000_000, max_states: int = 200, values_per_control: int = 3) -> dict:
        """A bundle of frames on a deduplicated grid of control values (defaults included) that the front end
        replays without a kernel (:mod:`priorscope.viz.replay`; ``replay.bundle_html(bundle)`` for a page)."""
        from priorscope.viz.replay import precompute

        return precompute(self, budget_bytes=budget_bytes, max_states=max_states, values_per_control=values_per_control)

    # ------------------------------------------------------------------ widgets
    def widget(self) -> Any:
        """The ipywidgets box: title, controls, figure, button and status line, caption (built once)."""
        if self._box is not None:
            return self._box
        import ipywidgets as w

        if self.result is None:
            self.set()
        self.ensure_figure()
        self._draw(self.artists, self.result, dict(self.params))
        for pname, control in self.controls.items():
            widget = control.widget(pname)
            widget.observe(lambda change, pname=pname: self._on_widget(pname, change["new"]), names="value")
            self._widgets[pname] = widget
        self._status = w.HTML(f"<small>{self.name}</small>")
        if self.legacy:
            from priorscope.viz import _legacy

            if _legacy.canvas_is_widget(self.fig):
                figure = self.fig.canvas
            else:
                self._output = w.Output()
                figure = self._output
                _legacy.refresh_output(self._output, self.fig)
        else:
            from priorscope.viz.widget import make_view

            self.view = make_view(self.fig)
            figure = self.view.widget
        children = []
        if self.title:
            children.append(w.HTML(f"<b>{self.title}</b>"))
        children += [w.HBox(list(self._widgets.values()), layout=w.Layout(flex_flow="row wrap")), figure]
        bottom = []
        if self.random:
            button = w.Button(description="new random draw", icon="refresh", layout=w.Layout(width="170px"))
            button.on_click(lambda _: self.reseed())
            bottom.append(button)
        bottom.append(self._status)
        children.append(w.HBox(bottom))
        if self.caption:
            children.append(w.HTML(f"<small><i>What you should see:</i> {self.caption}</small>"))
        self._box = w.VBox(children, layout=w.Layout(max_width="900px"))
        self._box.add_class("priorscope-panel")  # the browser test finds panels by this class
        if self.background_compile:
            self.compile_in_background()
        return self._box

    def show(self) -> None:
        """Display the panel (in a notebook): the live widget, or with ``PRIORSCOPE_PANELS=replay`` (the course
        website) its precomputed bundle within :data:`~priorscope.viz.replay.SITE_BUDGET_BYTES`."""
        from IPython.display import HTML, display

        if config.panel_output() == "replay":
            from priorscope.viz import replay

            bundle = self.precompute(budget_bytes=replay.SITE_BUDGET_BYTES, max_states=replay.SITE_MAX_STATES)
            display(HTML(replay.site_html(bundle)))
            return
        display(self.widget())

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        self.show()

    def _set_status(self, text: str) -> None:
        if self._status is not None:
            self._status.value = f"<small>{self.name}: {text}</small>"

    def _on_widget(self, pname: str, value: Any) -> None:
        if not self._syncing:
            self.request(**{pname: value})

    def _sync_widgets(self, changes: Mapping[str, Any]) -> None:
        """Show the (snapped) values on the sliders without triggering another update."""
        self._syncing = True
        try:
            for pname in changes:
                widget = self._widgets.get(pname)
                if widget is not None and widget.value != self.params[pname]:
                    widget.value = self.params[pname]
        finally:
            self._syncing = False

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
        """Drive each control to its min, mid and max (others at defaults); report finiteness, timing and the bytes
        one update sends (an error above :data:`MAX_FRAME_BYTES`)."""
        defaults = dict(self.params)
        self.ensure_figure()
        rows = []
        for pname, control in self.controls.items():
            for value in control.sweep_values():
                self.params = dict(defaults)
                start = time.perf_counter()
                error = None
                nbytes = 0
                try:
                    result = self.set(render=True, **{pname: value})
                    finite = all_finite(result)
                    nbytes = 0 if self.legacy else self.fig.nbytes()
                    if nbytes > MAX_FRAME_BYTES:
                        error = (
                            f"one update sends {nbytes / 1024:.0f} KiB (limit {MAX_FRAME_BYTES // 1024} KiB): "
                            "bin large clouds with viz.figure.density_image or thin the arrays"
                        )
                except Exception as err:  # reported, the test fails on it
                    finite, error = False, f"{type(err).__name__}: {err}"
                rows.append(
                    {
                        "control": pname,
                        "value": value if not isinstance(value, np.generic) else value.item(),
                        "finite": finite,
                        "seconds": time.perf_counter() - start,
                        "frame_bytes": nbytes,
                        "error": error,
                    }
                )
        self.params = defaults
        self.set()
        return rows

    def benchmark(self, num_updates: int = 30, seed: int = 0) -> dict[str, Any]:
        """Time ``num_updates`` random slider moves after warm-up (compute + draw + frame serialisation)."""
        rng = np.random.default_rng(seed)
        self.ensure_figure()
        self.warmup()
        self.set(render=True)
        times, computes = [], []
        for _ in range(num_updates):
            pname = str(rng.choice(list(self.controls)))
            value = self.controls[pname].random_value(rng)
            start = time.perf_counter()
            self.set(render=True, **{pname: value})
            times.append(time.perf_counter() - start)
            computes.append(self.compute_times[-1])
        arr = np.asarray(times) * 1000
        return {
            "panel": self.name,
            "updates": num_updates,
            "p50_ms": float(np.percentile(arr, 50)),
            "p95_ms": float(np.percentile(arr, 95)),
            "max_ms": float(arr.max()),
            "compute_p50_ms": float(np.percentile(np.asarray(computes) * 1000, 50)),
            "frame_bytes": 0 if self.legacy else int(self.fig.nbytes()),
        }

    def __repr__(self) -> str:
        return f"Panel({self.name!r}, controls={list(self.controls)})"
