"""Pre-train the mixture grid of notebook 34 and write its accuracies to ``data/visual_priors/`` (sha256 printed).

Usage: ``python tools/train_visual_priors.py [--out data/visual_priors] [--steps 1000] [--seeds 2]``.

For every mixture ``(r, v, w)`` of reasoning, description and generic text on the grid ``R_SHARES x V_SHARES`` and
every seed, one tiny causal LM is pre-trained (all at once under ``vmap``), frozen, and given a linear adapter from
the toy vision encoder, trained on ``NUM_PAIRS`` seen examples; the same adapter recipe runs on random,
never-trained LMs (the baseline). The file holds the perception and reasoning accuracies on fresh seen grids and the
pre-training loss curves; no weights (the notebook does not need them). ``tests/visual_priors`` retrains at tiny
size and checks that the loss falls.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from npz_hash import content_sha256

from priorscope.minds import visual_priors as vp

SEED = 34
R_SHARES = (0.0, 0.3, 0.6)
V_SHARES = (0.0, 0.15, 0.3)
BATCH = 64
NUM_PAIRS = 512
ADAPTER_STEPS = 300
NOISE = 0.5
NUM_TEST = 1000  # per task
WINDOW = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "visual_priors")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    mixtures = np.array([(r, v, round(1.0 - r - v, 6)) for r in R_SHARES for v in V_SHARES])
    key = jax.random.key(SEED)
    k_pre, k_base, k_adapt, k_test = jax.random.split(key, 4)
    lms = vp.pretrain_lms(k_pre, mixtures, num_seeds=args.seeds, num_steps=args.steps, batch=BATCH)
    base = vp.init_lms(k_base, np.arange(args.seeds))
    every = jax.tree_util.tree_map(lambda a, b: jnp.concatenate([a, b]), lms.params, base)
    adapters = vp.fit_adapters(k_adapt, every, num_pairs=NUM_PAIRS, num_steps=ADAPTER_STEPS, noise_std=NOISE)
    perception, reasoning = (np.asarray(a) for a in vp.vqa_accuracy(k_test, every, adapters, NUM_TEST, noise_std=NOISE))
    m, s = len(mixtures), args.seeds
    losses = lms.losses[:, : args.steps // WINDOW * WINDOW].reshape(m, s, -1, WINDOW).mean(-1)
    grid = vp.MixtureGrid(
        mixtures=mixtures,
        perception=perception[: m * s].reshape(m, s),
        reasoning=reasoning[: m * s].reshape(m, s),
        baseline_perception=perception[m * s :],
        baseline_reasoning=reasoning[m * s :],
        lm_loss=losses.astype(np.float32),
        meta=dict(
            seed=SEED,
            steps=args.steps,
            batch=BATCH,
            num_pairs=NUM_PAIRS,
            adapter_steps=ADAPTER_STEPS,
            noise_std=NOISE,
            num_test=NUM_TEST,
            window=WINDOW,
            adapter_loss_first=float(adapters.losses[:, :20].mean()),
            adapter_loss_last=float(adapters.losses[:, -20:].mean()),
        ),
    )
    path = args.out / "mixture_grid.npz"
    vp.save_mixture_grid(path, grid)
    print(f"done in {time.perf_counter() - start:.0f} s")
    print(f"content sha256 {content_sha256(path)}  {path.name}  ({path.stat().st_size / 1024:.0f} KiB)")
    for i, mix in enumerate(mixtures):
        print(
            f"r={mix[0]:.2f} v={mix[1]:.2f} w={mix[2]:.2f}: loss {losses[i, :, 0].mean():.2f} -> "
            f"{losses[i, :, -1].mean():.2f}; perception {np.round(grid.perception[i], 3)}, "
            f"reasoning {np.round(grid.reasoning[i], 3)}"
        )
    base_p, base_r = np.round(grid.baseline_perception, 3), np.round(grid.baseline_reasoning, 3)
    print(f"random LM: perception {base_p}, reasoning {base_r}")
    print(f"adapter loss {grid.meta['adapter_loss_first']:.3f} -> {grid.meta['adapter_loss_last']:.3f}")


if __name__ == "__main__":
    main()
