"""Content hash of a shipped ``.npz`` file, shared by the training scripts in this folder.

The file's own sha256 changes with the zip timestamps, so the data READMEs record a hash over the arrays instead:
their names, dtypes, shapes and bytes, in name order. Same seed on the same machine → same content hash.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np


def content_sha256(path: Path) -> str:
    """sha256 over the arrays of an ``.npz`` file (names, dtypes, shapes, bytes), independent of zip timestamps."""
    h = hashlib.sha256()
    with np.load(path) as z:
        for name in sorted(z.files):
            a = np.ascontiguousarray(z[name])
            h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
            h.update(a.tobytes())
    return h.hexdigest()
