"""gp.Switch: a traced index picks a kernel inside one compiled program, exactly as the kernel itself would."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import gp
from priorscope.gp import experiments, spectral


def _kernels():
    return (
        gp.RBF(0.7, 1.3),
        gp.Matern12(0.4),
        gp.Periodic(0.9, 1.0, 2.0),
        gp.ArcCosine(weight_variance=2.0, bias_variance=0.5, depth=2),
    )


def test_switch_equals_each_kernel_with_one_compilation():
    X1 = jnp.linspace(-2.0, 2.0, 9)[:, None]
    X2 = jnp.linspace(-1.0, 3.0, 7)[:, None]
    traces = []

    @jax.jit
    def gram(i):
        traces.append(1)
        k = gp.Switch(i, _kernels())
        return k(X1, X2), k.diag(X1), jax.vmap(k.evaluate)(X1, X1)

    for i, k in enumerate(_kernels()):
        K, d, e = gram(jnp.asarray(i, jnp.int32))
        np.testing.assert_allclose(K, k(X1, X2), rtol=1e-13)
        np.testing.assert_allclose(d, k.diag(X1), rtol=1e-13)
        np.testing.assert_allclose(e, k.diag(X1), rtol=1e-13)
    assert len(traces) == 1


def test_switch_rejects_bad_index_and_kernels():
    with pytest.raises(ValueError, match=r"index must lie in \[0, 3\], got 4"):
        gp.Switch(4, _kernels())
    with pytest.raises(TypeError, match="index must be a scalar integer"):
        gp.Switch(np.float64(1.0), _kernels())
    with pytest.raises(ValueError, match="non-empty tuple"):
        gp.Switch(0, ())
    with pytest.raises(TypeError, match="kernels must hold Kernels"):
        gp.Switch(0, (gp.RBF(1.0), "rbf"))


def test_regression_demo_by_index_equals_by_name():
    key = jax.random.key(2)
    run = jax.jit(lambda i: experiments.regression_demo(key, i, 0.6, 0.05, 9, max_points=12, num_test=15, num_grid=6))
    for i, name in enumerate(experiments.KERNEL_FAMILIES):
        want = experiments.regression_demo(key, name, 0.6, 0.05, 9, max_points=12, num_test=15, num_grid=6)
        got = run(jnp.asarray(i, jnp.int32))
        for a, b in zip(got, want, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


def test_frequency_scan_by_index_equals_by_name():
    run = jax.jit(lambda i: spectral.frequency_scan(8.0, 7.0, 0.2, 32, i, num_grid=3))
    for i, kind in enumerate(spectral.KERNEL_KINDS):
        want = spectral.frequency_scan(8.0, 7.0, 0.2, 32, kind, num_grid=3)
        got = run(jnp.asarray(i, jnp.int32))
        np.testing.assert_allclose(got.u_hat, want.u_hat, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(got.log_evidence, want.log_evidence, rtol=1e-9)
    with pytest.raises(ValueError, match="kind must be one of"):
        spectral.frequency_scan(8.0, 7.0, 0.2, 32, "matern")
