r"""Bayesian optimisation on a finite candidate grid, as an ``init``/``step`` pair over NamedTuples.

The data are kept as *counts and sums per grid point*: ``counts[j]`` evaluations of grid point j whose
observations sum to ``sums[j]``. The GP posterior on the grid then depends only on the evaluated points and their
sample means (Calandriello et al., 2022), and every array has a fixed shape, so a whole run is one ``lax.scan``
and many seeds are one ``vmap``. With :math:`\tilde W = \mathrm{diag}(c/\lambda)` and
:math:`B = I + \tilde W^{1/2} K \tilde W^{1/2}`,

.. math::
    \mu = K \tilde W^{1/2} B^{-1} \tilde W^{1/2} \bar y, \qquad
    \Sigma = K - K \tilde W^{1/2} B^{-1} \tilde W^{1/2} K,

which is exactly :math:`K_{\cdot U}(K_{UU} + \lambda\,\mathrm{diag}(1/c_U))^{-1}\bar y_U` on the evaluated set U
(Rasmussen and Williams, 2006, Alg. 3.2 uses the same B), but unevaluated points (c = 0) drop out without a
division by zero.

Example:
    >>> import jax, jax.numpy as jnp
    >>> from priorscope import gp, bo
    >>> X = jnp.linspace(0, 1, 50)[:, None]
    >>> prob = bo.GridProblem(X, jnp.sin(6 * X[:, 0]), 0.0)
    >>> state, info = bo.run(jax.random.key(0), prob, gp.RBF(0.2), 1e-4, num_init=2, num_steps=5)
    >>> info.simple_regret.shape
    (5,)
"""

from __future__ import annotations

from typing import NamedTuple, cast

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from priorscope import iterate
from priorscope._checks import check_choice, check_int, check_nonnegative, check_positive, is_concrete
from priorscope.bo import acquisitions as acq
from priorscope.gp.kernels import Kernel

__all__ = [
    "ACQUISITIONS",
    "GridProblem",
    "BOState",
    "BOInfo",
    "grid_posterior",
    "acquisition_scores",
    "init",
    "step",
    "grid_bo",
    "run",
]

ACQUISITIONS = (*acq.REGISTRY, "random")
"""The acquisition names :func:`step` accepts: every scoring acquisition of :data:`~priorscope.bo.acquisitions.REGISTRY`
and ``"random"``, the random-search baseline (a uniformly random grid point, no posterior)."""


class GridProblem(NamedTuple):
    """A black-box problem on a finite grid.

    Attributes:
        X: the candidate grid, shape ``(n, d)``.
        f: the true objective at each candidate, shape ``(n,)`` (hidden from the optimiser).
        noise_std: standard deviation of the Gaussian observation noise (scalar ≥ 0).
    """

    X: jax.Array
    f: jax.Array
    noise_std: jax.Array


class BOState(NamedTuple):
    """What the next step needs.

    Attributes:
        counts: evaluations per grid point, shape ``(n,)`` (float, integer valued).
        sums: sum of the observations at each grid point, shape ``(n,)``.
        best_f: largest TRUE value evaluated so far (for simple regret), scalar.
        t: number of evaluations so far, int32 scalar.
    """

    counts: jax.Array
    sums: jax.Array
    best_f: jax.Array
    t: jax.Array


class BOInfo(NamedTuple):
    """Diagnostics of one step (stacked over steps by :func:`run`).

    Attributes:
        index: grid index evaluated at this step.
        y: the noisy observation.
        f_value: the true value f(x_t).
        regret: instantaneous regret f* − f(x_t).
        simple_regret: f* − max_{i ≤ t} f(x_i) after this step.
        num_unique: number of distinct grid points evaluated so far.
    """

    index: jax.Array
    y: jax.Array
    f_value: jax.Array
    regret: jax.Array
    simple_regret: jax.Array
    num_unique: jax.Array


def grid_posterior(gram, counts, sums, noise_var, *, full_cov: bool = True):
    """GP posterior on the grid from per-point counts and sums (see the module docstring).

    Args:
        gram: prior covariance of the grid K, shape ``(n, n)``.
        counts: evaluations per grid point c ≥ 0, shape ``(n,)``.
        sums: sum of observations per grid point, shape ``(n,)``.
        noise_var: observation noise variance λ > 0 (scalar, may be traced).
        full_cov: return the ``(n, n)`` covariance (True) or only the ``(n,)`` variances.

    Returns:
        ``(mean (n,), cov (n, n))`` or ``(mean (n,), var (n,))``.
    """
    gram, counts, sums = jnp.asarray(gram), jnp.asarray(counts), jnp.asarray(sums)
    n = gram.shape[0]
    if gram.shape != (n, n) or counts.shape != (n,) or sums.shape != (n,):
        raise ValueError(f"gram must be (n, n) and counts, sums (n,), got {gram.shape}, {counts.shape}, {sums.shape}")
    noise_var = check_positive("noise_var", noise_var)
    counts = check_positive("counts", counts, allow_zero=True)
    counts = counts.astype(gram.dtype)
    w = jnp.sqrt(counts / noise_var)
    ybar = sums / jnp.maximum(counts, 1.0)
    B = jnp.eye(n, dtype=gram.dtype) + w[:, None] * gram * w[None, :]
    L = jsl.cholesky(B, lower=True)
    mean = gram @ (w * jsl.cho_solve((L, True), w * ybar))
    V = jsl.solve_triangular(L, w[:, None] * gram, lower=True)  # (n, n) = L⁻¹ W̃^{1/2} K
    if full_cov:
        return mean, gram - V.T @ V
    return mean, jnp.diag(gram) - jnp.sum(V**2, axis=0)


def acquisition_scores(
    key,
    acquisition,
    mean,
    cov,
    counts,
    noise_var,
    beta,
    *,
    num_samples: int = 32,
    choices: tuple[str, ...] | None = None,
) -> jax.Array:
    """Score every grid point with an acquisition (larger is better).

    Every acquisition is called the same way, ``score(key, belief, params)`` (see
    :data:`~priorscope.bo.acquisitions.REGISTRY`), with ``belief = GridBelief(mean, cov, counts > 0, noise_var)``
    and ``params = AcquisitionParams(beta, num_samples)``. The incumbent of EI/log-EI/PI is the largest posterior
    mean among evaluated points (the largest observation when λ → 0).

    Args:
        key: PRNG key (used by ``"thompson"`` and ``"mes"``).
        acquisition: one of :data:`ACQUISITIONS` except ``"random"`` (static), or any function
            ``score(key, belief, params) -> (n,)``; or, with ``choices``, an integer index into ``choices`` that may
            be traced (dispatched with ``lax.switch``: changing it never recompiles, and only the chosen
            acquisition runs).
        mean: posterior mean, shape ``(n,)``.
        cov: posterior covariance, shape ``(n, n)``.
        counts: evaluations per grid point, shape ``(n,)`` (at least one > 0 for the EI family).
        noise_var: observation noise variance λ.
        beta: UCB exploration weight.
        num_samples: max-value samples for ``"mes"`` (static).
        choices: names (from :data:`ACQUISITIONS`, without ``"random"``) that an index ``acquisition`` selects.

    Returns:
        Scores, shape ``(n,)``.
    """
    if choices is not None:
        choices = _check_choices(choices, ACQUISITIONS[:-1])
        index = _check_index(acquisition, len(choices))
    elif not callable(acquisition):
        check_choice("acquisition", acquisition, ACQUISITIONS[:-1])
    noise_var = check_positive("noise_var", noise_var)
    beta = check_nonnegative("beta", beta)
    belief = acq.GridBelief(jnp.asarray(mean), jnp.asarray(cov), jnp.asarray(counts) > 0, noise_var)
    if choices is not None:

        def branch(name):
            return lambda k, b, bt: acq.REGISTRY[name](k, b, acq.AcquisitionParams(bt, num_samples))

        return jax.lax.switch(index, [branch(name) for name in choices], key, belief, beta)
    score = cast(acq.AcquisitionFn, acquisition) if callable(acquisition) else acq.REGISTRY[acquisition]
    return score(key, belief, acq.AcquisitionParams(beta, num_samples))


def _check_choices(choices, allowed) -> tuple[str, ...]:
    choices = tuple(choices)
    if not choices:
        raise ValueError("choices must name at least one acquisition")
    for name in choices:
        check_choice("choices entry", name, allowed)
    return choices


def _check_index(index, num: int) -> jax.Array:
    """An int index into ``num`` choices; a concrete one is range-checked, a traced one is clipped by lax.switch."""
    if isinstance(index, str) or not jnp.issubdtype(jnp.asarray(index).dtype, jnp.integer) or jnp.ndim(index) != 0:
        raise TypeError(f"with choices, acquisition must be a scalar integer index, got {index!r}")
    index = jnp.asarray(index)
    if is_concrete(index) and not 0 <= int(index) < num:
        raise ValueError(f"acquisition index must lie in [0, {num - 1}], got {int(index)}")
    return index


def observe(key, state: BOState, problem: GridProblem, idx) -> tuple[BOState, BOInfo]:
    """Evaluate grid point ``idx`` once with noise and return the updated state and the step's info."""
    f_value = problem.f[idx]
    y = f_value + problem.noise_std * jax.random.normal(key, (), dtype=problem.f.dtype)
    counts = state.counts.at[idx].add(1.0)
    sums = state.sums.at[idx].add(y)
    best_f = jnp.maximum(state.best_f, f_value)
    f_opt = jnp.max(problem.f)
    new = BOState(counts, sums, best_f, state.t + 1)
    info = BOInfo(
        index=idx,
        y=y,
        f_value=f_value,
        regret=f_opt - f_value,
        simple_regret=f_opt - best_f,
        num_unique=jnp.sum(counts > 0).astype(jnp.int32),
    )
    return new, info


def check_problem(problem) -> GridProblem:
    """``problem`` as a validated :class:`GridProblem` (X (n, d), f (n,), noise_std >= 0), else an error."""
    if not isinstance(problem, GridProblem):
        raise TypeError(f"problem must be a GridProblem, got {type(problem).__name__}")
    X, f = jnp.asarray(problem.X), jnp.asarray(problem.f)
    if X.ndim != 2 or f.shape != (X.shape[0],):
        raise ValueError(f"problem.X must be (n, d) and problem.f (n,), got {X.shape} and {f.shape}")
    check_positive("problem.noise_std", problem.noise_std, allow_zero=True)
    return GridProblem(X, f, jnp.asarray(problem.noise_std, dtype=f.dtype))


def init(key, problem: GridProblem, num_init: int) -> BOState:
    """Evaluate ``num_init`` distinct grid points chosen uniformly at random.

    Args:
        key: PRNG key.
        problem: the :class:`GridProblem`.
        num_init: number of initial points, 1 ≤ num_init ≤ n (static).

    Returns:
        The :class:`BOState` after the initial design.
    """
    problem = check_problem(problem)
    n = problem.f.shape[0]
    num_init = check_int("num_init", num_init, min_value=1, max_value=n)
    k_pick, k_noise = jax.random.split(key)
    idx = jax.random.choice(k_pick, n, (num_init,), replace=False)
    y = problem.f[idx] + problem.noise_std * jax.random.normal(k_noise, (num_init,), dtype=problem.f.dtype)
    counts = jnp.zeros((n,), problem.f.dtype).at[idx].add(1.0)
    sums = jnp.zeros((n,), problem.f.dtype).at[idx].add(y)
    return BOState(counts, sums, jnp.max(problem.f[idx]), jnp.asarray(num_init, jnp.int32))


def step(
    key,
    state: BOState,
    problem: GridProblem,
    kernel: Kernel,
    noise_var,
    *,
    acquisition: str | jax.Array | acq.AcquisitionFn = "ei",
    beta=2.0,
    num_samples: int = 32,
    choices: tuple[str, ...] | None = None,
) -> tuple[BOState, BOInfo]:
    """One BO step: posterior on the grid → acquisition → evaluate its argmax → update counts.

    Args:
        key: PRNG key.
        state: current :class:`BOState`.
        problem: the :class:`GridProblem`.
        kernel: GP prior covariance (a ``priorscope.gp`` kernel; its hyperparameters may be traced).
        noise_var: the model's noise variance λ > 0 (may differ from ``problem.noise_std**2``).
        acquisition: one of :data:`ACQUISITIONS` (static); ``"random"`` is the random-search baseline; or any
            ``score(key, belief, params) -> (n,)`` (the one acquisition signature, see
            :data:`~priorscope.bo.acquisitions.REGISTRY`). With ``choices``: a (possibly traced) integer index into
            ``choices`` (see :func:`acquisition_scores`).
        beta: UCB exploration weight (traced).
        num_samples: max-value samples for ``"mes"`` (static).
        choices: acquisition names an index ``acquisition`` selects from (``"random"`` not allowed).

    Returns:
        ``(new_state, info)``.
    """
    if choices is None and not callable(acquisition):
        check_choice("acquisition", acquisition, ACQUISITIONS)
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be a priorscope.gp Kernel, got {type(kernel).__name__}")
    noise_var = check_positive("noise_var", noise_var)
    k_acq, k_obs = jax.random.split(key)
    if choices is None and acquisition == "random":
        idx = jax.random.randint(k_acq, (), 0, problem.f.shape[0])
        return observe(k_obs, state, problem, idx)
    gram = kernel(problem.X)
    mean, cov = grid_posterior(gram, state.counts, state.sums, noise_var)
    scores = acquisition_scores(
        k_acq, acquisition, mean, cov, state.counts, noise_var, beta, num_samples=num_samples, choices=choices
    )
    idx = jnp.argmax(scores).astype(jnp.int32)
    return observe(k_obs, state, problem, idx)


def grid_bo(
    problem: GridProblem,
    kernel: Kernel,
    noise_var,
    *,
    num_init: int,
    acquisition: str | jax.Array | acq.AcquisitionFn = "ei",
    beta=2.0,
    num_samples: int = 32,
    choices: tuple[str, ...] | None = None,
) -> iterate.Iterative:
    """The BO loop as an :class:`~priorscope.iterate.Iterative` pair, for :func:`priorscope.iterate.run`.

    ``init(key) -> BOState`` is :func:`init` with ``num_init`` random points; ``step(key, state) -> (state, info)``
    is :func:`step` with every other argument closed over (see :func:`step` for their meaning).

    Example:
        >>> import jax
        >>> from priorscope import bo, gp, iterate
        >>> algo = bo.grid_bo(bo.forrester(30), gp.RBF(0.2), 1e-4, num_init=2, acquisition="ucb")
        >>> state, info = iterate.run(jax.random.key(1), algo, algo.init(jax.random.key(0)), 4)
        >>> info.index.shape
        (4,)
    """
    problem = check_problem(problem)
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be a priorscope.gp Kernel, got {type(kernel).__name__}")
    noise_var = check_positive("noise_var", noise_var)
    num_init = check_int("num_init", num_init, min_value=1, max_value=problem.f.shape[0])
    if choices is None and not callable(acquisition):
        check_choice("acquisition", acquisition, ACQUISITIONS)

    def init_fn(key) -> BOState:
        return init(key, problem, num_init)

    def step_fn(key, state: BOState) -> tuple[BOState, BOInfo]:
        return step(
            key,
            state,
            problem,
            kernel,
            noise_var,
            acquisition=acquisition,
            beta=beta,
            num_samples=num_samples,
            choices=choices,
        )

    return iterate.Iterative(init_fn, step_fn)


def run(
    key,
    problem: GridProblem,
    kernel: Kernel,
    noise_var,
    *,
    num_init: int,
    num_steps: int,
    acquisition: str | acq.AcquisitionFn = "ei",
    beta=2.0,
    num_samples: int = 32,
) -> tuple[BOState, BOInfo]:
    """``init`` then ``num_steps`` steps in one ``lax.scan`` (jit and vmap over keys from outside).

    This is :func:`grid_bo` driven by :func:`priorscope.iterate.run`: the first half of ``split(key)`` makes the
    initial design, the second the steps' keys.

    Returns:
        ``(final_state, info)`` with every :class:`BOInfo` field stacked to shape ``(num_steps,)``.
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    algorithm = grid_bo(
        problem, kernel, noise_var, num_init=num_init, acquisition=acquisition, beta=beta, num_samples=num_samples
    )
    k_init, k_loop = jax.random.split(key)
    final, info = iterate.run(k_loop, algorithm, algorithm.init(k_init), num_steps)
    return final, info
