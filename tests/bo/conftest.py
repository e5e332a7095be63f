"""BO and SDP tests run in float64: they compare against float64 NumPy / SciPy references."""

import jax
import pytest


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield
