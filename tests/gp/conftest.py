"""GP tests run in float64: they compare against float64 NumPy / scikit-learn to ~1e-8."""

import jax
import pytest


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield
