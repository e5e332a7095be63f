"""Train the toy language models of notebook 33 and write them to ``data/minds_lm/`` (seed fixed, sha256 printed).

Usage: ``python tools/train_minds_lm.py [--out data/minds_lm] [--steps 1000] [--seeds 3]``.

It writes two files:

- ``prior_influence.npz``: one toy causal LM per seed, trained on the task/control/free-text mixture of
  :mod:`priorscope.minds.prior_influence` (same Zipf answer prior for every seed, drawn from ``PRIOR_SEED``);
- ``prior_influence_finetuned.npz``: for every seed and every layer ``l``, the same model with only block ``l``
  fine-tuned on the stratified answer set A (model index ``seed * num_layers + l - 1``).

The notebook loads these by default; ``tests/minds_lm`` retrains at tiny size and checks that the loss falls.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jax
import numpy as np
from npz_hash import content_sha256

from priorscope.minds import prior_influence as pi

SEED = 33
PRIOR_SEED = 100
NUM_ITEMS = 24
EXPONENT = 1.5
NUM_LAYERS = 3
D_MODEL = 32
FINETUNE_STEPS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "minds_lm")
    parser.add_argument("--steps", type=int, default=700)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    prior = pi.zipf_prior(jax.random.key(PRIOR_SEED), NUM_ITEMS + 1, EXPONENT)
    set_a, _ = pi.stratified_split(prior)
    models, tuned = [], []
    for s in range(args.seeds):
        key = jax.random.fold_in(jax.random.key(SEED), s)
        m = pi.train_prior_lm(
            key, prior, num_items=NUM_ITEMS, num_steps=args.steps, d_model=D_MODEL, num_layers=NUM_LAYERS
        )
        print(f"seed {s}: loss {m.losses[:50].mean():.3f} -> {m.losses[-50:].mean():.3f}", flush=True)
        models.append(m)
        for layer in range(1, NUM_LAYERS + 1):
            ft = pi.finetune_layer(jax.random.fold_in(key, 1000 + layer), m, layer, set_a, num_steps=FINETUNE_STEPS)
            print(f"  fine-tune layer {layer}: loss {ft.losses[:20].mean():.3f} -> {ft.losses[-20:].mean():.3f}")
            tuned.append(ft)
    meta = dict(seed=SEED, prior_seed=PRIOR_SEED, exponent=EXPONENT, steps=args.steps, finetune_steps=FINETUNE_STEPS)
    base_path, tuned_path = args.out / "prior_influence.npz", args.out / "prior_influence_finetuned.npz"
    pi.save_prior_lms(base_path, models, **meta)
    pi.save_prior_lms(tuned_path, tuned, **meta)
    print(f"done in {time.perf_counter() - start:.0f} s")
    for p in (base_path, tuned_path):
        print(f"content sha256 {content_sha256(p)}  {p.name}  ({p.stat().st_size / 1024:.0f} KiB)")
    print("loss curve (seed 0, mean of 50-step windows):", np.round(models[0].losses.reshape(-1, 50).mean(1), 3))


if __name__ == "__main__":
    main()
