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
    return fig.add_subplot().plot([], [])[0]


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
    assert np.isclose(line.get_ydata()[-1], 2.0)
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
