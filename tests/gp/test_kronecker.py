"""Kronecker matvec, solve and log-determinant equal the dense versions on a 20 x 20 grid."""

import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import gp

G1 = np.linspace(0, 1, 20)
G2 = np.linspace(-1, 2, 20)
# float64 NumPy kernels (independent of priorscope.gp): RBF(ℓ=0.3) and 2·Matérn-5/2(ℓ=0.5)
K1 = np.exp(-0.5 * (G1[:, None] - G1[None, :]) ** 2 / 0.3**2) + 1e-6 * np.eye(20)
_R = np.sqrt(5) * np.abs(G2[:, None] - G2[None, :]) / 0.5
K2 = 2.0 * (1 + _R + _R**2 / 3) * np.exp(-_R) + 1e-6 * np.eye(20)
V = np.random.default_rng(0).standard_normal(400)


def test_kron_dense_matches_numpy_kron():
    np.testing.assert_allclose(gp.kron_dense([K1, K2]), np.kron(K1, K2))


def test_product_kernel_on_grid_is_kronecker():
    grid = np.stack(np.meshgrid(G1, G2, indexing="ij"), -1).reshape(-1, 2)
    k = gp.RBF(np.array([0.3, np.inf])) * gp.Matern52(np.array([np.inf, 0.5]), 2.0)
    K1_0, K2_0 = K1 - 1e-6 * np.eye(20), K2 - 1e-6 * np.eye(20)
    np.testing.assert_allclose(k(grid), np.kron(K1_0, K2_0), atol=1e-12)


def test_matvec_solve_logdet_equal_dense():
    D = np.kron(K1, K2)
    np.testing.assert_allclose(gp.kron_matvec([K1, K2], V), D @ V, rtol=1e-10, atol=1e-10)
    x = np.asarray(gp.kron_solve([K1, K2], V))
    np.testing.assert_allclose(D @ x, V, rtol=1e-6, atol=1e-6)
    sign, logdet = np.linalg.slogdet(D)
    assert sign > 0
    np.testing.assert_allclose(gp.kron_logdet([K1, K2]), logdet, rtol=1e-8)


def test_eigh_solve_logdet_with_noise_equal_dense():
    D = np.kron(K1, K2) + 0.1 * np.eye(400)
    np.testing.assert_allclose(gp.kron_eigh_solve([K1, K2], V, 0.1), np.linalg.solve(D, V), rtol=1e-8)
    np.testing.assert_allclose(gp.kron_eigh_logdet([K1, K2], 0.1), np.linalg.slogdet(D)[1], rtol=1e-8)


def test_three_factors():
    A = np.asarray(gp.RBF(0.5)(np.linspace(0, 1, 3))) + 0.1 * np.eye(3)
    D = np.kron(np.kron(A, K1[:4, :4]), K2[:5, :5])
    v = V[:60]
    np.testing.assert_allclose(gp.kron_matvec([A, K1[:4, :4], K2[:5, :5]], v), D @ v, rtol=1e-10)


def test_kron_bad_input():
    with pytest.raises(ValueError, match=r"v must have shape \(400,\)"):
        gp.kron_matvec([K1, K2], V[:10])
    with pytest.raises(ValueError, match=r"factors\[1\] must be a square matrix"):
        gp.kron_logdet([K1, jnp.ones((2, 3))])
    with pytest.raises(ValueError, match="at least one matrix"):
        gp.kron_logdet([])
