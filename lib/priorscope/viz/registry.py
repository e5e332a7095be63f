"""Every :class:`~priorscope.viz.panel.Panel` created in this process, so tests can find and drive them.

The notebook tests execute a notebook and then, in the same kernel, call :func:`sweep_all` (every control of
every panel at min/mid/max, results must be finite) and the benchmark calls :func:`benchmark_all`. When
``PRIORSCOPE_PANELS_DIR`` is set the reports are also written there as JSON.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from priorscope import config

if TYPE_CHECKING:
    from priorscope.viz.panel import Panel

__all__ = ["register", "panels", "get", "clear", "sweep_all", "benchmark_all"]

_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add ``panel`` (a re-run cell replaces the panel of the same name)."""
    _PANELS[panel.name] = panel


def panels() -> list[Panel]:
    """The registered panels, in creation order."""
    return list(_PANELS.values())


def get(name: str) -> Panel:
    """The registered panel called ``name``."""
    try:
        return _PANELS[name]
    except KeyError:
        raise ValueError(f"no panel named {name!r}; registered: {list(_PANELS)}") from None


def clear() -> None:
    """Forget every registered panel."""
    _PANELS.clear()


def _write(tag: str, report: Any) -> None:
    out = config.panels_dir()
    if out is not None:
        (out / f"{tag}.json").write_text(json.dumps(report, indent=1, default=str))


def sweep_all(tag: str = "sweep") -> dict[str, list[dict[str, Any]]]:
    """Sweep every registered panel (see :meth:`Panel.sweep`); returns panel name → rows."""
    report = {p.name: p.sweep() for p in panels()}
    _write(tag, report)
    return report


def benchmark_all(num_updates: int = 30, tag: str = "latency") -> list[dict[str, Any]]:
    """Latency of every registered panel after warm-up (see :meth:`Panel.benchmark`)."""
    report = [p.benchmark(num_updates) for p in panels()]
    _write(tag, report)
    return report
