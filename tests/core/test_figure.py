"""The declarative figure's options that both renderers must agree on (issue 9 follow-ups): inverted limits, marker
sizes in CSS pixels, per-point scatter sizes and colours, stacked bars, y ticks, hidden axes, equal aspect, legend
positions and columns. The PNG side is checked here; the browser side draws from the same frame (panel.js)."""

from __future__ import annotations

import io

import numpy as np
import pytest

from priorscope.viz.figure import _LOCS, Figure


def _one_axes(**set_kwargs):
    fig = Figure(width=400, row_height=300)
    (ax,) = fig.grid(1, 1)
    if set_kwargs:
        ax.set(**set_kwargs)
    return fig, ax


def _drawn(fig):
    mfig = fig.to_matplotlib()
    mfig.canvas.draw()
    return mfig, mfig.axes


def _pixels(fig) -> np.ndarray:
    from matplotlib.image import imread

    return imread(io.BytesIO(fig.to_png()), format="png")[..., :3]


# ---------------------------------------------------------------------- inverted limits
def test_inverted_fixed_limit_is_kept_and_inverts_the_axis():
    fig, ax = _one_axes(ylim=(6.5, -0.5), xlim=(0, 3))
    ax.line("l", [0, 1, 2], [0, 3, 6])
    assert ax.limits("y") == (6.5, -0.5)
    frame = fig.frame()
    assert frame["axes"][0]["ylim"] == (6.5, -0.5)  # the browser gets the decreasing pair and runs y backwards
    _, (max_,) = _drawn(fig)
    assert max_.get_ylim() == (6.5, -0.5) and max_.yaxis_inverted() and not max_.xaxis_inverted()


def test_inverted_x_limit_and_image_rows():
    fig, ax = _one_axes(xlim=(1.0, 0.0))
    ax.image("img", np.arange(6.0).reshape(2, 3), extent=(0, 1, 0, 1))
    assert ax.limits("x") == (1.0, 0.0)
    _, (max_,) = _drawn(fig)
    assert max_.xaxis_inverted()


def test_equal_fixed_ends_are_rejected():
    _, ax = _one_axes()
    with pytest.raises(ValueError, match="ylim must have two different ends"):
        ax.set(ylim=(2.0, 2.0))


# ---------------------------------------------------------------------- marker sizes are CSS pixels
def _dot_diameter(fig) -> float:
    """Diameter (px) of the red blob in the PNG, from its area (antialiased edge pixels weighted by coverage)."""
    rgb = _pixels(fig)
    redness = np.clip((rgb[..., 0] - rgb[..., 1]), 0, 1)  # 1 inside a pure red dot, 0 on white or black
    return 2 * np.sqrt(redness.sum() / np.pi)


@pytest.mark.parametrize("size", [6.0, 12.0, 24.0])
def test_scatter_size_is_a_diameter_in_pixels(size):
    fig, ax = _one_axes(xlim=(0, 1), ylim=(0, 1))
    ax.scatter("p", [0.5], [0.5], size=size, color="#ff0000", alpha=1.0)
    assert _dot_diameter(fig) == pytest.approx(size, rel=0.1)


def test_line_markers_have_the_same_pixel_diameter_as_in_the_browser():
    fig, ax = _one_axes(xlim=(0, 1), ylim=(0, 1))
    ax.line("l", [0.5], [0.5], color="#ff0000", marker=True)  # one point: only the marker shows
    assert fig["l"].style["marker_size"] == 6.0  # panel.js draws a dot of radius marker_size / 2 px
    assert _dot_diameter(fig) == pytest.approx(6.0, rel=0.15)
    fig2, ax2 = _one_axes(xlim=(0, 1), ylim=(0, 1))
    ax2.line("l", [0.5], [0.5], color="#ff0000", marker=True, marker_size=14)
    assert _dot_diameter(fig2) == pytest.approx(14.0, rel=0.1)


# ---------------------------------------------------------------------- per-point scatter sizes and colours
def test_scatter_per_point_sizes_and_colours():
    fig, ax = _one_axes(xlim=(0, 4), ylim=(0, 4))
    art = ax.scatter("p", [1, 2, 3], [1, 2, 3], sizes=[4, 8, 16], values=[0.0, 0.5, 1.0], cmap="viridis")
    frame = fig.frame()
    entry = frame["artists"]["p"]
    assert bytes(entry["sizes"]) == np.float32([4, 8, 16]).tobytes() and entry["clim"] == [0.0, 1.0]
    assert "viridis" in fig.spec()["cmaps"]
    _, (max_,) = _drawn(fig)
    coll = max_.collections[0]
    np.testing.assert_allclose(np.sqrt(coll.get_sizes()) / 0.72, [4, 8, 16], rtol=1e-5)  # points² -> px diameter
    np.testing.assert_allclose(coll.get_array(), [0.0, 0.5, 1.0])
    # updates may change x/y alone (sizes, values stay) but not with a different length
    art.set_data([3, 2, 1], [1, 1, 1])
    with pytest.raises(ValueError, match="equal lengths"):
        art.set_data([1, 2], [1, 2])
    art.set_data([1, 2], [1, 2], sizes=[], values=[])  # back to the style's size and colour
    assert fig.frame()["artists"]["p"].get("clim") is None
    _drawn(fig)


def test_scatter_values_need_a_cmap():
    _, ax = _one_axes()
    with pytest.raises(ValueError, match="need a cmap"):
        ax.scatter("p", [1, 2], [1, 2], values=[0, 1])


# ---------------------------------------------------------------------- stacked bars
def test_bars_stack_on_a_bottom():
    fig, ax = _one_axes()
    ax.bars("a", [0, 1], [1.0, 2.0])
    ax.bars("b", [0, 1], [3.0, 1.0], bottom=[1.0, 2.0])
    lo, hi = ax.limits("y")
    assert lo <= 0.0 and 4.0 <= hi < 4.5  # the top of the stack, 5 % padding
    _, (max_,) = _drawn(fig)
    tops = sorted((r.get_y(), r.get_y() + r.get_height()) for r in max_.patches)
    assert tops == [(0.0, 1.0), (0.0, 2.0), (1.0, 4.0), (2.0, 3.0)]
    with pytest.raises(ValueError, match="equal lengths"):
        fig["b"].set_data([0, 1], [1, 1], bottom=[0, 0, 0])


# ---------------------------------------------------------------------- ticks, hidden axes, aspect, legends
def test_y_ticks_and_hidden_axes():
    fig, ax = _one_axes(yticks=[0, 1, 2], yticklabels=["low", "mid", "high"], xaxis=False)
    ax.line("l", [0, 1], [0, 2])
    _, (max_,) = _drawn(fig)
    assert [t.get_text() for t in max_.get_yticklabels()] == ["low", "mid", "high"]
    assert not max_.xaxis.get_visible() and max_.yaxis.get_visible()
    assert fig.frame()["axes"][0]["xaxis"] is False
    with pytest.raises(TypeError, match="yaxis must be True or False"):
        ax.set(yaxis="off")


def test_equal_aspect_gives_equal_units_per_pixel():
    fig, ax = _one_axes(xlim=(0, 1), ylim=(0, 1), aspect="equal")
    ax.scatter("p", [0, 1], [0, 1])
    _, (max_,) = _drawn(fig)
    box = max_.get_window_extent()
    (x0, x1), (y0, y1) = max_.get_xlim(), max_.get_ylim()
    assert (x1 - x0) / box.width == pytest.approx((y1 - y0) / box.height, rel=1e-3)
    assert min(x0, y0) <= 0.0 and max(x1, y1) >= 1.0  # widened, never cut
    with pytest.raises(ValueError, match="aspect must be 'auto' or 'equal'"):
        ax.set(aspect=2)


@pytest.mark.parametrize("loc", _LOCS)
def test_every_legend_position_renders_inside_the_canvas(loc):
    fig, ax = _one_axes(legend=loc, legend_ncol=2)
    ax.line("a", [0, 1], [0, 1], label="first")
    ax.line("b", [0, 1], [1, 0], label="second")
    ax.scatter("c", [0.5], [0.5], label="third")
    mfig, (max_,) = _drawn(fig)
    leg = max_.get_legend()
    assert leg is not None and leg._ncols == 2
    box = leg.get_window_extent()
    assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= mfig.bbox.width and box.y1 <= mfig.bbox.height


def test_bad_legend_options_are_rejected():
    _, ax = _one_axes()
    with pytest.raises(ValueError, match="legend must be None or one of"):
        ax.set(legend="best")
    with pytest.raises(ValueError, match=r"legend_ncol must be an int in \[1, 6\]"):
        ax.set(legend_ncol=0)


def test_new_options_travel_in_the_frame_and_fit_the_png():
    fig = Figure()
    a, b = fig.grid(1, 2)
    a.bars("lo", [0, 1, 2], [1, 2, 1], label="lower")
    a.bars("hi", [0, 1, 2], [1, 1, 1], bottom=[1, 2, 1], label="upper")
    a.set(legend="upper center", legend_ncol=2, yticks=[0, 2, 4], yticklabels=["0", "two", "four"])
    b.scatter("p", [0, 1], [0, 1], sizes=[5, 10], values=[0, 1], cmap="magma")
    b.set(ylim=(1.2, -0.2), aspect="equal", yaxis=False, legend="center right")
    frame = fig.frame()
    p0, p1 = frame["axes"]
    assert p0["legend_ncol"] == 2 and p0["yticklabels"] == ["0", "two", "four"]
    assert p1["aspect"] == "equal" and p1["ylim"] == (1.2, -0.2) and p1["yaxis"] is False
    mfig, _ = _drawn(fig)
    tight = mfig.get_tightbbox(mfig.canvas.get_renderer())
    box = mfig.bbox_inches
    assert tight.x0 >= box.x0 - 1e-3 and tight.x1 <= box.x1 + 1e-3
    assert tight.y0 >= box.y0 - 1e-3 and tight.y1 <= box.y1 + 1e-3
