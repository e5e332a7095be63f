"""Executable claim checks: every notebook reproduces its paper's key claim and records it here.

A claim compares a *measured* number with a ground truth (a closed form, an exact reference, or a published
number with a stated margin). :func:`check` records it and raises when it fails, so a notebook whose claim
breaks fails in CI. :func:`not_reproduced` records, without raising, that a paper's claim did not reproduce in
our toy — always next to a :func:`check` of what does hold. :func:`table` renders the claims of this session.

Claim ids start with the notebook id, e.g. ``"t02.nuts_mean"``. When ``PRIORSCOPE_CLAIMS_DIR`` is set (the
notebook tests set it) each record is also written to ``<dir>/<notebook id>.json``, from which the README's
claims table is generated.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass

import numpy as np

from priorscope import config

__all__ = [
    "Claim",
    "ClaimFailed",
    "OPS",
    "check",
    "not_reproduced",
    "records",
    "clear",
    "table",
    "ClaimsTable",
]

OPS = ("abs", "rel", "<=", ">=")
_ID = re.compile(r"^[A-Za-z0-9]+\.[A-Za-z0-9_.\-]+$")


class ClaimFailed(AssertionError):
    """A claim check did not hold."""


@dataclass(frozen=True)
class Claim:
    """One recorded claim.

    Attributes:
        id: ``"<notebook id>.<name>"``.
        measured: the number the notebook measured.
        expected: the ground truth (or the bound, for ``<=``/``>=``).
        tol: the tolerance for ``abs``/``rel`` (None for bounds).
        op: how ``measured`` is compared with ``expected`` (one of :data:`OPS`).
        passed: whether the comparison held.
        status: ``"pass"``, ``"fail"`` or ``"not reproduced"``.
        description: the claim in words.
    """

    id: str
    measured: float
    expected: float
    tol: float | None
    op: str
    passed: bool
    status: str
    description: str

    @property
    def notebook(self) -> str:
        return self.id.split(".", 1)[0]

    def condition(self) -> str:
        """The comparison in words, e.g. ``|m − e| ≤ 0.1`` (``paper vs ours`` for a non-reproduced claim)."""
        if self.status == "not reproduced":
            return "paper's value vs ours (not asserted)"
        if self.op == "abs":
            return f"|m − e| ≤ {_fmt(self.tol)}"
        if self.op == "rel":
            return f"|m − e| ≤ {_fmt(self.tol)}·|e|"
        return f"m {'≤' if self.op == '<=' else '≥'} e"

    def summary(self) -> str:
        """One line for a reader: status mark, id, description, measured vs expected and the condition."""
        return (
            f"{MARKS[self.status]} {self.id}: {self.description or 'claim'} — measured {_fmt(self.measured)}, "
            f"expected {_fmt(self.expected)} ({self.condition()})"
        )

    def _repr_markdown_(self) -> str:  # what a notebook shows for a cell ending in claims.check(...)
        return (
            f"{MARKS[self.status]} `{self.id}` {self.description or 'claim'} — measured {_fmt(self.measured)}, "
            f"expected {_fmt(self.expected)} ({self.condition()})"
        )

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's plain-text display
        p.text(self.summary())


#: Status marks that render with any text font (no emoji font needed).
MARKS = {"pass": "✓ pass", "fail": "✗ FAIL", "not reproduced": "⚠ not reproduced"}


_RECORDS: dict[str, Claim] = {}


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:.4g}"
    return f"{x:.3e}"


def _as_float(arg: str, value: object) -> float:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{arg} must be a real number, got {type(value).__name__} {value!r}") from None
    if arr.size != 1:
        raise TypeError(f"{arg} must be a scalar, got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def _validate(claim_id: str, op: str, tol: float | None) -> None:
    if not isinstance(claim_id, str) or not _ID.match(claim_id):
        raise ValueError(f"claim_id must look like '<notebook id>.<name>' (e.g. 't02.nuts_mean'), got {claim_id!r}")
    if op not in OPS:
        raise ValueError(f"op must be one of {OPS}, got {op!r}")
    if op in ("abs", "rel"):
        if tol is None:
            raise ValueError(f"tol is required for op={op!r}")
        tol = _as_float("tol", tol)
        if not (math.isfinite(tol) and tol > 0):
            raise ValueError(f"tol must be a finite number > 0, got {tol}")
    elif tol is not None:
        raise ValueError(f"tol must be None for op={op!r} (the bound is `expected`), got {tol}")


def _holds(measured: float, expected: float, tol: float | None, op: str) -> bool:
    if not (math.isfinite(measured) and math.isfinite(expected)):
        return False
    if op == "abs":
        assert tol is not None  # _validate requires it
        return abs(measured - expected) <= tol
    if op == "rel":
        assert tol is not None  # _validate requires it
        return abs(measured - expected) <= tol * abs(expected)
    if op == "<=":
        return measured <= expected
    return measured >= expected


def _store(claim: Claim) -> Claim:
    _RECORDS[claim.id] = claim
    out = config.claims_dir()
    if out is not None:
        mine = [asdict(c) for c in _RECORDS.values() if c.notebook == claim.notebook]
        (out / f"{claim.notebook}.json").write_text(json.dumps(mine, indent=1))
    return claim


def check(
    claim_id: str,
    measured: object,
    expected: object,
    *,
    tol: float | None = None,
    op: str = "abs",
    description: str = "",
) -> Claim:
    """Record a claim and raise :class:`ClaimFailed` unless it holds.

    Args:
        claim_id: ``"<notebook id>.<name>"``.
        measured: the measured number (a scalar; JAX/NumPy scalars are fine).
        expected: the ground truth, or the bound for ``op="<="``/``">="``.
        tol: tolerance for ``op="abs"`` (``|m − e| ≤ tol``) or ``op="rel"`` (``|m − e| ≤ tol·|e|``); must be None
            for bounds.
        op: one of ``"abs"``, ``"rel"``, ``"<="`` (``m ≤ e``), ``">="`` (``m ≥ e``).
        description: the claim in plain words (shown in the claims table).

    Returns:
        The recorded :class:`Claim`.

    Raises:
        ClaimFailed: the comparison does not hold (or ``measured`` is not finite).
        ValueError, TypeError: malformed arguments.

    Examples:
        >>> check("doc.pi", 3.1416, 3.14159265, tol=1e-4).passed
        True
    """
    _validate(claim_id, op, tol)
    m, e = _as_float("measured", measured), _as_float("expected", expected)
    tol = None if tol is None else _as_float("tol", tol)
    ok = bool(_holds(m, e, tol, op))
    claim = _store(Claim(claim_id, m, e, tol, op, ok, "pass" if ok else "fail", description))
    if not ok:
        raise ClaimFailed(
            f"claim {claim_id} failed: measured {_fmt(m)}, expected {_fmt(e)}, needs {claim.condition()}"
            + (f" — {description}" if description else "")
        )
    return claim


def not_reproduced(claim_id: str, measured: object, expected: object, description: str) -> Claim:
    """Record honestly that a paper's claim did not reproduce in our toy (does not raise).

    Use it together with a :func:`check` of what *does* hold, and explain why in the notebook.
    """
    _validate(claim_id, "<=", None)
    if not description:
        raise ValueError("description is required: say what the paper claims and what we measured")
    m, e = _as_float("measured", measured), _as_float("expected", expected)
    return _store(Claim(claim_id, m, e, None, "<=", False, "not reproduced", description))


def records(notebook: str | None = None) -> list[Claim]:
    """Claims recorded in this process, optionally only those of one notebook id."""
    if notebook is not None and not isinstance(notebook, str):
        raise TypeError(f"notebook must be a str or None, got {type(notebook).__name__} {notebook!r}")
    return [c for c in _RECORDS.values() if notebook is None or c.notebook == notebook]


def clear() -> None:
    """Forget the claims recorded in this process."""
    _RECORDS.clear()


def table(notebook: str | None = None) -> str:
    """The claims recorded so far as a Markdown table (also displayed when run in a notebook)."""
    if notebook is not None and not isinstance(notebook, str):
        raise TypeError(f"notebook must be a str or None, got {type(notebook).__name__} {notebook!r}")
    lines = [
        "| claim | measured | expected | condition | status |",
        "|---|---|---|---|---|",
    ]
    for c in records(notebook):
        mark = MARKS[c.status]
        desc = c.description.replace("|", "\\|")  # a literal | would split the Markdown row
        cond = c.condition().replace("|", "\\|")
        lines.append(f"| `{c.id}` {desc} | {_fmt(c.measured)} | {_fmt(c.expected)} | {cond} | {mark} |")
    return ClaimsTable("\n".join(lines))


class ClaimsTable(str):
    """A Markdown table that renders as a table in Jupyter and as text elsewhere."""

    def _repr_markdown_(self) -> str:
        return str(self)
