import json

import numpy as np
import pytest

from priorscope import claims


@pytest.fixture(autouse=True)
def _fresh():
    claims.clear()
    yield
    claims.clear()


@pytest.mark.parametrize(
    "measured, expected, tol, op, passes",
    [
        (1.05, 1.0, 0.1, "abs", True),
        (1.2, 1.0, 0.1, "abs", False),
        (105.0, 100.0, 0.1, "rel", True),
        (115.0, 100.0, 0.1, "rel", False),
        (0.5, 1.0, None, "<=", True),
        (1.5, 1.0, None, "<=", False),
        (2.0, 1.0, None, ">=", True),
        (0.5, 1.0, None, ">=", False),
        (float("nan"), 1.0, None, "<=", False),
    ],
)
def test_check_compares_and_records(measured, expected, tol, op, passes):
    if passes:
        claim = claims.check("t99.x", measured, expected, tol=tol, op=op)
        assert claim.passed and claim.status == "pass"
    else:
        with pytest.raises(claims.ClaimFailed, match="claim t99.x failed"):
            claims.check("t99.x", measured, expected, tol=tol, op=op)
    assert [c.id for c in claims.records()] == ["t99.x"]


def test_check_accepts_numpy_and_jax_scalars():
    import jax.numpy as jnp

    claims.check("t99.np", np.float32(1.0), jnp.asarray(1.0), tol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(claim_id="no_prefix", tol=1.0), "claim_id must look like"),
        (dict(claim_id="t99.a", op="~="), "op must be one of"),
        (dict(claim_id="t99.a", op="abs"), "tol is required for op='abs'"),
        (dict(claim_id="t99.a", tol=-1.0), "tol must be a finite number > 0, got -1.0"),
        (dict(claim_id="t99.a", tol=0.1, op="<="), "tol must be None for op='<='"),
    ],
)
def test_check_rejects_malformed_claims(kwargs, match):
    with pytest.raises(ValueError, match=match):
        claims.check(measured=1.0, expected=1.0, **kwargs)


def test_measured_must_be_a_scalar():
    with pytest.raises(TypeError, match="measured must be a scalar"):
        claims.check("t99.v", np.ones(3), 1.0, tol=1.0)


def test_not_reproduced_is_recorded_without_raising():
    c = claims.not_reproduced("t99.paper", 0.8, 0.5, "paper reports 0.5; our toy gives 0.8")
    assert c.status == "not reproduced" and not c.passed
    with pytest.raises(ValueError, match="description is required"):
        claims.not_reproduced("t99.paper", 0.8, 0.5, "")


def test_claims_are_written_per_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIORSCOPE_CLAIMS_DIR", str(tmp_path))
    claims.check("t98.a", 1.0, 1.0, tol=0.1, description="first")
    claims.check("t98.b", 2.0, 1.0, op=">=")
    claims.check("t97.c", 1.0, 1.0, tol=0.1)
    rows = json.loads((tmp_path / "t98.json").read_text())
    assert [r["id"] for r in rows] == ["t98.a", "t98.b"]
    assert rows[0]["description"] == "first" and rows[0]["status"] == "pass"


def test_table_lists_every_claim():
    claims.check("t99.a", 1.0, 1.0, tol=0.5, description="a claim")
    claims.not_reproduced("t99.b", 3.0, 1.0, "did not reproduce")
    text = claims.table()
    assert "`t99.a` a claim" in text and "not reproduced" in text
    assert text._repr_markdown_() == str(text)


def test_numpy_tolerances_are_recorded_as_plain_json(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIORSCOPE_CLAIMS_DIR", str(tmp_path))
    c = claims.check("t96.np_tol", np.float64(1.0), 1.0, tol=np.float64(0.1))
    assert type(c.passed) is bool and type(c.tol) is float
    assert json.loads((tmp_path / "t96.json").read_text())[0]["passed"] is True


def test_table_escapes_pipes_in_descriptions():
    claims.check("t99.pipe", 0.1, 1.0, op="<=", description="|NUTS mean − exact| in MCSE units")
    claims.check("t99.abs", 1.0, 1.0, tol=0.1)
    rows = claims.table().splitlines()[2:]
    assert all(row.replace("\\|", "").count("|") == 6 for row in rows), rows


def test_a_claim_displays_as_one_readable_line_without_emoji():
    """A cell ending in claims.check(...) shows a sentence, not the dataclass repr; marks need no emoji font."""
    from IPython.lib.pretty import pretty

    c = claims.check("t99.show", 0.5, 1.0, op="<=", description="error below the bound")
    for text in (c._repr_markdown_(), pretty(c), str(claims.table())):
        assert "Claim(" not in text and "✓ pass" in text
        assert not any(ord(ch) >= 0x1F000 or ch in "\ufe0f✅❌" for ch in text), text
    assert "measured 0.5" in c.summary() and "m ≤ e" in c.summary()
