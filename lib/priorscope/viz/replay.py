"""Precomputed panels for static pages: a grid of control values evaluated into a compact bundle.

:func:`precompute` (``Panel.precompute``) evaluates the panel at a deduplicated grid of control values (the
defaults first, then each control moved alone through a few values, then combinations while the budget lasts)
and stores each state's frame. Arrays are float32, deduplicated across states (an x grid shared by every state is
stored once) and packed into one base64 blob, so the bundle is JSON. The same front end replays it without a
kernel: ``replay(el, bundle)`` in ``_static/panel.js`` draws the figure and offers the grid values as controls;
:func:`bundle_html` wraps a bundle into a self-contained HTML snippet. :func:`frame_of` decodes one state in
Python (what the tests compare with ``panel.set(**state)``).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from priorscope.viz.panel import Panel

__all__ = ["precompute", "frame_of", "bundle_html", "bundle_size", "site_html", "site_script", "SITE_BUDGET_BYTES"]

#: The size budget of one panel on the course website (``make site``): its bundle as JSON, at most this many bytes
#: (the shared front end, ~70 KB, is loaded once per page). tools/site.py fails the build if a page's bundle is over.
SITE_BUDGET_BYTES = 600_000
#: At most this many states per panel on the website (defaults, each control alone, then combinations).
SITE_MAX_STATES = 24


def _grid(panel: Panel, values_per_control: int) -> dict[str, list[Any]]:
    """Per control: the default first, then up to ``values_per_control - 1`` other values (min, max, middle…)."""
    grid = {}
    for name, control in panel.controls.items():
        default = panel.params[name]
        candidates = [default, *control.sweep_values()]
        if hasattr(control, "static_values") and control.static_values():
            candidates += control.static_values()
        seen: list[Any] = []
        for v in candidates:
            v = control.coerce(name, v.item() if isinstance(v, np.generic) else v)
            if v not in seen:
                seen.append(v)
        grid[name] = seen[: max(values_per_control, 1)]
    return grid


def _states(grid: dict[str, list[Any]], defaults: dict[str, Any], max_states: int) -> list[dict[str, Any]]:
    """Defaults, then one control at a time, then the full product; deduplicated, at most ``max_states``."""
    states: list[dict[str, Any]] = [dict(defaults)]
    for name, values in grid.items():
        states += [{**defaults, name: v} for v in values]
    names = list(grid)
    states += [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]
    out, seen = [], set()
    for s in states:
        key = json.dumps(s, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out[:max_states]


class _Packer:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.index: dict[str, list[int]] = {}
        self.size = 0

    def add(self, arr: np.ndarray) -> list[int]:
        data = np.ascontiguousarray(arr, dtype=np.float32).tobytes()
        digest = hashlib.sha1(data).hexdigest()
        if digest not in self.index:
            self.index[digest] = [self.size // 4, len(data) // 4]
            self.chunks.append(data)
            self.size += len(data)
        return self.index[digest]


def _encode_frame(frame: dict[str, Any], packer: _Packer) -> dict[str, Any]:
    artists = {}
    for name, entry in frame["artists"].items():
        artists[name] = {k: ({"$ref": packer.add(np.frombuffer(v, np.float32))} if isinstance(v, memoryview) else v)
                         for k, v in entry.items()}  # fmt: skip
    return {"axes": frame["axes"], "artists": artists}


def bundle_size(bundle: dict[str, Any]) -> int:
    """Bytes of the bundle as JSON (what a static page downloads)."""
    return len(json.dumps(bundle, separators=(",", ":")).encode())


def precompute(
    panel: Panel, budget_bytes: int = 2_000_000, max_states: int = 200, values_per_control: int = 3
) -> dict[str, Any]:
    """Evaluate ``panel`` on a grid of control values into a JSON-able bundle of at most ``budget_bytes``.

    States are added in priority order (defaults, one control moved, combinations) until ``max_states`` or the
    budget is reached; the panel's own parameters are restored afterwards.
    """
    if budget_bytes < 1000:
        raise ValueError(f"budget_bytes must be at least 1000, got {budget_bytes}")
    if max_states < 1:
        raise ValueError(f"max_states must be at least 1, got {max_states}")
    panel.ensure_figure()
    if panel.legacy:
        raise ValueError(f"panel {panel.name!r} is still drawn by matplotlib; port it to viz.figure to precompute it")
    defaults = dict(panel.params)
    grid = _grid(panel, values_per_control)
    packer = _Packer()
    states: list[dict[str, Any]] = []
    controls = {
        n: {"values": grid[n], "default": defaults[n], "description": c.description or n}
        for n, c in panel.controls.items()
    }
    base = {"name": panel.name, "title": panel.title, "caption": panel.caption, "spec": panel.fig.spec(),
            "controls": controls}  # fmt: skip
    overhead = bundle_size({**base, "states": [], "blob": ""})
    json_size = 0
    try:
        for params in _states(grid, defaults, max_states):
            before_size, before_chunks = packer.size, len(packer.chunks)
            before_index = dict(packer.index)
            panel.params = dict(defaults)
            panel.set(**params)
            state = {"params": params, "frame": _encode_frame(panel.fig.frame(), packer)}
            state_size = len(json.dumps(state, separators=(",", ":"), default=str)) + 1
            if overhead + json_size + state_size + 4 * ((packer.size + 2) // 3) + 64 > budget_bytes:
                packer.size, packer.chunks, packer.index = before_size, packer.chunks[:before_chunks], before_index
                break
            states.append(state)
            json_size += state_size
    finally:
        panel.params = dict(defaults)
        panel.set()
    if not states:
        raise ValueError(f"budget_bytes={budget_bytes} is too small for even one state of {panel.name!r}")
    blob = base64.b64encode(b"".join(packer.chunks)).decode()
    return {**base, "states": states, "blob": blob}


def frame_of(bundle: dict[str, Any], **params: Any) -> dict[str, Any]:
    """The stored frame of the state with exactly these parameters (defaults for the rest), arrays decoded."""
    defaults = {n: c["default"] for n, c in bundle["controls"].items()}
    want = json.dumps({**defaults, **params}, sort_keys=True, default=str)
    blob = np.frombuffer(base64.b64decode(bundle["blob"]), np.float32)
    for state in bundle["states"]:
        if json.dumps(state["params"], sort_keys=True, default=str) == want:
            artists = {}
            for name, entry in state["frame"]["artists"].items():
                artists[name] = {
                    k: blob[v["$ref"][0] : v["$ref"][0] + v["$ref"][1]] if isinstance(v, dict) and "$ref" in v else v
                    for k, v in entry.items()
                }
            return {"axes": state["frame"]["axes"], "artists": artists}
    raise ValueError(f"state {params} is not in the bundle of {bundle['name']!r}")


def bundle_html(bundle: dict[str, Any]) -> str:
    """A self-contained HTML snippet (front end inlined, no network) that replays ``bundle`` without a kernel."""
    from priorscope.viz.widget import _css, esm_source

    uid = "ps-" + hashlib.sha1(bundle["name"].encode()).hexdigest()[:8]
    data = json.dumps(bundle, separators=(",", ":"), default=str).replace("</", "<\\/")
    return (
        f'<style>{_css()}</style><div id="{uid}" class="priorscope-replay"></div>\n'
        f'<script type="module">\n{esm_source()}\n'
        f'replay(document.getElementById("{uid}"), {data});\n</script>\n'
    )


def site_html(bundle: dict[str, Any]) -> str:
    """The website's form of a panel: the bundle as inert JSON next to an empty element, plus a note.

    The page loads the front end once (``_static/priorscope-replay.js``, :func:`site_script`), which finds every
    ``.priorscope-replay`` element and replays the JSON bundle that follows it; the snippet itself runs no script,
    so it works from ``file://`` and under a strict content policy.
    """
    uid = "ps-" + hashlib.sha1(bundle["name"].encode()).hexdigest()[:10]
    data = json.dumps(bundle, separators=(",", ":"), default=str).replace("</", "<\\/")
    n, size = len(bundle["states"]), bundle_size(bundle)
    return (
        f'<div class="priorscope-replay" data-bundle="{uid}"></div>\n'
        f'<script type="application/json" id="{uid}">{data}</script>\n'
        f'<p class="priorscope-replay-note"><small>Precomputed on this page: {n} states of this panel '
        f"({size / 1000:.0f} KB; the sliders step through the values that were computed). "
        f"In the notebook every value is computed live.</small></p>\n"
    )


def site_script() -> str:
    """The front end as one classic script for the website: defines ``window.priorscopeReplay`` and replays every
    ``.priorscope-replay`` element of the page once it has loaded (no ES module, so it also runs from disk)."""
    from priorscope.viz.widget import _STATIC

    panel = (_STATIC / "panel.js").read_text()
    body = "\n".join(line for line in panel.splitlines() if not line.startswith("export "))
    uplot = (_STATIC / "uPlot.iife.min.js").read_text()
    boot = """
  window.priorscopeReplay = replay;
  const start = () => {
    for (const el of document.querySelectorAll(".priorscope-replay[data-bundle]")) {
      if (el.dataset.started) continue;
      el.dataset.started = "1";
      const data = document.getElementById(el.dataset.bundle);
      try { replay(el, JSON.parse(data.textContent)); }
      catch (err) { el.textContent = "this precomputed panel could not be drawn: " + err; }
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
"""
    return f"(function () {{\n{uplot}\n{body}\n{boot}}})();\n"


def site_css() -> str:
    """The front end's style sheet for the website."""
    from priorscope.viz.widget import _css

    return _css() + ".priorscope-replay { max-width: 100%; overflow-x: auto; margin: 0.5em 0; }\n"
