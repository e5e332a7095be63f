import subprocess
import sys

import pytest

from priorscope import config


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True)


def test_size_picks_the_mode_value():
    value = config.size("test.particles", fast=10, full=1000)
    assert value == (10 if config.is_fast() else 1000)
    assert config.sizes_used()["test.particles"] == value


@pytest.mark.parametrize("mode, expected", [("fast", "10"), ("full", "1000"), ("FULL", "1000")])
def test_mode_from_environment(mode, expected):
    out = _run("from priorscope import config; print(config.size('x', fast=10, full=1000))", PRIORSCOPE_MODE=mode)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected


def test_unknown_mode_is_a_clear_error():
    out = _run("import priorscope", PRIORSCOPE_MODE="turbo")
    assert out.returncode != 0
    assert "PRIORSCOPE_MODE must be one of ('fast', 'full'), got 'turbo'" in out.stderr


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(fast=0, full=10), ValueError, "fast must be >= 1, got 0"),
        (dict(fast=10, full=-5), ValueError, "full must be >= 1, got -5"),
        (dict(fast=2.5, full=10), TypeError, "fast must be an int, got float 2.5"),
        (dict(fast=True, full=10), TypeError, "fast must be an int"),
        (dict(fast=1, full=10, gpu=0), ValueError, "gpu must be >= 1, got 0"),
    ],
)
def test_size_rejects_bad_values(kwargs, error, match):
    with pytest.raises(error, match=match):
        config.size("bad", **kwargs)


def test_key_requires_a_nonnegative_int():
    config.key(0)
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        config.key(-1)
    with pytest.raises(TypeError, match="seed must be an int"):
        config.key(1.5)


def test_report_lists_mode_backend_and_versions():
    info = config.report(print_it=False)
    for field in ("mode", "backend", "jax", "numpyro", "arviz", "x64"):
        assert field in info
    assert info["arviz"].startswith("1."), "the suite needs the ArviZ 1.x API"


def test_progress_is_silent_when_disabled(monkeypatch):
    monkeypatch.setenv("PRIORSCOPE_PROGRESS", "0")
    items = [1, 2, 3]
    assert config.progress(items) is items


def test_panel_output_is_live_unless_the_site_asks_for_replay(monkeypatch):
    monkeypatch.delenv("PRIORSCOPE_PANELS", raising=False)
    assert config.panel_output() == "live"
    monkeypatch.setenv("PRIORSCOPE_PANELS", "Replay")
    assert config.panel_output() == "replay"
    monkeypatch.setenv("PRIORSCOPE_PANELS", "static")
    with pytest.raises(ValueError, match="PRIORSCOPE_PANELS must be one of"):
        config.panel_output()
