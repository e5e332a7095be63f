"""Panel controls: what a slider means to the compute function (traced or static, bucketed or not).

Each control turns a widget value into the argument the panel's pure ``compute`` receives:

* :class:`FloatSlider` → a traced float array (moving it never recompiles);
* :class:`IntSlider` with ``buckets`` → a static Python int, snapped *up* to the nearest bucket, so a size slider
  compiles at most ``len(buckets)`` times; without buckets → a traced int32 array (use it for indices, not shapes);
* :class:`Choice` → a static string, or with ``traced=True`` a traced int32 index (use ``lax.switch``);
  :class:`Toggle` → a static bool.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import jax.numpy as jnp
import numpy as np

__all__ = ["Control", "FloatSlider", "IntSlider", "Choice", "Toggle"]


class Control:
    """Base class: a control knows its default, its range, whether it is static, and how to make its widget."""

    value: Any
    description: str | None
    static: bool = False

    def coerce(self, name: str, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_arg(self, value: Any) -> Any:
        """The argument handed to ``compute``."""
        return value

    def static_values(self) -> list[Any]:
        """Every value a static control can take (what warm-up compiles); empty for traced controls."""
        return []

    def sweep_values(self) -> list[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def random_value(self, rng: np.random.Generator) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def widget(self, name: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got bool {value!r}")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    return out


@dataclass(frozen=True)
class FloatSlider(Control):
    """A continuous knob, passed to ``compute`` as a traced float array.

    Args:
        min, max: the range (inclusive); ``log=True`` needs ``min > 0`` and gives a logarithmic slider.
        value: the default.
        step: slider resolution (defaults to 1/200 of the range, or of the log-range).
        description: the label shown next to the slider (defaults to the parameter name).
    """

    min: float
    max: float
    value: float
    log: bool = False
    step: float | None = None
    description: str | None = None
    static: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        lo, hi, v = _real("min", self.min), _real("max", self.max), _real("value", self.value)
        if not lo < hi:
            raise ValueError(f"FloatSlider needs min < max, got min={lo}, max={hi}")
        if self.log and lo <= 0:
            raise ValueError(f"FloatSlider(log=True) needs min > 0, got min={lo}")
        if not lo <= v <= hi:
            raise ValueError(f"FloatSlider value must lie in [{lo}, {hi}], got {v}")
        if self.step is not None:
            step = _real("step", self.step)
            if not 0 < step <= hi - lo:
                raise ValueError(f"FloatSlider step must be > 0 and <= max - min = {hi - lo}, got {step}")
        if not isinstance(self.log, bool):
            raise TypeError(f"FloatSlider log must be a bool, got {type(self.log).__name__} {self.log!r}")

    def coerce(self, name: str, value: Any) -> float:
        v = _real(name, value)
        if not self.min <= v <= self.max:
            raise ValueError(f"{name} must lie in [{self.min}, {self.max}], got {v}")
        return v

    def to_arg(self, value: float) -> Any:
        return jnp.asarray(value, dtype=jnp.result_type(float))

    def sweep_values(self) -> list[float]:
        mid = math.sqrt(self.min * self.max) if self.log else 0.5 * (self.min + self.max)
        return [self.min, mid, self.max]

    def random_value(self, rng: np.random.Generator) -> float:
        if self.log:
            return float(np.exp(rng.uniform(np.log(self.min), np.log(self.max))))
        return float(rng.uniform(self.min, self.max))

    def widget(self, name: str) -> Any:
        import ipywidgets as w

        common = dict(
            description=self.description or name,
            continuous_update=True,
            readout=True,
            style={"description_width": "initial"},
            layout=w.Layout(width="320px"),
        )
        if self.log:
            lo, hi = math.log10(self.min), math.log10(self.max)
            return w.FloatLogSlider(
                value=self.value,
                base=10,
                min=lo,
                max=hi,
                step=self.step or (hi - lo) / 200,
                readout_format=".3g",
                **common,
            )
        return w.FloatSlider(
            value=self.value,
            min=self.min,
            max=self.max,
            step=self.step or (self.max - self.min) / 200,
            readout_format=".3g",
            **common,
        )


@dataclass(frozen=True)
class IntSlider(Control):
    """An integer knob.

    With ``buckets`` (a sorted tuple of allowed values within [min, max]) the value is snapped *up* to the nearest
    bucket and passed as a static Python int: use this for sizes (samples, particles, steps), which fix array
    shapes. Without buckets the value is passed as a traced int32 array.
    """

    min: int
    max: int
    value: int
    buckets: tuple[int, ...] | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        for arg in ("min", "max", "value"):
            v = getattr(self, arg)
            if isinstance(v, bool) or not isinstance(v, int | np.integer):
                raise TypeError(f"IntSlider {arg} must be an int, got {type(v).__name__} {v!r}")
        if not self.min < self.max:
            raise ValueError(f"IntSlider needs min < max, got min={self.min}, max={self.max}")
        if self.buckets is not None:
            b = tuple(int(x) for x in self.buckets)
            if not b or list(b) != sorted(set(b)):
                raise ValueError(f"IntSlider buckets must be a non-empty increasing tuple, got {self.buckets}")
            if b[0] < self.min or b[-1] != self.max:
                raise ValueError(f"IntSlider buckets must lie in [min, max] and end at max={self.max}, got {b}")
            object.__setattr__(self, "buckets", b)
        if not self.min <= self.value <= self.max:
            raise ValueError(f"IntSlider value must lie in [{self.min}, {self.max}], got {self.value}")
        object.__setattr__(self, "value", self._snap(self.value))

    @property
    def static(self) -> bool:  # type: ignore[override]
        return self.buckets is not None

    def _snap(self, v: int) -> int:
        if self.buckets is None:
            return int(v)
        return next(b for b in self.buckets if b >= v)

    def coerce(self, name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
        if not self.min <= value <= self.max:
            raise ValueError(f"{name} must lie in [{self.min}, {self.max}], got {value}")
        return self._snap(int(value))

    def to_arg(self, value: int) -> Any:
        return int(value) if self.static else jnp.asarray(value, dtype=jnp.int32)

    def static_values(self) -> list[int]:
        return list(self.buckets) if self.buckets is not None else []

    def sweep_values(self) -> list[int]:
        if self.buckets is not None:
            b = self.buckets
            return sorted({b[0], b[len(b) // 2], b[-1]})
        return sorted({self.min, (self.min + self.max) // 2, self.max})

    def random_value(self, rng: np.random.Generator) -> int:
        if self.buckets is not None:
            return int(rng.choice(self.buckets))
        return int(rng.integers(self.min, self.max + 1))

    def widget(self, name: str) -> Any:
        import ipywidgets as w

        common = dict(
            description=self.description or name,
            continuous_update=True,
            style={"description_width": "initial"},
            layout=w.Layout(width="320px"),
        )
        if self.buckets is not None:
            return w.SelectionSlider(options=list(self.buckets), value=self.value, **common)
        return w.IntSlider(value=self.value, min=self.min, max=self.max, **common)


@dataclass(frozen=True)
class Choice(Control):
    """A categorical knob (kernel family, solver, acquisition).

    By default the option is passed to ``compute`` as a static string (one compilation per option). With
    ``traced=True`` it is passed as a traced int32 *index* into ``options``, so switching never recompiles:
    branch with ``jax.lax.switch(index, branches, ...)`` inside ``compute``.
    """

    options: tuple[str, ...]
    value: str
    description: str | None = None
    traced: bool = False

    @property
    def static(self) -> bool:  # type: ignore[override]
        return not self.traced

    def to_arg(self, value: str) -> Any:
        return jnp.asarray(self.options.index(value), dtype=jnp.int32) if self.traced else value

    def __post_init__(self) -> None:
        opts = tuple(self.options)
        if not opts or not all(isinstance(o, str) for o in opts):
            raise ValueError(f"Choice options must be a non-empty sequence of str, got {self.options!r}")
        if len(set(opts)) != len(opts):
            dupes = sorted({o for o in opts if opts.count(o) > 1})
            raise ValueError(f"Choice options must be distinct, got {dupes} more than once in {opts}")
        if not isinstance(self.traced, bool):
            raise TypeError(f"Choice traced must be a bool, got {type(self.traced).__name__} {self.traced!r}")
        object.__setattr__(self, "options", opts)
        if self.value not in opts:
            raise ValueError(f"Choice value must be one of {opts}, got {self.value!r}")

    def coerce(self, name: str, value: Any) -> str:
        if value not in self.options:
            raise ValueError(f"{name} must be one of {self.options}, got {value!r}")
        return value

    def static_values(self) -> list[str]:
        return [] if self.traced else list(self.options)

    def sweep_values(self) -> list[str]:
        return list(self.options)

    def random_value(self, rng: np.random.Generator) -> str:
        return str(rng.choice(self.options))

    def widget(self, name: str) -> Any:
        import ipywidgets as w

        label = self.description or name
        if len(self.options) <= 4 and sum(map(len, self.options)) <= 40:
            return w.ToggleButtons(
                options=list(self.options),
                value=self.value,
                description=label,
                style={"description_width": "initial", "button_width": "auto"},
            )
        return w.Dropdown(
            options=list(self.options),
            value=self.value,
            description=label,
            style={"description_width": "initial"},
        )


@dataclass(frozen=True)
class Toggle(Control):
    """An on/off knob, passed as a static bool."""

    value: bool
    description: str | None = None
    static: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.value, bool | np.bool_):
            raise TypeError(
                f"Toggle value must be a bool (True or False), got {type(self.value).__name__} {self.value!r}"
            )

    def coerce(self, name: str, value: Any) -> bool:
        if not isinstance(value, bool | np.bool_):
            raise TypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")
        return bool(value)

    def static_values(self) -> list[bool]:
        return [False, True]

    def sweep_values(self) -> list[bool]:
        return [False, True]

    def random_value(self, rng: np.random.Generator) -> bool:
        return bool(rng.integers(0, 2))

    def widget(self, name: str) -> Any:
        import ipywidgets as w

        return w.Checkbox(value=self.value, description=self.description or name, indent=False)
