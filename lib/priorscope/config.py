"""Run-time configuration: the one place that reads the environment.

Everything that differs between a CI smoke run, a learner's laptop and a GPU host goes through this module:

* the **mode** (``PRIORSCOPE_MODE=fast|full``, default ``full``): fast mode is what CI executes, full mode is what
  a learner gets;
* **sizes** (:func:`size`): every size knob in the suite (samples, particles, seeds, grid points, steps) is asked
  for here, with a fast, a full and optionally a GPU value, so no size can escape the fast gate;
* the **device report** (:func:`report`), printed by the first code cell of every notebook;
* **float64** (:func:`enable_x64`), the **persistent compilation cache** and **progress bars** (:func:`progress`).

Environment variables read here and nowhere else:

========================  ==========================================================================
``PRIORSCOPE_MODE``       ``fast`` or ``full`` (default ``full``)
``PRIORSCOPE_JAX_CACHE``  directory of JAX's persistent compilation cache (``off`` disables it; default
                          ``build/jax-cache`` inside the project checkout, and no cache when the package is
                          installed elsewhere, so nothing is written to the user's home unless asked)
``PRIORSCOPE_PROGRESS``   ``1``/``on``/``true``/``yes`` shows progress bars, ``0``/``off``/``false``/``no``
                          hides them (default: shown, except when ``CI`` is set); any other value is an error
``PRIORSCOPE_CLAIMS_DIR`` where :mod:`priorscope.claims` writes each notebook's claims (tests set it)
``PRIORSCOPE_PANELS_DIR`` where :mod:`priorscope.viz` writes panel sweep reports (tests set it)
``PRIORSCOPE_BLAS_THREADS`` threads for the BLAS/LAPACK library behind JAX's CPU linear algebra (default
                          ``1``; ``0`` leaves the library's own default)
``PRIORSCOPE_PANELS``     ``live`` (default): a displayed panel is the live widget; ``replay``: it is shown as
                          its precomputed bundle, replayed without a kernel (what ``make site`` sets)
========================  ==========================================================================

Import side effects (the only ones): importing :mod:`priorscope` reads the variables above, points JAX's
persistent compilation cache at the directory above, and limits the BLAS library's threads.

Why one BLAS thread by default: JAX on the CPU runs Cholesky and eigendecompositions through the OpenBLAS that
ships with SciPy. On the small matrices of a teaching panel its worker threads cost far more than they save — on
a busy 2-core machine a 150×150 Cholesky took 171 ms with 2 threads and 0.09 ms with 1.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import jax

__all__ = [
    "MODES",
    "mode",
    "is_fast",
    "on_gpu",
    "backend",
    "size",
    "sizes_used",
    "key",
    "enable_x64",
    "report",
    "progress",
    "claims_dir",
    "panels_dir",
    "panel_output",
]

MODES = ("fast", "full")


def _read_mode() -> str:
    value = os.environ.get("PRIORSCOPE_MODE", "full").strip().lower()
    if value not in MODES:
        raise ValueError(f"PRIORSCOPE_MODE must be one of {MODES}, got {value!r}")
    return value


_MODE = _read_mode()
_SIZES: dict[str, int] = {}


def mode() -> str:
    """The execution mode, ``"fast"`` (CI smoke runs) or ``"full"`` (the default)."""
    return _MODE


def is_fast() -> bool:
    """True in fast mode (``PRIORSCOPE_MODE=fast``)."""
    return _MODE == "fast"


def backend() -> str:
    """JAX's default backend: ``"cpu"``, ``"gpu"`` or ``"tpu"``."""
    return jax.default_backend()


def on_gpu() -> bool:
    """True when JAX runs on an accelerator."""
    return backend() in ("gpu", "cuda", "rocm", "tpu")


def _check_size(arg: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{arg} must be an int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{arg} must be >= 1, got {value}")
    return value


def size(name: str, *, fast: int, full: int, gpu: int | None = None) -> int:
    """The size to use for knob ``name`` in the current mode and on the current device.

    Every size knob in a notebook goes through this function, so CI's fast mode shrinks all of them and a GPU
    grows them without any ``if`` in the notebook.

    Args:
        name: what the size counts, e.g. ``"particles"``; recorded for the run report.
        fast: the value in fast mode (CI); small enough for the notebook's 90 s budget on 2 CPU cores.
        full: the value a learner gets on a CPU.
        gpu: the value in full mode on an accelerator (defaults to ``full``).

    Returns:
        ``fast`` in fast mode; otherwise ``gpu`` on an accelerator when given, else ``full``.

    Examples:
        >>> n = size("doctest.particles", fast=100, full=10_000)
        >>> n in (100, 10_000)
        True
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    _check_size("fast", fast)
    _check_size("full", full)
    if gpu is not None:
        _check_size("gpu", gpu)
    if is_fast():
        value = fast
    elif gpu is not None and on_gpu():
        value = gpu
    else:
        value = full
    _SIZES[name] = value
    return value


def sizes_used() -> dict[str, int]:
    """The sizes handed out by :func:`size` so far in this process (a copy)."""
    return dict(_SIZES)


def key(seed: int) -> jax.Array:
    """A new-style JAX PRNG key from an integer seed (no default: seeds are always explicit)."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return jax.random.key(seed)


def enable_x64(enabled: bool = True) -> None:
    """Switch JAX to float64 (call before creating arrays; GP conditioning and exact references need it).

    Args:
        enabled: True or False (a string such as ``"false"`` is refused: ``bool("false")`` is True).
    """
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool (True or False), got {type(enabled).__name__} {enabled!r}")
    jax.config.update("jax_enable_x64", enabled)


def _default_cache_dir() -> str:
    """``build/jax-cache`` of the project checkout this module lives in, or ``"off"`` outside a checkout."""
    root = Path(__file__).resolve().parents[2]
    return str(root / "build" / "jax-cache") if (root / "pyproject.toml").is_file() else "off"


def _enable_compilation_cache() -> str | None:
    where = os.environ.get("PRIORSCOPE_JAX_CACHE") or _default_cache_dir()
    if where.strip().lower() in ("off", "0", "none", ""):
        return None
    try:
        Path(where).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    jax.config.update("jax_compilation_cache_dir", where)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return where


_CACHE_DIR = _enable_compilation_cache()


def _limit_blas_threads() -> int | None:
    raw = os.environ.get("PRIORSCOPE_BLAS_THREADS", "1").strip()
    try:
        threads = int(raw)
    except ValueError:
        raise ValueError(f"PRIORSCOPE_BLAS_THREADS must be an int >= 0, got {raw!r}") from None
    if threads < 0:
        raise ValueError(f"PRIORSCOPE_BLAS_THREADS must be an int >= 0, got {threads}")
    if threads == 0:
        return None
    import jax.numpy as jnp
    from threadpoolctl import threadpool_limits

    jnp.linalg.cholesky(jnp.eye(2)).block_until_ready()  # make jaxlib load its LAPACK before limiting it
    threadpool_limits(threads, user_api="blas")
    return threads


_BLAS_THREADS = _limit_blas_threads()


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def report(print_it: bool = True) -> dict[str, str]:
    """Versions, mode and device: the first code cell of every notebook calls this.

    Returns:
        A dict with the mode, the JAX backend and devices, float64 status, the cache directory and the versions of
        the main libraries (also printed unless ``print_it`` is False).
    """
    info = {
        "priorscope": _version("priorscope"),
        "mode": _MODE,
        "backend": backend(),
        "devices": ", ".join(str(d) for d in jax.devices()),
        "x64": str(bool(jax.config.jax_enable_x64)),
        "python": platform.python_version(),
        "jax": _version("jax"),
        "numpyro": _version("numpyro"),
        "arviz": _version("arviz"),
        "optax": _version("optax"),
        "compilation cache": _CACHE_DIR or "off",
        "BLAS threads": str(_BLAS_THREADS or "library default"),
    }
    if print_it:
        width = max(map(len, info))
        for name, value in info.items():
            print(f"{name:>{width}} : {value}")
    return info


_ON = ("1", "on", "true", "yes")
_OFF = ("0", "off", "false", "no")


def _progress_enabled() -> bool:
    flag = os.environ.get("PRIORSCOPE_PROGRESS")
    if flag is not None and flag.strip():
        value = flag.strip().lower()
        if value not in _ON + _OFF:
            raise ValueError(f"PRIORSCOPE_PROGRESS must be one of {_ON + _OFF}, got {flag!r}")
        return value in _ON
    return not os.environ.get("CI")


def progress[T](iterable: Iterable[T], total: int | None = None, desc: str | None = None) -> Iterator[T] | Iterable[T]:
    """Wrap a long loop in a progress bar (a widget in JupyterLab, text in a terminal, nothing in CI)."""
    if not _progress_enabled():
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, file=sys.stdout, leave=False)


def _dir_from_env(var: str) -> Path | None:
    value = os.environ.get(var)
    if not value:
        return None
    path = Path(value)
    path.mkdir(parents=True, exist_ok=True)
    return path


def claims_dir() -> Path | None:
    """Directory where claims are written as JSON (``PRIORSCOPE_CLAIMS_DIR``), or None."""
    return _dir_from_env("PRIORSCOPE_CLAIMS_DIR")


def panels_dir() -> Path | None:
    """Directory where panel sweep reports are written (``PRIORSCOPE_PANELS_DIR``), or None."""
    return _dir_from_env("PRIORSCOPE_PANELS_DIR")


PANEL_OUTPUTS = ("live", "replay")


def panel_output() -> str:
    """How a displayed panel appears (``PRIORSCOPE_PANELS``): ``live`` (the widget) or ``replay`` (static page)."""
    value = os.environ.get("PRIORSCOPE_PANELS", "live").strip().lower() or "live"
    if value not in PANEL_OUTPUTS:
        raise ValueError(f"PRIORSCOPE_PANELS must be one of {PANEL_OUTPUTS}, got {value!r}")
    return value
