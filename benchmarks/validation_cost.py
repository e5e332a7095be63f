"""Cost of the run-time (traced) argument checks on panel-sized jitted calls.

Runs each call with equinox's checks on (``EQX_ON_ERROR=raise``, the default) and off (``EQX_ON_ERROR=off``, which
removes them at trace time), each in a fresh process, and prints the best-of-N time per call in milliseconds.

    .venv/bin/python benchmarks/validation_cost.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

CHILD = r"""
import json, time
import jax, jax.numpy as jnp
from priorscope import gp, particles, sdp, scaling

X = jnp.linspace(0, 1, 60); Y = jnp.sin(6 * X); XS = jnp.linspace(0, 1, 200)
toy = particles.make_bimodal_toy(); key = jax.random.key(0)
x0 = 3.0 * jax.random.normal(key, (512, 1)); betas = jnp.linspace(0.0, 1.0, 11) ** 2
grid = jnp.linspace(0.0, 15.0, 61); P = sdp.AlleeParams(2.0, 8.0, 5.0, 0.05)
T = sdp.lognormal_transition(sdp.allee_growth(grid, P), 0.2, grid)

def post(l, n):
    return gp.posterior(gp.RBF(l), X, Y, n, XS, full_cov=False)

def smc(s):
    return particles.tempered_smc(key, x0, toy.log_prior, toy.log_likelihood, betas, proposal_scale=s)[0].log_evidence

calls = {
    "gp.posterior (60 -> 200 points)": (jax.jit(post), (0.2, 0.01)),
    "particles.resample (512)": (jax.jit(lambda w: particles.resample(key, w, 512)), (jnp.ones(512) / 512,)),
    "tempered_smc (512 x 10 temps)": (jax.jit(smc), (1.0,)),
    "sdp.policy_iteration (61 states)": (jax.jit(lambda d: sdp.policy_iteration(T, grid, d).value), (0.9,)),
    "scaling.first_error_pmf (T=8)": (jax.jit(lambda p: scaling.first_error_pmf(p, 8)), (0.2,)),
}
out = {}
for name, (f, args) in calls.items():
    jax.block_until_ready(f(*args))
    best = float("inf")
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(20):
            r = f(*args)
        jax.block_until_ready(r)
        best = min(best, (time.perf_counter() - t0) / 20)
    out[name] = best * 1e3
print(json.dumps(out))
"""


def _run(mode: str) -> dict[str, float]:
    env = dict(os.environ, EQX_ON_ERROR=mode, PRIORSCOPE_JAX_CACHE="off")
    res = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    on, off = _run("raise"), _run("off")
    print(f"{'jitted call':36s} {'checks on':>10s} {'off':>8s} {'cost':>8s}  (ms, best of 7 x 20)")
    for name in on:
        print(f"{name:36s} {on[name]:10.3f} {off[name]:8.3f} {on[name] - off[name]:8.3f}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
