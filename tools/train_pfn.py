"""Train every shipped checkpoint of priorscope.amortized (notebooks 14, 15, 16) and print their sha256.

Usage::

    .venv/bin/python tools/train_pfn.py            # all checkpoints into data/amortized/
    .venv/bin/python tools/train_pfn.py pfn_gp     # one of: pfn_gp, pfn_gp_hyper, lcpfn, dt_gmm

Seeds are fixed, so a rerun on the same machine and JAX version writes byte-identical files (the hash printed at
the end is recorded in data/amortized/README.md). Sizes go through ``config.size`` (``PRIORSCOPE_MODE=full`` or a
GPU picks larger ones; the shipped files use the "fast" sizes, the script's default, trained on 2 CPU cores).
"""

from __future__ import annotations

import os
import sys
import time
from functools import partial

os.environ.setdefault("PRIORSCOPE_MODE", "fast")  # the shipped files use the fast sizes; full/GPU sizes on request

import jax
import numpy as np

from priorscope import amortized as am
from priorscope import config, nn

SEED = 20260101


def _summary(losses: np.ndarray) -> dict:
    k = max(len(losses) // 10, 1)
    return {
        "loss_first_10pct": float(losses[:k].mean()),
        "loss_last_10pct": float(losses[-k:].mean()),
        "curve_10_points": [float(c.mean()) for c in np.array_split(losses, 10)],
    }


def _pfn_spec(name: str) -> dict:
    steps = config.size(f"{name}_steps", fast=2000, full=8000, gpu=20000)
    return {
        "init": {
            "num_buckets": 100,
            "d_model": config.size(f"{name}_d_model", fast=64, full=96, gpu=256),
            "num_heads": 4,
            "num_layers": config.size(f"{name}_layers", fast=2, full=3, gpu=6),
            "d_ff": config.size(f"{name}_d_ff", fast=128, full=192, gpu=512),
        },
        "steps": steps,
        "batch": config.size(f"{name}_batch", fast=64, full=64, gpu=256),
    }


def train_pfn_gp(name: str, hyper: bool) -> tuple[str, dict]:
    spec = _pfn_spec(name)
    key = jax.random.key(SEED + (1 if hyper else 0))
    hp = am.GPHyperprior() if hyper else None
    _, y_prior = am.sample_gp_batch(jax.random.fold_in(key, 1), 20_000, 1, hyperprior=hp)
    borders = am.bar_borders(y_prior, spec["init"]["num_buckets"])
    sampler = partial(am.sample_gp_batch, batch=spec["batch"], num_points=24, hyperprior=hp)
    loss = am.make_pfn_loss(lambda k: sampler(k), borders, max_context=20)
    params = am.init_pfn(jax.random.fold_in(key, 2), **spec["init"])
    params, losses = nn.fit(
        jax.random.fold_in(key, 3),
        params,
        loss,
        num_steps=spec["steps"],
        learning_rate=1e-3,
        warmup=spec["steps"] // 4,
        chunk=100,
        desc=name,
    )
    meta = {
        "seed": SEED,
        "steps": spec["steps"],
        "batch": spec["batch"],
        "points_per_dataset": 24,
        "max_context": 20,
        "prior": "GP RBF, x~U[0,1], noise 0.01, "
        + (
            "log-normal hyperprior on lengthscale and variance (GPHyperprior defaults)"
            if hyper
            else "lengthscale 0.25, variance 1"
        ),
        **_summary(losses),
    }
    return am.save_checkpoint(
        am.DATA_DIR / f"{name}.npz", "pfn", spec["init"], params, meta, borders=borders, losses=losses
    ), meta


def train_lcpfn(name: str = "lcpfn") -> tuple[str, dict]:
    spec = _pfn_spec(name)
    # 100 buckets are ~0.01 wide on [0, 1], as wide as the typical noise σ = e^-4 ≈ 0.018: too coarse for the
    # low-noise curves of this prior (the official code uses 1000); 200 halves the width at a modest cost per step.
    spec["init"]["num_buckets"] = config.size(f"{name}_buckets", fast=200, full=500, gpu=1000)
    num_epochs = 50
    key = jax.random.key(SEED + 2)
    y_prior, _ = am.sample_lc_curves(jax.random.fold_in(key, 1), 2000, num_epochs)
    borders = am.bar_borders(y_prior, spec["init"]["num_buckets"])
    x = am.lcpfn_inputs(num_epochs)

    def sampler(k):
        y, _ = am.sample_lc_curves(k, spec["batch"], num_epochs)
        return jax.numpy.broadcast_to(x, y.shape), y

    # the observed epochs are the context: the split n ~ U{1 … T−1} leaves at least one epoch to extrapolate
    loss = am.make_pfn_loss(sampler, borders, min_context=1, max_context=num_epochs - 1)
    params = am.init_pfn(jax.random.fold_in(key, 2), **spec["init"])
    params, losses = nn.fit(
        jax.random.fold_in(key, 3),
        params,
        loss,
        num_steps=spec["steps"],
        learning_rate=1e-3,
        warmup=spec["steps"] // 4,
        chunk=100,
        desc=name,
    )
    meta = {
        "seed": SEED,
        "steps": spec["steps"],
        "batch": spec["batch"],
        "num_epochs": num_epochs,
        "prior": "LC-PFN pow3/ilog2/janoschek (official ranges), log sigma ~ N(-4, 1), rejection redrawn "
        "(sample_lc_curves); input t/(T+1), context = first n epochs, n ~ U{1..T-1}",
        **_summary(losses),
    }
    return am.save_checkpoint(
        am.DATA_DIR / f"{name}.npz", "pfn", spec["init"], params, meta, borders=borders, losses=losses
    ), meta


def train_dt(name: str = "dt_gmm") -> tuple[str, dict]:
    init = {
        "d_model": 32,
        "num_heads": 4,
        "num_layers": config.size(f"{name}_layers", fast=2, full=3, gpu=6),
        "d_ff": 128,
    }
    steps = config.size(f"{name}_steps", fast=2000, full=8000, gpu=20000)
    batch = config.size(f"{name}_batch", fast=512, full=1024, gpu=5000)
    key = jax.random.key(SEED + 3)

    def loss(params, k):
        w, m, v, x, z = am.sample_gmm_tasks(k, batch, 2)
        return am.dt_loss(params, w, m, v, x, z)

    params = am.init_dt(jax.random.fold_in(key, 2), **init)
    params, losses = nn.fit(
        jax.random.fold_in(key, 3),
        params,
        loss,
        num_steps=steps,
        learning_rate=1e-3,
        warmup=steps // 10,
        chunk=100,
        desc=name,
    )
    meta = {
        "seed": SEED,
        "steps": steps,
        "batch": batch,
        "num_components": 2,
        "obs_noise": 1.0,
        "prior": "sample_gmm_tasks meta-prior, K=2, D=1, H=1, R=1",
        **_summary(losses),
    }
    return am.save_checkpoint(am.DATA_DIR / f"{name}.npz", "dt", init, params, meta, losses=losses), meta


JOBS = {
    "pfn_gp": lambda: train_pfn_gp("pfn_gp", hyper=False),
    "pfn_gp_hyper": lambda: train_pfn_gp("pfn_gp_hyper", hyper=True),
    "lcpfn": train_lcpfn,
    "dt_gmm": train_dt,
}


def main(argv: list[str]) -> None:
    names = argv or list(JOBS)
    unknown = [n for n in names if n not in JOBS]
    if unknown:
        raise SystemExit(f"unknown checkpoint(s) {unknown}; choose from {list(JOBS)}")
    am.DATA_DIR.mkdir(parents=True, exist_ok=True)
    for name in names:
        start = time.perf_counter()
        digest, meta = JOBS[name]()
        print(
            f"{name}: {time.perf_counter() - start:.0f} s, loss {meta['loss_first_10pct']:.3f} -> "
            f"{meta['loss_last_10pct']:.3f}, sha256 {digest}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
