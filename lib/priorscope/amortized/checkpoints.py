"""Save and load small trained models in one documented ``.npz`` format.

Format (a NumPy ``.npz`` archive, no pickles):

- ``__meta__``: a 0-d unicode array holding a JSON object with ``kind`` (``"pfn"`` or ``"dt"``), ``init`` (the
  keyword arguments of :func:`~priorscope.amortized.init_pfn` / :func:`~priorscope.amortized.init_dt` that rebuild
  the structure), and free-form provenance (``seed``, ``steps``, ``losses`` summary, ``command``);
- ``leaf_000``, ``leaf_001``, …: the parameter arrays (float32) in ``jax.tree_util`` flattening order;
- optional ``extra_<name>`` arrays (e.g. ``extra_borders``, the bar-distribution borders, and
  ``extra_losses``, the training curve).

:func:`load_checkpoint` rebuilds the structure from ``init`` and fills it leaf by leaf, checking shapes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_choice
from priorscope.amortized.gmm import init_dt
from priorscope.amortized.pfn import init_pfn

__all__ = ["DATA_DIR", "file_sha256", "load_checkpoint", "save_checkpoint"]

DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "amortized"
_INIT = {"pfn": init_pfn, "dt": init_dt}


def save_checkpoint(path, kind: str, init: dict, params, meta: dict | None = None, **extra) -> str:
    """Write ``params`` (and ``extra`` arrays) to ``path``; returns the file's sha256."""
    kind = check_choice("kind", kind, tuple(_INIT))
    leaves = jax.tree_util.tree_leaves(params)
    arrays = {f"leaf_{i:03d}": np.asarray(leaf, dtype=np.float32) for i, leaf in enumerate(leaves)}
    arrays.update({f"extra_{k}": np.asarray(v, dtype=np.float32) for k, v in extra.items()})
    header = {"kind": kind, "init": init, **(meta or {})}
    arrays["__meta__"] = np.array(json.dumps(header, sort_keys=True))
    path = Path(path)
    with path.open("wb") as f:
        np.savez_compressed(f, **arrays)  # pyright: ignore[reportArgumentType]
    return file_sha256(path)


def file_sha256(path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_checkpoint(name_or_path) -> tuple[object, dict, dict]:
    """Load a checkpoint by file path or by name under ``data/amortized/`` (``"pfn_gp"`` → ``pfn_gp.npz``).

    Returns:
        ``(params, meta, extra)``: the parameter pytree, the JSON header, and the ``extra_*`` arrays by name.
    """
    path = Path(name_or_path)
    if not path.suffix:
        path = DATA_DIR / f"{name_or_path}.npz"
    if not path.exists():
        raise ValueError(f"name_or_path must name an existing checkpoint, got {str(name_or_path)!r} ({path} missing)")
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["__meta__"]))
        template = _INIT[meta["kind"]](jax.random.key(0), **meta["init"])
        leaves, treedef = jax.tree_util.tree_flatten(template)
        loaded = []
        for i, leaf in enumerate(leaves):
            arr = data[f"leaf_{i:03d}"]
            if arr.shape != leaf.shape:
                raise ValueError(f"checkpoint leaf {i} has shape {arr.shape}, the model expects {leaf.shape}")
            loaded.append(jnp.asarray(arr))
        extra = {k[len("extra_") :]: jnp.asarray(data[k]) for k in data.files if k.startswith("extra_")}
    return jax.tree_util.tree_unflatten(treedef, loaded), meta, extra
