"""Probe: run every bad-input case and count what happened, per subpackage (issue 11's classes).

    cd tests && python -m bad_input.probe [module ...]   # the library on sys.path (this checkout)

Classes: ``clear`` (ValueError/TypeError, or a run-time check under jit, naming the argument), ``unclear`` (another
exception, or a message without the argument's name), ``nan`` (returned NaN/inf silently), ``silent`` (returned a
finite but meaningless result). Prints one line per subpackage and the non-clear cases.
"""

from __future__ import annotations

import collections
import importlib
import logging
import signal
import sys

from ._cases import classify

MODULES = ("bayes", "bo", "core", "diffusion", "gp", "inference", "particles", "scaling", "sdp")


def _alarm(*_):
    raise TimeoutError("case ran for more than 120 s")


def main() -> None:
    logging.getLogger("jax._src.callback").setLevel(logging.CRITICAL)
    signal.signal(signal.SIGALRM, _alarm)
    totals: collections.Counter[str] = collections.Counter()
    bad: list[str] = []
    for name in sys.argv[1:] or MODULES:
        try:
            mod = importlib.import_module(f"{__package__}.test_{name}")
        except Exception as e:  # noqa: BLE001 - a table whose valid setup fails on this library
            print(f"{name:10s} table did not import: {type(e).__name__}: {str(e)[:120]}")
            continue
        counts: collections.Counter[str] = collections.Counter()
        for case in mod.CASES:
            signal.alarm(120)
            try:
                what = classify(case)
            except TimeoutError:
                what = "hang"
            finally:
                signal.alarm(0)
            counts[what] += 1
            if what != "clear":
                bad.append(f"  {what:8s} {name}: {case.id}")
        totals.update(counts)
        print(f"{name:10s} " + "  ".join(f"{k} {counts[k]:3d}" for k in ("clear", "unclear", "nan", "silent", "hang")))
        sys.stdout.flush()
    n = sum(totals.values())
    print(
        f"{'total':10s} "
        + "  ".join(f"{k} {totals[k]:3d}" for k in ("clear", "unclear", "nan", "silent", "hang"))
        + f"  (of {n})"
    )
    print("not clear:")
    print("\n".join(bad))


if __name__ == "__main__":
    main()
