"""The panel contract: traced floats never recompile, sizes snap to buckets, sweeps stay finite, events coalesce."""

import asyncio

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.viz import Choice, FloatSlider, IntSlider, Panel, Toggle, registry

TRACES = []


def _compute(key, scale, n, kind, flip):
    TRACES.append((n, kind, flip))  # runs only while tracing: counts compilations
    x = jnp.linspace(0.0, 1.0, n)
    y = scale * (x if kind == "line" else x**2)
    return -y if flip else y


def _setup(fig):
    (ax,) = fig.grid(1, 1)
    return ax.line("y")


def _draw(line, y, params):
    line.set_data(np.arange(y.shape[0]), y)


def make_panel(name="test.panel"):
    def compute(key, **params):  # a fresh function per panel, so jit's trace cache starts empty
        return _compute(key, **params)

    return Panel(
        name,
        compute,
        {
            "scale": FloatSlider(0.0, 2.0, 1.0),
            "n": IntSlider(1, 64, 8, buckets=(8, 16, 64)),
            "kind": Choice(("line", "square"), "line"),
            "flip": Toggle(False),
        },
        _setup,
        _draw,
    )


@pytest.fixture(autouse=True)
def _clean():
    TRACES.clear()
    registry.clear()
    yield
    registry.clear()


def test_floats_are_traced_and_never_recompile():
    panel = make_panel()
    for scale in np.linspace(0.0, 2.0, 7):
        panel.set(scale=float(scale))
    assert len(TRACES) == 1
    assert np.allclose(panel.result, 2.0 * np.linspace(0, 1, 8))


def test_sizes_snap_up_to_buckets_and_compile_once_each():
    panel = make_panel()
    assert panel.set(n=9).shape == (16,)
    assert panel.set(n=16).shape == (16,)
    assert panel.set(n=2).shape == (8,)
    assert panel.params["n"] == 8
    assert sorted(t[0] for t in TRACES) == [8, 16]


def test_bad_values_name_the_control_and_range():
    panel = make_panel()
    with pytest.raises(ValueError, match=r"scale must lie in \[0.0, 2.0\], got 3.0"):
        panel.set(scale=3.0)
    with pytest.raises(ValueError, match=r"n must lie in \[1, 64\], got 100"):
        panel.set(n=100)
    with pytest.raises(TypeError, match="n must be an int, got float 2.5"):
        panel.set(n=2.5)
    with pytest.raises(ValueError, match="kind must be one of"):
        panel.set(kind="cubic")
    with pytest.raises(ValueError, match=r"has no control\(s\) \['nope'\]"):
        panel.set(nope=1)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: FloatSlider(1.0, 0.0, 0.5), "min < max"),
        (lambda: FloatSlider(0.0, 1.0, 2.0), r"value must lie in \[0.0, 1.0\]"),
        (lambda: FloatSlider(0.0, 1.0, 0.5, log=True), "log=True\\) needs min > 0"),
        (lambda: IntSlider(1, 10, 5, buckets=(4, 2, 10)), "increasing"),
        (lambda: IntSlider(1, 10, 5, buckets=(2, 4)), "end at max=10"),
        (lambda: Choice(("a", "b"), "c"), "one of"),
    ],
)
def test_controls_validate_their_definition(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_sweep_drives_every_control_and_reports_finiteness():
    panel = make_panel()
    rows = panel.sweep()
    assert {r["control"] for r in rows} == {"scale", "n", "kind", "flip"}
    assert all(r["finite"] and r["error"] is None for r in rows)
    assert panel.params == {"scale": 1.0, "n": 8, "kind": "line", "flip": False}


def test_sweep_reports_nonfinite_output():
    panel = Panel("test.nan", lambda key, a: jnp.log(a) * jnp.ones(3), {"a": FloatSlider(0.0, 1.0, 0.5)}, _setup, _draw)
    rows = panel.sweep()
    assert [r["finite"] for r in rows] == [False, True, True]


def test_registry_enumerates_panels_and_benchmarks_them():
    make_panel("test.a")
    make_panel("test.b")
    assert [p.name for p in registry.panels()] == ["test.a", "test.b"]
    report = registry.benchmark_all(num_updates=5)
    assert [r["panel"] for r in report] == ["test.a", "test.b"]
    assert all(r["p50_ms"] > 0 for r in report)


def test_warmup_compiles_every_static_combination():
    panel = make_panel()
    panel.warmup()
    assert len(set(TRACES)) == 3 * 2 * 2
    before = len(TRACES)
    panel.set(n=64, kind="square", flip=True)
    assert len(TRACES) == before


def test_rapid_events_coalesce_latest_value_wins():
    panel = make_panel()
    panel.set()
    calls = []
    original = panel.set

    def counting_set(**changes):
        calls.append(changes)
        return original(**changes)

    panel.set = counting_set

    async def burst():
        for scale in (0.1, 0.2, 0.3, 0.4, 0.5):
            panel.request(scale=scale)  # five slider events arrive before the loop runs the update
        await asyncio.sleep(0.05)

    asyncio.run(burst())
    assert calls == [{"scale": 0.5}]
    assert np.isclose(float(panel.result[-1]), 0.5)


def test_widget_builds_and_slider_moves_update_the_figure():
    panel = make_panel()
    box = panel.widget()
    assert "priorscope-panel" in box._dom_classes
    line = panel.artists
    panel._widgets["scale"].value = 2.0  # no event loop here: the update runs at once
    assert np.isclose(line.data["y"][-1], 2.0) and line.data["y"].dtype == np.float32
    assert panel.fig is not None and len(panel.latencies) >= 2


def test_panel_key_is_fixed_until_reseed():
    def noisy(key, s):
        return s * jax.random.normal(key, (4,))

    panel = Panel("test.noise", noisy, {"s": FloatSlider(0.5, 2.0, 1.0)}, _setup, _draw, seed=3)
    a = panel.set(s=1.0)
    b = panel.set(s=1.0)
    c = panel.reseed()
    assert np.allclose(a, b) and not np.allclose(a, c)


def test_traced_choice_passes_an_index_and_never_recompiles():
    traces = []

    def compute(key, kind):
        traces.append(1)
        return jax.lax.switch(kind, [lambda: jnp.zeros(2), lambda: jnp.ones(2), lambda: 2 * jnp.ones(2)])

    panel = Panel("test.choice", compute, {"kind": Choice(("a", "b", "c"), "a", traced=True)}, _setup, _draw)
    assert np.allclose(panel.set(kind="c"), 2.0) and np.allclose(panel.set(kind="b"), 1.0)
    assert len(traces) == 1
    with pytest.raises(ValueError, match="kind must be one of"):
        panel.set(kind="d")


# ---------------------------------------------------------------------- the declarative figure and its renderers
def _full_figure():
    from priorscope.viz.figure import Figure

    fig = Figure()
    a, b, c, d = fig.grid(2, 2)
    a.line("line", [0, 1, 2], [0, 1, 4], label="a line")
    a.band("band", [0, 1, 2], [-1, 0, 1], [1, 2, 5], label="a band")
    a.vline("v", [0.5, 1.5], label="markers")
    a.hline("h", 2.0)
    a.set(title="a rather long title that must stay inside the canvas", xlabel="x", ylabel="y", legend="upper left")
    b.scatter("pts", [1, 2, 3], [3, 1, 2])
    b.text("note", "a note", 0.05, 0.9)
    b.set(xscale="log", ylim=(0, None))
    c.stairs("hist", [1, 3, 2], [0, 1, 2, 3])
    c.bars("bars", [4, 5], [2, 1], width=0.5)
    c.set(xticks=[4, 5], xticklabels=["A", "B"], xlabel="category")
    d.image("img", np.arange(12.0).reshape(3, 4), extent=(0, 4, 0, 3), cmap="magma")
    d.set(title="image", ylabel="a y label")
    return fig


def test_figure_keeps_float32_data_and_resolves_limits():
    fig = _full_figure()
    assert fig["line"].data["y"].dtype == np.float32
    ax = fig.axes[0]
    assert ax.limits("x") == (0.0, 2.0)  # x follows the data without padding
    lo, hi = ax.limits("y")
    assert lo < -1 and hi > 5  # y follows the data with 5 % padding
    assert fig.axes[1].limits("y")[0] == 0.0  # a fixed end stays
    assert fig.axes[2].limits("y")[0] <= 0.0  # bars and filled stairs include their baseline
    frame = fig.frame()
    assert frame["axes"][0]["title"].startswith("a rather")
    assert bytes(frame["artists"]["line"]["y"]) == np.float32([0, 1, 4]).tobytes()
    assert frame["artists"]["img"]["shape"] == [3, 4] and frame["artists"]["img"]["clim"] == [0.0, 11.0]
    spec = fig.spec()
    assert [a["name"] for a in spec["artists"]][:3] == ["line", "band", "v"] and "magma" in spec["cmaps"]


def test_figure_rejects_bad_declarations():
    from priorscope.viz.figure import Figure

    fig = Figure()
    (ax,) = fig.grid(1, 1)
    ax.line("a")
    with pytest.raises(ValueError, match="already declared"):
        ax.line("a")
    with pytest.raises(ValueError, match="equal lengths"):
        fig["a"].set_data([0, 1], [0, 1, 2])
    with pytest.raises(ValueError, match="xscale must be 'linear' or 'log'"):
        ax.set(xscale="symlog")
    with pytest.raises(TypeError, match="unknown properties"):
        ax.set(colour="red")
    with pytest.raises(ValueError, match="width must lie in"):
        Figure(width=1200)
    with pytest.raises(KeyError, match="no artist 'b'"):
        fig["b"]


def test_png_fits_900_px_with_nothing_clipped():
    fig = _full_figure()
    mfig = fig.to_matplotlib()
    mfig.canvas.draw()
    assert mfig.bbox.width <= 900
    tight = mfig.get_tightbbox(mfig.canvas.get_renderer())
    box = mfig.bbox_inches
    assert tight.x0 >= box.x0 - 1e-3 and tight.y0 >= box.y0 - 1e-3
    assert tight.x1 <= box.x1 + 1e-3 and tight.y1 <= box.y1 + 1e-3
    png = fig.to_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_panel_exports_png_at_any_state(tmp_path):
    panel = make_panel()
    a = panel.to_png(tmp_path / "a.png", scale=0.5)
    b = panel.to_png(scale=2.0)
    assert (tmp_path / "a.png").read_bytes() == a and a != b
    assert panel.params["scale"] == 2.0


def test_legacy_matplotlib_setup_still_works():
    def setup(fig):
        return fig.add_subplot().plot([], [])[0]

    def draw(line, y, params):
        line.set_data(np.arange(y.shape[0]), y)

    panel = Panel("test.legacy", lambda key, s: s * jnp.ones(3), {"s": FloatSlider(0.0, 1.0, 0.5)}, setup, draw)
    panel.ensure_figure()
    assert panel.legacy
    panel.set(s=1.0)
    assert np.allclose(panel.artists.get_ydata(), 1.0)
    assert panel.to_png()[:4] == b"\x89PNG"


def test_caption_and_random_button():
    import ipywidgets as w

    panel = Panel("test.cap", lambda key, s: s * jnp.ones(3), {"s": FloatSlider(0.0, 1.0, 0.5)}, _setup, _draw,
                  caption="a flat line")  # fmt: skip
    box = panel.widget()
    buttons = [c for h in box.children if isinstance(h, w.HBox) for c in h.children if isinstance(c, w.Button)]
    assert not buttons and "a flat line" in box.children[-1].value
    random_panel = Panel("test.rnd", lambda key, s: s * jax.random.normal(key, (3,)), {"s": FloatSlider(0.0, 1.0, 0.5)},
                         _setup, _draw, random=True)  # fmt: skip
    box = random_panel.widget()
    assert any(isinstance(c, w.Button) for h in box.children if isinstance(h, w.HBox) for c in h.children)


def test_density_image_bins_points_on_the_device():
    from priorscope.viz.figure import density_image

    pts = jax.random.normal(jax.random.key(0), (100_000, 2))
    img = density_image(pts, (-4, 4, -4, 4), bins=(32, 16))
    assert img.shape == (16, 32) and img.dtype == jnp.float32
    cell = (8 / 32) * (8 / 16)
    assert abs(float(img.sum()) * cell - 1.0) < 1e-3  # almost all mass inside ±4
    counts, _, _ = np.histogram2d(np.asarray(pts[:, 1]), np.asarray(pts[:, 0]), bins=(16, 32), range=[(-4, 4), (-4, 4)])
    assert np.allclose(np.asarray(img), counts / (100_000 * cell), atol=1e-4)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        density_image(jnp.zeros((3, 3)), (0, 1, 0, 1))


def test_the_how_to_write_a_panel_example_runs():
    import re

    from suite_paths import ROOT

    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text[text.index("### How to write a panel") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "architecture.md", "exec"), namespace)
    panel = namespace["make_demo_panel"]()
    panel.ensure_figure()
    panel.set(scale=2.0, num_points=100_000)
    assert panel.fig["cloud"].data["values"].shape == (48, 48)
    assert panel.fig.nbytes() < 256_000
    assert panel.to_png()[:4] == b"\x89PNG"


def test_background_compile_covers_every_one_control_move():
    panel = make_panel()
    panel.widget()  # starts compiling the remaining static settings in a thread
    assert panel._background is not None
    panel._background.join(120)
    combos = panel.static_combinations(max_combinations=1)
    assert combos and all(panel.is_compiled(**c) for c in combos)
    before = len(TRACES)
    for combo in combos:
        panel.compute(**combo)
    assert len(TRACES) == before  # nothing left to compile when the learner moves one control
    assert panel.compile_in_background() is None


def test_precompute_bundle_stays_in_budget_and_replays_panel_set():
    from priorscope.viz import replay

    panel = make_panel()
    bundle = panel.precompute(budget_bytes=20_000, max_states=50)
    assert replay.bundle_size(bundle) <= 20_000
    states = [s["params"] for s in bundle["states"]]
    assert states[0] == {"scale": 1.0, "n": 8, "kind": "line", "flip": False}  # defaults first
    assert len({str(s) for s in states}) == len(states)  # deduplicated
    assert {"n": 64} | states[0] in states and {"flip": True} | states[0] in states  # every control moves
    assert panel.params == states[0]  # the panel is back at its defaults
    for state in (states[0], states[-1]):
        frame = replay.frame_of(bundle, **state)
        panel.set(**state)
        assert np.array_equal(frame["artists"]["y"]["y"], panel.fig["y"].data["y"])
        assert tuple(frame["axes"][0]["ylim"]) == panel.fig.axes[0].limits("y")
    small = panel.precompute(budget_bytes=3_000)
    assert replay.bundle_size(small) <= 3_000 and 1 <= len(small["states"]) < len(states)
    html = replay.bundle_html(small)
    assert "replay(document.getElementById" in html and "src=" not in html  # nothing loaded from elsewhere


def test_sweep_flags_updates_that_send_too_much():
    def setup(fig):
        (ax,) = fig.grid(1, 1)
        ax.scatter("cloud")

    def draw(fig, r, params):
        fig["cloud"].set_data(r[:, 0], r[:, 1])

    panel = Panel("test.big", lambda key, s: s * jax.random.normal(key, (40_000, 2)), {"s": FloatSlider(0.5, 1.0, 1.0)},
                  setup, draw)  # fmt: skip
    rows = panel.sweep()
    assert all(r["frame_bytes"] == 320_000 and "density_image" in r["error"] for r in rows)
