"""Bad input to priorscope's core modules: config, claims, metrics and the panel controls."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import claims, config, metrics, viz

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
P = jnp.array([0.2, 0.8])
XY = jax.random.normal(KEY, (20, 2))


def _progress(monkeypatch_value):
    import os

    old = os.environ.get("PRIORSCOPE_PROGRESS")
    os.environ["PRIORSCOPE_PROGRESS"] = monkeypatch_value
    try:
        return list(config.progress(range(2)))
    finally:
        if old is None:
            del os.environ["PRIORSCOPE_PROGRESS"]
        else:
            os.environ["PRIORSCOPE_PROGRESS"] = old


CASES = [
    # config
    Case("enable_x64", "enabled", lambda: config.enable_x64("false")),
    Case("progress", "PRIORSCOPE_PROGRESS", lambda: _progress("maybe")),
    Case("size", "fast", lambda: config.size("x", fast=0, full=10)),
    Case("size", "name", lambda: config.size("", fast=1, full=10)),
    Case("key", "seed", lambda: config.key(-1)),
    Case("key", "seed", lambda: config.key(1.5)),
    # claims
    Case("check", "op", lambda: claims.check("t00.x", 1.0, 1.0, op="abss", tol=0.1)),
    Case("check", "tol", lambda: claims.check("t00.x", 1.0, 1.0, tol=-0.1)),
    Case("check", "claim_id", lambda: claims.check("bad id", 1.0, 1.0, tol=0.1)),
    Case("check", "measured", lambda: claims.check("t00.x", jnp.ones(3), 1.0, tol=0.1)),
    Case("not_reproduced", "claim_id", lambda: claims.not_reproduced("nope", 1.0, 2.0, "why")),
    Case("Claim", "expected", lambda: claims.check("t00.y", 1.0, "one", tol=0.1)),
    Case("records", "notebook", lambda: claims.records(3)),
    Case("table", "notebook", lambda: claims.table(3)),
    # metrics
    Case("gaussian_nll", "std", lambda: metrics.gaussian_nll(P, P, -P)),
    Case.jit("gaussian_nll", "std", lambda: jax.jit(metrics.gaussian_nll)(P, P, -P)),
    Case("coverage", "upper", lambda: metrics.coverage(P, P, jnp.ones(3))),
    Case("standardized_error", "standard_error", lambda: metrics.standardized_error(1.0, 0.0, 0.0)),
    Case("sliced_w2", "num_projections", lambda: metrics.sliced_w2(KEY, XY, XY, 0)),
    Case("sliced_w2", "y", lambda: metrics.sliced_w2(KEY, XY, jnp.ones((5, 3)))),
    Case("energy_distance", "x", lambda: metrics.energy_distance(XY.at[0, 0].set(NAN), XY)),
    Case("tv_distance", "p", lambda: metrics.tv_distance(jnp.array([0.5, 0.7]), P)),
    Case("kl_divergence", "q", lambda: metrics.kl_divergence(P, jnp.array([-0.2, 1.2]))),
    Case("mode_masses", "centers", lambda: metrics.mode_masses(XY, jnp.ones((2, 3)))),
    Case("mode_mass_tv", "target_masses", lambda: metrics.mode_mass_tv(XY, jnp.ones((2, 2)), jnp.array([0.5, 0.7]))),
    # panel controls
    Case("FloatSlider", "step", lambda: viz.FloatSlider(0.0, 1.0, 0.5, step=0)),
    Case("FloatSlider", "value", lambda: viz.FloatSlider(0.0, 1.0, 1.5)),
    Case("IntSlider", "value", lambda: viz.IntSlider(1, 10, 20)),
    Case("Choice", "options", lambda: viz.Choice(("a", "b", "a"), "a")),
    Case("Choice", "value", lambda: viz.Choice(("a", "b"), "c")),
    Case("Toggle", "value", lambda: viz.Toggle(value="yes")),
    Case("Control", "min", lambda: viz.FloatSlider(1.0, 0.0, 0.5)),
    Case("mean_se", "values", lambda: metrics.mean_se([1.0])),
    Case("mean_se", "values", lambda: metrics.mean_se([1.0, float("nan")])),
    Case("kendall_tau", "b", lambda: metrics.kendall_tau(jnp.ones(3), jnp.ones(4)), match="a and b"),
    Case("spearman", "y", lambda: metrics.spearman(jnp.zeros(3), jnp.zeros(4)), match="x and y"),
    Case("Figure", "width", lambda: viz.Figure(width=-5)),
    Case("density_image", "extent", lambda: viz.density_image(jnp.zeros((10, 2)), (1, 0, 0, 1), bins=8)),
    Case("density_image", "points", lambda: viz.density_image(jnp.zeros((10, 3)), (0, 1, 0, 1), bins=8)),
]

EXEMPT = {
    "MODES": "a constant",
    "OPS": "a constant",
    "mode": "takes no argument (PRIORSCOPE_MODE is checked at import: tests/core/test_config.py)",
    "is_fast": "takes no argument",
    "on_gpu": "takes no argument",
    "backend": "takes no argument",
    "sizes_used": "takes no argument",
    "report": "print_it is only tested for truth; any value is meaningful",
    "claims_dir": "takes no argument",
    "panels_dir": "takes no argument",
    "panel_output": "takes no argument (a bad PRIORSCOPE_PANELS is tested in tests/core/test_config.py)",
    "clear": "takes no argument",
    "ClaimFailed": "an exception class",
    "ClaimsTable": "a display wrapper built by table()",
    "Panel": "validates its name, controls and figure in the constructor; tests/core/test_panel.py covers it",
    "registry": "a module of the panel layer (its functions take panel names, checked in registry.get)",
    "style": "a module of plot styling constants",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
