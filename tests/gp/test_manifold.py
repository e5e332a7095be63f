"""Connection Laplacian and RVGP vs dense float64 references and known topology."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.gp import manifold as mf


@pytest.fixture(scope="module")
def sphere():
    X = mf.fibonacci_sphere(120)
    with jax.enable_x64(True):  # module fixtures are built before the function-scoped x64 fixture
        return X, mf.manifold_geometry(X, 2, 20)


def test_connection_laplacian_symmetric_psd_and_orthogonal_blocks():
    X = mf.fibonacci_sphere(80)
    A = mf.knn_adjacency(X, 8)
    T = mf.tangent_frames(X, 2, 6)
    L = mf.connection_laplacian(A, T)
    np.testing.assert_allclose(L, L.T, atol=1e-12)
    assert np.linalg.eigvalsh(L).min() > -1e-10
    i, j = np.argwhere(A)[0]
    O = -L[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
    np.testing.assert_allclose(O @ O.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(np.einsum("nDa,nDb->nab", T, T), np.broadcast_to(np.eye(2), (80, 2, 2)), atol=1e-12)


def test_frames_span_true_tangent_planes_on_sphere():
    X = mf.fibonacci_sphere(400)
    T = mf.tangent_frames(X, 2, 6)
    normal_part = np.abs(np.einsum("nDa,nD->na", T, X))  # components of the frame along the true normal
    assert np.median(normal_part) < 0.02


def test_flat_torus_has_two_parallel_fields_sphere_has_none():
    ev_t = np.asarray(mf.manifold_geometry(mf.flat_torus(12), 2, 4).evals)
    ev_s = np.asarray(mf.manifold_geometry(mf.fibonacci_sphere(144), 2, 4).evals)
    assert ev_t[1] < 1e-2 * ev_t[2]
    assert ev_s[0] > 0.3 * ev_s[2]


def test_posterior_mean_and_evidence_equal_dense_function_space(sphere):
    X, geo = sphere
    v = np.asarray(mf.sphere_test_field(jnp.asarray(X)))
    mask = X[:, 2] < 0.3
    S = np.asarray(mf.spectral_weights(geo.evals, 120, 1.5, 3.0))
    Phi = np.asarray(geo.phi)
    F_all = Phi.reshape(-1, Phi.shape[-1])
    F_tr = Phi[mask].reshape(-1, Phi.shape[-1])
    y = v[mask].ravel()
    C = F_tr @ np.diag(S) @ F_tr.T + 1e-3 * np.eye(len(y))
    mean_ref = (F_all @ np.diag(S) @ F_tr.T @ np.linalg.solve(C, y)).reshape(120, 3)
    mean = mf.rvgp_posterior_mean(geo.phi, jnp.asarray(S), jnp.asarray(mask), jnp.asarray(v), 1e-3)
    np.testing.assert_allclose(mean, mean_ref, atol=1e-9)
    ev_ref = -0.5 * y @ np.linalg.solve(C, y) - 0.5 * np.linalg.slogdet(C)[1] - 0.5 * len(y) * np.log(2 * np.pi)
    ev = mf.rvgp_log_evidence(geo.phi, jnp.asarray(S), jnp.asarray(mask), jnp.asarray(v), 1e-3)
    np.testing.assert_allclose(ev, ev_ref, rtol=1e-9)
    # tangent to the estimated planes by construction
    n_hat = np.cross(np.asarray(geo.frames[:, :, 0]), np.asarray(geo.frames[:, :, 1]))
    assert np.abs(np.sum(np.asarray(mean) * n_hat, 1)).max() < 1e-12


def test_euclidean_gp_matches_dense_solve(sphere):
    X, _ = sphere
    v = np.asarray(mf.sphere_test_field(jnp.asarray(X)))
    mask = X[:, 2] < 0.3
    K = np.exp(-0.5 * ((X[:, None] - X[None]) ** 2).sum(-1) / 0.4**2)
    Ktr = K[np.ix_(mask, mask)] + 1e-3 * np.eye(mask.sum())
    ref = K[:, mask] @ np.linalg.solve(Ktr, v[mask])
    got = mf.euclidean_gp_mean(jnp.asarray(X), jnp.asarray(mask), jnp.asarray(v), 0.4, 1e-3)
    np.testing.assert_allclose(got, ref, atol=1e-7)
    ev_ref = sum(
        -0.5 * v[mask, c] @ np.linalg.solve(Ktr, v[mask, c])
        - 0.5 * np.linalg.slogdet(Ktr)[1]
        - 0.5 * mask.sum() * np.log(2 * np.pi)
        for c in range(3)
    )
    ev = mf.euclidean_log_evidence(jnp.asarray(X), jnp.asarray(mask), jnp.asarray(v), 0.4, 1e-3)
    np.testing.assert_allclose(ev, ev_ref, rtol=1e-6)


def test_test_field_is_tangent():
    X = jnp.asarray(mf.fibonacci_sphere(50))
    assert float(jnp.abs(jnp.sum(mf.sphere_test_field(X) * X, -1)).max()) < 1e-12


def test_bad_input():
    with pytest.raises(ValueError, match="num_points must be an int >= 10"):
        mf.fibonacci_sphere(3)
    with pytest.raises(ValueError, match="num_per_side must be an int >= 4"):
        mf.flat_torus(2)
    with pytest.raises(ValueError, match=r"dim must be an int in \[1, 2\]"):
        mf.tangent_frames(mf.fibonacci_sphere(20), 3, 5)
    with pytest.raises(ValueError, match=r"num_eigenpairs must be an int in \[1, 40\]"):
        mf.manifold_geometry(mf.fibonacci_sphere(20), 2, 41)
    with pytest.raises(ValueError, match="X must be"):
        mf.knn_adjacency(np.zeros((3, 3)), 5)
