"""The t03 experiment helpers: the padding trick is exact, recovery has the documented shapes."""

import jax
import numpy as np
import pytest

from priorscope import gp
from priorscope.gp import experiments


@pytest.mark.parametrize("name", ["RBF", "periodic"])
def test_padded_fit_equals_unpadded(name):
    r = experiments.regression_demo(jax.random.key(0), name, 0.7, 0.04, 10, max_points=16, num_test=20, num_grid=5)
    k = experiments.make_kernel(name, 0.7)
    m, c = gp.posterior(k, r.x[:10], r.y[:10], 0.04, r.x_test)
    np.testing.assert_allclose(r.mean, m, atol=1e-8)
    np.testing.assert_allclose(r.sd, np.sqrt(np.clip(np.diag(c), 0, None)), atol=1e-6)
    np.testing.assert_allclose(r.lml_current, gp.log_marginal_likelihood(k, r.x[:10], r.y[:10], 0.04), atol=1e-6)
    assert r.samples.shape == (3, 20) and r.lml.shape == (5,)


def test_lengthscale_recovery_shapes():
    r = experiments.lengthscale_recovery(jax.random.key(1), 1.0, 0.01, 20, 3, num_grid=11)
    assert r.ell_hat.shape == (3,) and r.lml.shape == (3, 11)
    assert np.all(np.isin(np.asarray(r.ell_hat), np.asarray(r.ell_grid)))


def test_make_kernel_bad_name():
    with pytest.raises(ValueError, match="kernel name must be one of"):
        experiments.make_kernel("cubic", 1.0)
