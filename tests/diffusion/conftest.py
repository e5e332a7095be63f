"""Diffusion tests run in float64: exact identities are checked to ~1e-6 or tighter."""

import jax
import pytest


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield
