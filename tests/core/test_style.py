"""priorscope.viz.style.figure_fit: the check behind "every figure fits a 900-px output area"."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from priorscope.viz import style  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_a_constrained_figure_of_nine_inches_fits():
    fig, ax = plt.subplots(figsize=(9, 3), layout="constrained")
    ax.plot([0, 1e6], [0, 1], label="a line")
    ax.set(xlabel="x", ylabel="y", title="title")
    ax.legend()
    fit = style.figure_fit(fig)
    assert fit.fits and fit.width_px == 900 and fit.overflow_px == (0.0, 0.0, 0.0, 0.0)


def test_too_wide_and_clipped_figures_are_caught():
    wide = plt.figure(figsize=(11, 3), layout="constrained")
    assert not style.figure_fit(wide).fits and style.figure_fit(wide).width_px == 1100
    fig, ax = plt.subplots(figsize=(6, 3), layout="none")
    ax.plot([1, 2], label="a long legend entry")
    ax.set(xlabel="x label")
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))  # legend outside the right edge
    fit = style.figure_fit(fig)
    left, bottom, right, top = fit.overflow_px
    assert not fit.fits and right > 50 and fit.shown_width_px > fit.width_px


def test_the_suite_style_lays_figures_out_by_default():
    style.use()
    fig, ax = plt.subplots()  # no layout given: the suite's rcParams make it constrained
    ax.set(xlabel="x", ylabel="y", title="t")
    assert style.figure_fit(fig).fits


def test_bad_input():
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        style.figure_fit("not a figure")
    with pytest.raises(ValueError, match="max_width_px must be > 0"):
        style.figure_fit(plt.figure(), max_width_px=0)
