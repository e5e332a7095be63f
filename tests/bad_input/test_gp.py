"""Bad input to priorscope.gp: one perturbed argument per case, under jit where a value is traced."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import gp

from ._cases import NAN, Case, ids, run

X = jnp.linspace(0.0, 1.0, 6)
Y = jnp.sin(3 * X)
XS = jnp.linspace(0.0, 1.0, 5)
K2 = [jnp.eye(2) * 2.0, jnp.eye(3) * 3.0]
V6 = jnp.ones(6)
KEY = jax.random.key(0)
R = gp.RBF(0.3)
XU, CNT, YM = jnp.array([0.0, 0.5, 1.0]), jnp.array([2.0, 1.0, 3.0]), jnp.array([0.1, 0.2, 0.3])


def _build(p):
    return gp.RBF(jnp.exp(p)), jnp.asarray(0.1)


def _build_t(p):
    return gp.RBF(jnp.exp(p)), jnp.asarray(0.1), jnp.asarray(1.0), jnp.asarray(1.0)


CASES = [
    # kernels: raw constructors validate; the Gram matrix checks shapes and traced hyperparameters
    Case("RBF", "lengthscale", lambda: gp.RBF(-1.0)),
    Case("RBF", "lengthscale", lambda: gp.RBF(jnp.array([0.3, 0.3, 0.3]))(X)),
    Case.jit("RBF", "lengthscale", lambda: jax.jit(lambda s: gp.RBF(s)(X))(-0.3)),
    Case("Matern12", "variance", lambda: gp.Matern12(1.0, 0.0)),
    Case("Matern32", "lengthscale", lambda: gp.Matern32(NAN)),
    Case("Matern52", "lengthscale", lambda: gp.Matern52(jnp.ones(2))(X)),
    Case("Periodic", "period", lambda: gp.Periodic(1.0, 1.0, -2.0)),
    Case("SpectralMixture", "weights", lambda: gp.SpectralMixture(jnp.array([-1.0]), jnp.ones(1), jnp.ones(1))),
    Case("ArcCosine", "depth", lambda: gp.ArcCosine(depth=0)),
    Case("ErfNNGP", "weight_variance", lambda: gp.ErfNNGP(weight_variance=-1.0)),
    Case("Sum", "other", lambda: gp.RBF() + 1.0, match="Kernel"),
    Case("Product", "other", lambda: gp.RBF() * 2.0, match="Kernel"),
    Case("Scaled", "scale", lambda: gp.Scaled(R, -1.0)),
    Case("Kernel", "X1", lambda: gp.RBF()(jnp.ones((2, 2, 2)))),
    # exact posterior
    Case("posterior", "jitter", lambda: gp.posterior(R, X, Y, 0.1, XS, jitter=-1.0)),
    Case("posterior", "noise_var", lambda: gp.posterior(R, X, Y, -0.1, XS)),
    Case.jit("posterior", "noise_var", lambda: jax.jit(lambda n: gp.posterior(R, X, Y, n, XS))(-0.1)),
    Case("posterior", "y", lambda: gp.posterior(R, X, Y.at[0].set(NAN), 0.1, XS)),
    Case("posterior", "kernel", lambda: gp.posterior(lambda a, b: 0.0, X, Y, 0.1, XS)),
    Case("log_marginal_likelihood", "noise_var", lambda: gp.log_marginal_likelihood(R, X, Y, 0.0)),
    Case("log_marginal_likelihood", "y", lambda: gp.log_marginal_likelihood(R, X, Y[:3], 0.1)),
    Case("sample_prior", "num_samples", lambda: gp.sample_prior(KEY, R, X, 0)),
    Case("sample_prior", "jitter", lambda: gp.sample_prior(KEY, R, X, 2, jitter=-1e-3)),
    Case("sample_posterior", "num_samples", lambda: gp.sample_posterior(KEY, R, X, Y, 0.1, XS, 2.5)),
    # repeated points
    Case("posterior_unique", "counts", lambda: gp.posterior_unique(R, XU, -CNT, YM, 0.1, XS)),
    Case("posterior_unique", "noise_var", lambda: gp.posterior_unique(R, XU, CNT, YM, -0.1, XS)),
    Case(
        "log_marginal_likelihood_unique", "sq_dev", lambda: gp.log_marginal_likelihood_unique(R, XU, CNT, YM, 0.1, -1.0)
    ),
    Case("summarize_repeats", "y", lambda: gp.summarize_repeats(X, Y[:4])),
    # Kronecker algebra
    Case("kron_matvec", "v", lambda: gp.kron_matvec(K2, jnp.ones(5))),
    Case("kron_solve", "v", lambda: gp.kron_solve(K2, jnp.ones(7))),
    Case("kron_logdet", "factors", lambda: gp.kron_logdet([jnp.ones((2, 3))])),
    Case("kron_eigh_solve", "noise_var", lambda: gp.kron_eigh_solve(K2, V6, -1.0)),
    Case("kron_eigh_logdet", "noise_var", lambda: gp.kron_eigh_logdet(K2, -1.0)),
    Case("kron_dense", "factors", lambda: gp.kron_dense([])),
    # fitting
    Case("fit_map", "num_steps", lambda: gp.fit_map(_build, jnp.asarray(0.0), X, Y, num_steps=0)),
    Case("fit_map", "learning_rate", lambda: gp.fit_map(_build, jnp.asarray(0.0), X, Y, learning_rate=-0.1)),
    Case("lml_grid", "noise_var", lambda: gp.lml_grid(gp.RBF, jnp.array([0.1, 0.2]), X, Y, -1.0)),
    Case("Switch", "kernels", lambda: gp.Switch(0, ())),
    # Student-t process (notebook 07)
    Case(
        "student_t_log_marginal_likelihood", "a", lambda: gp.student_t_log_marginal_likelihood(R, X, Y, 0.1, -1.0, 1.0)
    ),
    Case("student_t_predictive", "b", lambda: gp.student_t_predictive(R, X, Y, 0.1, XS, 1.0, 0.0)),
    Case.jit(
        "student_t_predictive", "a", lambda: jax.jit(lambda a: gp.student_t_predictive(R, X, Y, 0.1, XS, a, 1.0))(-1.0)
    ),
    Case("student_t_predictive", "y", lambda: gp.student_t_predictive(R, X, Y[:3], 0.1, XS, 1.0, 1.0)),
    Case("student_t_logpdf", "df", lambda: gp.student_t_logpdf(0.0, 0.0, 0.0, 1.0)),
    Case("fit_student_t", "num_steps", lambda: gp.fit_student_t(_build_t, jnp.asarray(0.0), X, Y, num_steps=0)),
]

EXEMPT = {
    "StudentTPredictive": "a result container returned by student_t_predictive, never built by users",
    "FitResult": "a result container returned by fit_map, never built by users",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    with jax.enable_x64(True):
        run(case)
