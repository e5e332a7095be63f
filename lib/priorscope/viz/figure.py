"""A declarative panel figure: axes and named artists declared once in Python, data updated in Python.

A panel's ``setup(fig)`` receives a :class:`Figure` and declares a grid of axes and named artists on them; its
``draw(artists, result, params)`` updates the artists' data (``fig["post"].set_data(x, y)``) and may change
titles, labels, limits and texts. Nothing here draws: the same spec is rendered

* in the browser by one shared anywidget front end (:mod:`priorscope.viz.widget`, uPlot + canvas), with the data
  travelling as float32 buffers (:meth:`Figure.frame`);
* to PNG by matplotlib (:meth:`Figure.to_png`), for tests, documentation and front ends without widgets.

Data are kept as NumPy ``float32`` arrays on the artists (``fig["post"].data["y"]``), so results stay inspectable.
Limits that are not fixed follow the data; they are resolved here (:meth:`Axes.limits`) so both renderers agree.

Example::

    def setup(fig):
        ax, = fig.grid(1, 1)
        ax.line("post", color=COLORS[1], label="posterior")
        ax.band("ci", label="90% interval")
        ax.vline("truth", 0.7, dash=":", color="k")
        ax.set(xlabel="p", ylabel="density", xlim=(0, 1), ylim=(0, None))

    def draw(fig, r, params):
        fig["post"].set_data(r.p, r.pdf)
        fig["ci"].set_data(r.p, r.lo, r.hi)
        fig.axes[0].set(title=f"mean {float(r.mean):.3f}")
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["Figure", "Axes", "Artist", "WIDTH", "density_image"]

#: Default figure width in CSS pixels: fits JupyterLab's ~900-px output area with room for the scrollbar.
WIDTH = 860
_DASHES = {"-": None, "--": (6.0, 4.0), ":": (1.5, 3.0), "-.": (6.0, 3.0, 1.5, 3.0)}
_LOCS = (
    "upper left",
    "upper center",
    "upper right",
    "center left",
    "center",
    "center right",
    "lower left",
    "lower center",
    "lower right",
)
#: pixels per point at the figure's 100 dpi: ``size`` arguments are CSS pixels in both renderers
_PT_PER_PX = 72.0 / 100.0


def _colors() -> tuple[str, ...]:
    from priorscope.viz.style import COLORS

    return COLORS


def _f32(name: str, value: Any, ndim: int = 1) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float32)
    if arr.ndim == 0 and ndim == 1:
        arr = arr.reshape(1)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


class Artist:
    """One named artist on an :class:`Axes`: its kind, its style (fixed at setup) and its data (updated by draw).

    Attributes:
        name: unique within the figure.
        kind: one of ``line, band, scatter, stairs, bars, image, vline, hline, text``.
        style: colour, dash, width, alpha, label, … (JSON-able; fixed after setup).
        data: field name → float32 array (``x``/``y`` for a line, ``x``/``lo``/``hi`` for a band, …).
        text: the string of a ``text`` artist.
    """

    _FIELDS = {
        "line": ("x", "y"),
        "band": ("x", "lo", "hi"),
        "scatter": ("x", "y", "sizes", "values"),
        "stairs": ("values", "edges"),
        "bars": ("x", "heights", "bottom"),
        "image": ("values",),
        "vline": ("x",),
        "hline": ("y",),
        "text": ("x", "y"),
    }

    def __init__(self, axes: Axes, name: str, kind: str, style: dict[str, Any]) -> None:
        self.axes, self.name, self.kind, self.style = axes, name, kind, style
        self.data: dict[str, np.ndarray] = {f: np.zeros(0, np.float32) for f in self._FIELDS[kind]}
        self.text = ""
        self.extent: tuple[float, float, float, float] | None = None
        self.visible = True

    def set_data(self, *arrays: Any, **kwargs: Any) -> Artist:
        """Replace the data, positionally in the order of :attr:`fields` (``line.set_data(x, y)``,
        ``band.set_data(x, lo, hi)``, ``stairs.set_data(values, edges)``, ``bars.set_data(x, heights)``,
        ``image.set_data(values, extent=...)``, ``vline.set_data(xs)``, ``text.set_data(x, y)``).

        Optional per-point fields (empty = not used): ``scatter.set_data(x, y, sizes=, values=)`` (diameters in px;
        numbers coloured through the scatter's ``cmap``), ``bars.set_data(x, heights, bottom=)`` (stacking)."""
        fields = self._FIELDS[self.kind]
        if len(arrays) > len(fields):
            raise TypeError(f"{self.kind} {self.name!r}.set_data takes {fields}, got {len(arrays)} arrays")
        if self.kind == "image":
            if arrays:
                self.data["values"] = _f32(f"{self.name}.values", arrays[0], ndim=2)
            if kwargs.get("extent") is not None:
                self.extent = tuple(float(v) for v in kwargs.pop("extent"))  # type: ignore[assignment]
            if kwargs:
                raise TypeError(f"image.set_data got unexpected {sorted(kwargs)}")
            return self
        values = dict(zip(fields, arrays, strict=False)) | kwargs
        unknown = set(values) - set(fields)
        if unknown:
            raise TypeError(f"{self.kind} {self.name!r} has fields {fields}, got {sorted(unknown)}")
        for f, v in values.items():
            self.data[f] = _f32(f"{self.name}.{f}", v)
        lengths = {f: a.shape[0] for f, a in self.data.items()}
        if self.kind == "stairs":
            if lengths["edges"] and lengths["edges"] != lengths["values"] + 1:
                raise ValueError(f"stairs {self.name!r}: edges must have len(values) + 1 entries, got {lengths}")
        elif self.kind in ("scatter", "bars"):
            # the optional fields (sizes, values, bottom) may stay empty; any that are set match x
            if len({n for f, n in lengths.items() if n or f in ("x", "y", "heights")}) > 1:
                raise ValueError(f"{self.kind} {self.name!r}: arrays must have equal lengths, got {lengths}")
            if self.kind == "scatter" and lengths["values"] and self.style.get("cmap") is None:
                raise ValueError(f"scatter {self.name!r}: per-point values need a cmap= at declaration")
        elif self.kind != "text" and len(set(lengths.values())) > 1 and all(lengths.values()):
            raise ValueError(f"{self.kind} {self.name!r}: arrays must have equal lengths, got {lengths}")
        return self

    def set_text(self, text: str) -> Artist:
        """Change a ``text`` artist's string."""
        self.text = str(text)
        return self

    def set_visible(self, visible: bool) -> Artist:
        self.visible = bool(visible)
        return self

    @property
    def fields(self) -> tuple[str, ...]:
        return self._FIELDS[self.kind]

    def _extent_along(self, dim: str) -> list[np.ndarray]:
        """Values along ``dim`` ('x' or 'y') that data-following limits must contain."""
        d, k = self.data, self.kind
        if not self.visible or k == "text":
            return []
        if k == "image":
            if self.extent is None:
                return []
            e = self.extent
            return [np.array(e[:2] if dim == "x" else e[2:], np.float32)]
        if k == "vline":
            return [d["x"]] if dim == "x" else []
        if k == "hline":
            return [d["y"]] if dim == "y" else []
        if k == "band":
            return [d["x"]] if dim == "x" else [d["lo"], d["hi"]]
        if k == "stairs":
            base = [np.zeros(1, np.float32)] if self.style.get("fill") else []
            return [d["edges"]] if dim == "x" else [d["values"], *base]
        if k == "bars":
            w = float(self.style["width"]) / 2
            if dim == "x":
                return [d["x"] - w, d["x"] + w]
            if d["bottom"].size:
                return [d["bottom"], d["bottom"] + d["heights"]]
            return [d["heights"], np.zeros(1, np.float32)]
        return [d["x"]] if dim == "x" else [d["y"]]

    def __repr__(self) -> str:
        shapes = {f: a.shape for f, a in self.data.items()}
        return f"Artist({self.name!r}, {self.kind}, {shapes})"


class Axes:
    """One cell of the figure's grid; declares artists and holds titles, labels, limits and scales."""

    def __init__(self, figure: Figure, index: int, row: int, col: int) -> None:
        self.figure, self.index, self.row, self.col = figure, index, row, col
        self.artists: list[Artist] = []
        self.props: dict[str, Any] = {
            "title": "",
            "xlabel": "",
            "ylabel": "",
            "xlim": None,
            "ylim": None,
            "xscale": "linear",
            "yscale": "linear",
            "legend": None,
            "xticks": None,
            "xticklabels": None,
            "yticks": None,
            "yticklabels": None,
            "xaxis": True,
            "yaxis": True,
            "aspect": "auto",
            "legend_ncol": 1,
        }

    # ------------------------------------------------------------------ properties
    def set(self, **props: Any) -> Axes:
        """Set axes properties; any may change in ``draw``.

        Args (all optional):
            title, xlabel, ylabel: strings.
            xlim, ylim: ``None`` (follow the data), ``(lo, hi)`` fixed, or ``(lo, None)`` / ``(None, hi)``.
                A fixed ``(hi, lo)`` with ``hi > lo`` inverts the axis (e.g. ``ylim=(6.5, -0.5)`` puts row 0 on
                top); equal ends raise ``ValueError``.
            xscale, yscale: ``"linear"`` or ``"log"``.
            legend: ``None`` (no legend) or a position: ``"upper left"``, ``"upper center"``, ``"upper right"``,
                ``"center left"``, ``"center"``, ``"center right"``, ``"lower left"``, ``"lower center"``,
                ``"lower right"``; lists every artist with a label.
            legend_ncol: number of legend columns (filled top to bottom, then left to right; default 1).
            xticks, xticklabels, yticks, yticklabels: explicit tick positions and their labels (e.g. categories).
            xaxis, yaxis: ``False`` hides that axis (ticks, tick labels and its label).
            aspect: ``"auto"`` (fill the cell) or ``"equal"`` (one data unit is as long along x as along y: the
                renderer widens the shorter range about its centre to fit the plot area).
        """
        unknown = set(props) - set(self.props)
        if unknown:
            raise TypeError(f"Axes.set got unknown properties {sorted(unknown)}; allowed: {sorted(self.props)}")
        for key, value in props.items():
            if key in ("xlim", "ylim") and value is not None:
                if len(value) != 2:
                    raise ValueError(f"{key} must be None or a pair (lo, hi), got {value!r}")
                value = tuple(None if v is None else float(v) for v in value)
                if None not in value and value[0] == value[1]:
                    raise ValueError(f"{key} must have two different ends, got {value!r}")
            elif key in ("xscale", "yscale") and value not in ("linear", "log"):
                raise ValueError(f"{key} must be 'linear' or 'log', got {value!r}")
            elif key == "legend" and value is not None and value not in _LOCS:
                raise ValueError(f"legend must be None or one of {_LOCS}, got {value!r}")
            elif key in ("xticks", "yticks") and value is not None:
                value = [float(v) for v in value]
            elif key in ("xticklabels", "yticklabels") and value is not None:
                value = [str(v) for v in value]
            elif key in ("xaxis", "yaxis"):
                if not isinstance(value, bool | np.bool_):
                    raise TypeError(f"{key} must be True or False, got {value!r}")
                value = bool(value)
            elif key == "aspect" and value not in ("auto", "equal"):
                raise ValueError(f"aspect must be 'auto' or 'equal', got {value!r}")
            elif key == "legend_ncol":
                if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 1 <= value <= 6:
                    raise ValueError(f"legend_ncol must be an int in [1, 6], got {value!r}")
                value = int(value)
            elif key in ("title", "xlabel", "ylabel"):
                value = str(value)
            self.props[key] = value
        return self

    def limits(self, dim: str) -> tuple[float, float]:
        """The resolved limits along ``dim`` ('x' or 'y'): fixed ends as set, free ends from the data (y padded 5 %).

        Two fixed ends in decreasing order are kept as they are (an inverted axis)."""
        fixed = self.props[f"{dim}lim"] or (None, None)
        lo_fixed, hi_fixed = fixed
        if lo_fixed is not None and hi_fixed is not None and lo_fixed > hi_fixed:
            return float(lo_fixed), float(hi_fixed)
        log = self.props[f"{dim}scale"] == "log"
        lo, hi = fixed
        if lo is None or hi is None:
            parts = [a for art in self.artists for a in art._extent_along(dim)]
            vals = np.concatenate([p.ravel() for p in parts]) if parts else np.zeros(0, np.float32)
            vals = vals[np.isfinite(vals)]
            if log:
                vals = vals[vals > 0]
            if vals.size:
                dlo, dhi = float(vals.min()), float(vals.max())
            else:
                dlo, dhi = (1.0, 10.0) if log else (0.0, 1.0)
            if log:
                dlo, dhi = math.log10(dlo), math.log10(dhi)
            if dhi <= dlo:
                dlo, dhi = dlo - 0.5, dhi + 0.5
            pad = 0.05 * (dhi - dlo) if dim == "y" else 0.0
            dlo, dhi = dlo - pad, dhi + pad
            if log:
                dlo, dhi = 10.0**dlo, 10.0**dhi
            lo = dlo if lo is None else lo
            hi = dhi if hi is None else hi
        if hi <= lo:
            hi = lo + (abs(lo) * 1e-3 + 1e-9)
        return float(lo), float(hi)

    # ------------------------------------------------------------------ artists
    def _add(self, name: str, kind: str, style: dict[str, Any]) -> Artist:
        if not isinstance(name, str) or not name:
            raise TypeError(f"artist name must be a non-empty str, got {name!r}")
        if name in self.figure.artists:
            raise ValueError(f"artist {name!r} is already declared in this figure")
        if style.get("color") is None:
            colors = _colors()
            style["color"] = colors[len(self.artists) % len(colors)]
        if "dash" in style and style["dash"] not in _DASHES:
            raise ValueError(f"dash must be one of {list(_DASHES)}, got {style['dash']!r}")
        artist = Artist(self, name, kind, style)
        self.artists.append(artist)
        self.figure.artists[name] = artist
        return artist

    def line(
        self,
        name: str,
        x: Any = (),
        y: Any = (),
        *,
        color: str | None = None,
        width: float = 1.5,
        dash: str = "-",
        alpha: float = 1.0,
        marker: bool = False,
        label: str | None = None,
        marker_size: float = 6.0,
    ) -> Artist:
        """A polyline (``marker=True`` also draws a dot of diameter ``marker_size`` px at each point).
        Data: ``set_data(x, y)``."""
        style = dict(color=color, width=width, dash=dash, alpha=alpha, marker=marker, label=label)
        style["marker_size"] = float(marker_size)
        return self._add(name, "line", style).set_data(x, y)

    def band(
        self,
        name: str,
        x: Any = (),
        lo: Any = (),
        hi: Any = (),
        *,
        color: str | None = None,
        alpha: float = 0.25,
        label: str | None = None,
    ) -> Artist:
        """A filled region between ``lo`` and ``hi`` (matplotlib's ``fill_between``). Data: ``set_data(x, lo, hi)``."""
        return self._add(name, "band", dict(color=color, alpha=alpha, label=label)).set_data(x, lo, hi)

    def scatter(
        self,
        name: str,
        x: Any = (),
        y: Any = (),
        *,
        color: str | None = None,
        size: float = 4.0,
        alpha: float = 0.7,
        label: str | None = None,
        sizes: Any = (),
        values: Any = (),
        cmap: str | None = None,
        vmin: float | None = None,
        vmax: float | None = None,
    ) -> Artist:
        """Points of diameter ``size`` CSS px (the same in the browser and in the PNG at 100 dpi).

        Optional per-point arrays: ``sizes`` (diameters in px) and ``values`` (numbers coloured through ``cmap``,
        a matplotlib colormap name, between ``vmin`` and ``vmax``, fixed or from the data); update them with
        ``set_data(x, y, sizes=, values=)``. For more than a few thousand points use :func:`density_image`."""
        if cmap is not None:
            import matplotlib

            matplotlib.colormaps[cmap]  # raises a clear error for an unknown name
        style = dict(color=color, size=size, alpha=alpha, label=label, cmap=cmap, vmin=vmin, vmax=vmax)
        return self._add(name, "scatter", style).set_data(x, y, sizes=sizes, values=values)

    def stairs(
        self,
        name: str,
        values: Any = (),
        edges: Any = (),
        *,
        color: str | None = None,
        fill: bool = True,
        alpha: float = 0.35,
        width: float = 1.0,
        label: str | None = None,
    ) -> Artist:
        """A histogram: ``values[i]`` between ``edges[i]`` and ``edges[i+1]``. Data: ``set_data(values, edges)``."""
        style = dict(color=color, fill=fill, alpha=alpha, width=width, label=label)
        return self._add(name, "stairs", style).set_data(values, edges)

    def bars(
        self,
        name: str,
        x: Any = (),
        heights: Any = (),
        *,
        width: float = 0.8,
        color: str | None = None,
        alpha: float = 0.8,
        label: str | None = None,
        bottom: Any = (),
    ) -> Artist:
        """Bars of data-unit ``width`` centred at ``x``, from ``bottom`` (default 0; an array stacks bars on
        others) to ``bottom + heights``. Name categories with ``Axes.set(xticks=, xticklabels=)``.
        Data: ``set_data(x, heights, bottom=)``."""
        style = dict(color=color, width=width, alpha=alpha, label=label)
        return self._add(name, "bars", style).set_data(x, heights, bottom=bottom)

    def image(
        self,
        name: str,
        values: Any = None,
        extent: Sequence[float] = (0.0, 1.0, 0.0, 1.0),
        *,
        cmap: str = "viridis",
        vmin: float | None = None,
        vmax: float | None = None,
        label: str | None = None,
    ) -> Artist:
        """A density image / heatmap: ``values[i, j]`` is the cell at row ``i`` from the *bottom* (y) and column
        ``j`` (x), spanning ``extent = (x0, x1, y0, y1)``; colours from a matplotlib colormap; ``vmin``/``vmax``
        fixed or (``None``) from the data."""
        import matplotlib

        matplotlib.colormaps[cmap]  # raises a clear error for an unknown name
        art = self._add(name, "image", dict(cmap=cmap, vmin=vmin, vmax=vmax, label=label, color="#000000"))
        art.extent = tuple(float(v) for v in extent)  # type: ignore[assignment]
        if values is not None:
            art.set_data(values)
        else:
            art.data["values"] = np.zeros((0, 0), np.float32)
        return art

    def vline(
        self,
        name: str,
        x: Any = (),
        *,
        color: str | None = "#000000",
        width: float = 1.0,
        dash: str = "--",
        alpha: float = 1.0,
        label: str | None = None,
    ) -> Artist:
        """Vertical marker lines at each position of ``x`` (a number or an array). Data: ``set_data(xs)``."""
        return self._add(name, "vline", dict(color=color, width=width, dash=dash, alpha=alpha, label=label)).set_data(x)

    def hline(
        self,
        name: str,
        y: Any = (),
        *,
        color: str | None = "#000000",
        width: float = 1.0,
        dash: str = "--",
        alpha: float = 1.0,
        label: str | None = None,
    ) -> Artist:
        """Horizontal marker lines at each position of ``y``. Data: ``set_data(ys)``."""
        return self._add(name, "hline", dict(color=color, width=width, dash=dash, alpha=alpha, label=label)).set_data(y)

    def text(
        self,
        name: str,
        text: str = "",
        x: float = 0.02,
        y: float = 0.95,
        *,
        coords: str = "axes",
        color: str | None = "#000000",
        size: float = 10.0,
        align: str = "left",
    ) -> Artist:
        """A string at ``(x, y)`` in axes fractions (``coords="axes"``, 0–1 from the lower left) or data units
        (``coords="data"``). Change it with ``set_text``; move it with ``set_data(x, y)``."""
        if coords not in ("axes", "data"):
            raise ValueError(f"coords must be 'axes' or 'data', got {coords!r}")
        if align not in ("left", "center", "right"):
            raise ValueError(f"align must be 'left', 'center' or 'right', got {align!r}")
        style = dict(coords=coords, color=color, size=size, align=align, label=None)
        return self._add(name, "text", style).set_data(x, y).set_text(text)

    def __repr__(self) -> str:
        return f"Axes({self.row}, {self.col}, artists={[a.name for a in self.artists]})"


class Figure:
    """The declarative figure a panel's ``setup`` fills: a grid of :class:`Axes` and named :class:`Artist` s.

    Args:
        width: total width in CSS pixels (≤ 900 so it fits an output area; default :data:`WIDTH`).
        row_height: height of each grid row in pixels (default 250).
    """

    def __init__(self, width: int = WIDTH, row_height: int = 250) -> None:
        if not 200 <= width <= 900:
            raise ValueError(f"width must lie in [200, 900] px, got {width}")
        self.width, self.row_height = int(width), int(row_height)
        self.rows, self.cols = 0, 0
        self.width_ratios: list[float] = []
        self.axes: list[Axes] = []
        self.artists: dict[str, Artist] = {}

    def grid(
        self,
        rows: int = 1,
        cols: int = 1,
        *,
        width_ratios: Sequence[float] | None = None,
        row_height: int | None = None,
    ) -> list[Axes]:
        """Declare the axes: ``rows × cols`` cells, returned flat in row-major order. Use rows rather than one
        wide strip: at most 3 columns fit the 900-px width with readable labels."""
        if self.axes:
            raise ValueError("grid() may be called once per figure")
        if not (1 <= rows <= 4 and 1 <= cols <= 4):
            raise ValueError(f"grid must have 1–4 rows and 1–4 columns, got {rows}×{cols}")
        if width_ratios is not None and len(width_ratios) != cols:
            raise ValueError(f"width_ratios must have {cols} entries, got {len(width_ratios)}")
        self.rows, self.cols = rows, cols
        self.width_ratios = [float(w) for w in (width_ratios or [1.0] * cols)]
        if row_height is not None:
            self.row_height = int(row_height)
        self.axes = [Axes(self, r * cols + c, r, c) for r in range(rows) for c in range(cols)]
        return list(self.axes)

    def __getitem__(self, name: str) -> Artist:
        try:
            return self.artists[name]
        except KeyError:
            raise KeyError(f"no artist {name!r}; declared: {list(self.artists)}") from None

    @property
    def height(self) -> int:
        return max(self.rows, 1) * self.row_height

    # Panels written for the old matplotlib path call these on the figure they receive.
    def add_subplot(self, *args: Any, **kwargs: Any) -> Any:
        raise LegacySetup

    subplots = add_subplot
    add_axes = add_subplot

    # ------------------------------------------------------------------ serialisation for the front end
    def spec(self) -> dict[str, Any]:
        """The static part (layout, artist kinds and styles, colormap tables), JSON-able; sent once."""
        import matplotlib

        cmaps = {}
        for art in self.artists.values():
            if art.kind in ("image", "scatter") and art.style.get("cmap"):
                lut = matplotlib.colormaps[art.style["cmap"]](np.linspace(0, 1, 256))[:, :3]
                cmaps[art.style["cmap"]] = [int(v) for v in (255 * lut).round().astype(np.uint8).ravel()]
        return {
            "width": self.width,
            "row_height": self.row_height,
            "rows": self.rows,
            "cols": self.cols,
            "width_ratios": self.width_ratios,
            "axes": [{"row": ax.row, "col": ax.col} for ax in self.axes],
            "artists": [
                {"name": a.name, "kind": a.kind, "axes": a.axes.index, **_jsonable_style(a.style)}
                for a in self.artists.values()
            ],
            "cmaps": cmaps,
        }

    def frame(self) -> dict[str, Any]:
        """The changing part: resolved axes properties and limits, artists' data as float32 ``memoryview`` s
        (ipywidgets sends those as binary buffers), image colour limits and texts."""
        axes = []
        for ax in self.axes:
            p = dict(ax.props)
            p["xlim"], p["ylim"] = ax.limits("x"), ax.limits("y")
            axes.append(p)
        artists = {}
        for a in self.artists.values():
            entry: dict[str, Any] = {"visible": a.visible}
            if a.kind == "image":
                v = a.data["values"]
                entry["shape"] = list(v.shape)
                entry["values"] = memoryview(v.ravel())
                entry["extent"] = list(a.extent or (0, 1, 0, 1))
                entry["clim"] = list(_clim(a))
            else:
                for f, arr in a.data.items():
                    entry[f] = memoryview(arr)
                if a.kind == "scatter" and a.data["values"].size:
                    entry["clim"] = list(_clim(a, "values"))
            if a.kind == "text":
                entry["text"] = a.text
            artists[a.name] = entry
        return {"axes": axes, "artists": artists}

    def nbytes(self) -> int:
        """Bytes of array data one frame sends."""
        return sum(arr.nbytes for a in self.artists.values() for arr in a.data.values())

    # ------------------------------------------------------------------ matplotlib
    def to_matplotlib(self, dpi: float = 100.0) -> Any:
        """A new matplotlib figure of the current state (no pyplot, no backend: works everywhere)."""
        from priorscope.viz._mpl import render

        return render(self, dpi=dpi)

    def to_png(self, path: Any = None, dpi: float = 100.0) -> bytes:
        """PNG bytes of the current state (also written to ``path`` when given); ``width`` px wide at ``dpi=100``."""
        fig = self.to_matplotlib(dpi=dpi)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        data = buf.getvalue()
        if path is not None:
            from pathlib import Path

            Path(path).write_bytes(data)
        return data

    def __repr__(self) -> str:
        return f"Figure({self.rows}×{self.cols}, artists={list(self.artists)})"


class LegacySetup(Exception):
    """Raised when a panel's ``setup`` calls matplotlib methods (``add_subplot``/``subplots``) on the figure: the
    panel is then drawn the old way (matplotlib) until it is ported."""


def _clim(a: Artist, field: str = "values") -> tuple[float, float]:
    v = a.data[field]
    finite = v[np.isfinite(v)] if v.size else v
    lo = a.style["vmin"] if a.style["vmin"] is not None else (float(finite.min()) if finite.size else 0.0)
    hi = a.style["vmax"] if a.style["vmax"] is not None else (float(finite.max()) if finite.size else 1.0)
    if hi <= lo:
        hi = lo + 1e-9
    return float(lo), float(hi)


def _jsonable_style(style: dict[str, Any]) -> dict[str, Any]:
    out = dict(style)
    if "dash" in out:
        dash = _DASHES[out["dash"]]
        out["dash"] = list(dash) if dash else None
    return out


def density_image(
    points: Any,
    extent: Sequence[float],
    bins: int | tuple[int, int] = 64,
    weights: Any = None,
) -> Any:
    """Bin a 2-D point cloud into a density image on the device (JAX), so a 10⁶-point cloud travels as KBs.

    Args:
        points: ``(n, 2)`` array of (x, y).
        extent: ``(x0, x1, y0, y1)``; points outside are dropped.
        bins: number of cells per axis (an int or ``(nx, ny)``).
        weights: optional ``(n,)`` non-negative weights (e.g. normalised importance weights).

    Returns:
        a ``(ny, nx)`` JAX float32 array of densities (integrates to the in-range weight fraction over the
        extent), row 0 at the bottom — pass it to ``image.set_data(values, extent=extent)``. Jittable.
    """
    import jax.numpy as jnp

    nx, ny = (bins, bins) if isinstance(bins, int) else bins
    if len(extent) != 4:
        raise ValueError(f"extent must be (x0, x1, y0, y1), got {extent!r}")
    x0, x1, y0, y1 = (float(e) for e in extent)
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"extent must have x1 > x0 and y1 > y0, got {extent!r}")
    pts = jnp.asarray(points)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {pts.shape}")
    w = jnp.ones(pts.shape[0], jnp.float32) if weights is None else jnp.asarray(weights, jnp.float32)
    ix = jnp.floor((pts[:, 0] - x0) / (x1 - x0) * nx).astype(jnp.int32)
    iy = jnp.floor((pts[:, 1] - y0) / (y1 - y0) * ny).astype(jnp.int32)
    inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
    flat = jnp.where(inside, iy * nx + ix, nx * ny)
    counts = jnp.zeros(nx * ny + 1, jnp.float32).at[flat].add(w)[: nx * ny]
    cell = (x1 - x0) / nx * (y1 - y0) / ny
    return (counts / (jnp.sum(w) * cell)).reshape(ny, nx)
