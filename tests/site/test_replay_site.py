"""A panel's website form (``PRIORSCOPE_PANELS=replay``): its bundle within the stated budget, no widget, and one
shared classic script (no ES module, so pages work from disk) that replays every panel of a page."""

from __future__ import annotations

import json
import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

from priorscope.viz import registry, replay
from priorscope.viz.bayes import make_beta_binomial_panel


@pytest.fixture(autouse=True)
def _clean():
    registry.clear()
    yield
    registry.clear()


def test_replay_mode_displays_the_bundle_within_the_site_budget_and_no_widget(monkeypatch, capsys):
    monkeypatch.setenv("PRIORSCOPE_PANELS", "replay")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    InteractiveShell.instance()
    panel = make_beta_binomial_panel("test.site")
    panel.show()
    assert len(shown) == 1 and panel._box is None, "replay mode must not build the widget"
    html = shown[0].data
    data = re.search(r'<script type="application/json" id="(ps-[0-9a-f]+)">(.*?)</script>', html, re.S)
    assert data and f'data-bundle="{data.group(1)}"' in html
    bundle = json.loads(data.group(2).replace("<\\/", "</"))
    assert replay.bundle_size(bundle) <= replay.SITE_BUDGET_BYTES
    assert 1 < len(bundle["states"]) <= replay.SITE_MAX_STATES
    defaults = bundle["states"][0]["params"]
    for name, control in bundle["controls"].items():  # every control has a state with only it moved
        others = [v for v in control["values"] if v != control["default"]]
        assert any(s["params"] == {**defaults, name: others[0]} for s in bundle["states"]), name
    assert "computed live" in html and "<script>" not in html and 'type="module"' not in html


def test_site_script_is_one_classic_script_that_defines_the_replay():
    js = replay.site_script()
    assert not re.search(r"^\s*(export|import)\s", js, re.M), "a classic script may not use module syntax"
    assert "window.priorscopeReplay = replay" in js and ".priorscope-replay[data-bundle]" in js
    assert "fetch(" not in js and "import(" not in js and "XMLHttpRequest" not in js  # it loads nothing
