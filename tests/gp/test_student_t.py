"""Student-t process (gp/student_t.py) against SciPy's multivariate t and the Gaussian-process limit."""

import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from priorscope import gp

X = np.linspace(-1.0, 1.0, 12)
Y = np.sin(3 * X) + 0.1 * np.cos(17 * X)
XS = np.array([-1.5, 0.13, 0.9, 2.5])
KERNEL = gp.ArcCosine(2.0, 0.1, depth=2)
NOISE = 0.05


def _mvt_logpdf(x, y, a, b):
    K = np.asarray(KERNEL(jnp.asarray(x))) + NOISE * np.eye(len(x))
    return stats.multivariate_t(loc=np.zeros(len(x)), shape=(b / a) * K, df=2 * a).logpdf(y)


@pytest.mark.parametrize(("a", "b"), [(1.5, 1.5), (0.7, 3.0), (20.0, 2.0)])
def test_log_marginal_likelihood_matches_scipy(a, b):
    ours = float(gp.student_t_log_marginal_likelihood(KERNEL, X, Y, NOISE, a, b))
    assert ours == pytest.approx(_mvt_logpdf(X, Y, a, b), rel=1e-10, abs=1e-10)


@pytest.mark.parametrize(("a", "b"), [(1.5, 1.5), (0.7, 3.0)])
def test_predictive_is_ratio_of_joint_densities(a, b):
    """p(y* | y) = p(y, y*) / p(y): the conditional follows from two independent SciPy MVT densities."""
    pred = gp.student_t_predictive(KERNEL, X, Y, NOISE, XS, a, b)
    for j, xs in enumerate(XS):
        for ys in (-0.7, 0.2, 1.9):
            joint = _mvt_logpdf(np.append(X, xs), np.append(Y, ys), a, b)
            ref = joint - _mvt_logpdf(X, Y, a, b)
            ours = float(gp.student_t_logpdf(ys, pred.df, pred.mean[j], pred.scale[j]))
            assert ours == pytest.approx(ref, abs=1e-9)


def test_logpdf_matches_scipy():
    x = np.linspace(-5, 5, 11)
    ours = np.asarray(gp.student_t_logpdf(x, 3.0, 0.5, 1.7))
    np.testing.assert_allclose(ours, stats.t.logpdf(x, 3.0, 0.5, 1.7), rtol=1e-12)


def test_gp_limit_as_a_b_grow():
    """a = b -> infinity: σ² concentrates at 1 and the predictive becomes the GP's (to 1e-3 in sd and log density)."""
    a = b = 1e6
    pred = gp.student_t_predictive(KERNEL, X, Y, NOISE, XS, a, b)
    mean, var = gp.posterior(KERNEL, X, Y, NOISE, XS, full_cov=False)
    sd = np.sqrt(np.asarray(var) + NOISE)
    np.testing.assert_allclose(pred.mean, mean, atol=1e-10)
    t_sd = np.asarray(pred.scale) * np.sqrt(pred.df / (pred.df - 2))
    np.testing.assert_allclose(t_sd, sd, rtol=1e-3)
    ys = np.asarray(mean) + 1.3 * sd
    lt = np.asarray(gp.student_t_logpdf(ys, pred.df, pred.mean, pred.scale))
    np.testing.assert_allclose(lt, stats.norm.logpdf(ys, mean, sd), atol=1e-3)
    # and far from the limit they differ: the test could fail
    small = gp.student_t_predictive(KERNEL, X, Y, NOISE, XS, 1.5, 1.5)
    assert np.max(np.abs(np.asarray(small.scale) - sd)) > 1e-2


def test_shapes():
    pred = gp.student_t_predictive(KERNEL, X, Y, NOISE, XS, 2.0, 1.0, include_noise=False)
    assert pred.mean.shape == pred.scale.shape == (4,)
    assert float(pred.df) == 2 * 2.0 + 12
