"""Precompute notebook 36's meta-prior sweep: PV-RNNs trained at several w and seeds, scored, saved as .npz.

Usage (from the repository root): ``.venv/bin/python tools/train_pvrnn.py [--out data/minds/pvrnn_sweep.npz]
[--seeds 3] [--steps 2000]``. Prints the sha256 of the written file; ``data/minds/README.md`` records the command,
seed and hash. Everything is generated from fixed PRNG keys (nothing is downloaded).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import config
from priorscope.minds import pvrnn as pv

META_PRIORS = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)
TAU = 2.0


def sweep(
    seeds: int, steps: int, *, num_seqs: int = 8, length: int = 80, test_length: int = 60, num_test: int = 6
) -> dict[str, np.ndarray]:
    """Train one model per (seed, w) and score it; returns the arrays stored in the .npz."""
    ws = jnp.asarray(META_PRIORS, jnp.float32)
    m = len(META_PRIORS)
    out: dict[str, list] = {k: [] for k in ("rec", "kl", "sd_free", "er_mse", "ol_mse", "history")}
    for s in range(seeds):
        t0 = time.time()
        data = pv.fsm_sine_data(config.key(1000 + s), num_seqs, length)
        tests = pv.fsm_sine_data(config.key(2000 + s), num_test, test_length)
        tr = pv.train_pvrnn(config.key(3000 + s), data, ws, num_steps=steps, tau=TAU)
        hist = np.asarray(tr.history)  # (M, steps, 2)
        out["history"].append(hist[:, :: max(1, steps // 100)])
        out["rec"].append(hist[:, -100:, 0].mean(1))
        out["kl"].append(hist[:, -100:, 1].mean(1))
        sd, er, ol = [], [], []
        for i in range(m):
            p = jax.tree.map(lambda v, i=i: v[i], tr.params)
            gen = pv.generate(config.key(4000 + s), p, length, 16, TAU)
            sd.append(float(gen.sd_prior[:, 1:].mean()))
            open_loop = pv.open_loop_prediction(p, test_length, TAU)
            e_mse, o_mse = [], []
            for x in tests:
                pred = pv.error_regression(p, x, float(ws[i]), TAU, window=10, num_iters=30)
                e_mse.append(float(jnp.mean((pred[10:] - x[10:]) ** 2)))
                o_mse.append(float(jnp.mean((open_loop[10:] - x[10:]) ** 2)))
            er.append(np.mean(e_mse))
            ol.append(np.mean(o_mse))
            if s == 0:  # examples for the notebook's figures and panel
                out.setdefault("ex_gen", []).append(np.asarray(gen.x_hat[:3, :, 0]))
                out.setdefault("ex_sd", []).append(np.asarray(gen.sd_prior[0, :, 0]))
                run = pv.pvrnn_run(
                    p, tr.adaptive[i, 0], jnp.zeros((length, p.w_zd.shape[0])), jnp.ones(length, bool), TAU
                )
                out.setdefault("ex_rec", []).append(np.asarray(run.x_hat[:, 0]))
                pred = pv.error_regression(p, tests[0], float(ws[i]), TAU, window=10, num_iters=30)
                out.setdefault("ex_er", []).append(np.asarray(pred[:, 0]))
                out.setdefault("ex_ol", []).append(np.asarray(open_loop[:, 0]))
                if i == 0:
                    out["ex_data"] = [np.asarray(data[0, :, 0])]
                    out["ex_test"] = [np.asarray(tests[0, :, 0])]
        out["sd_free"].append(sd)
        out["er_mse"].append(er)
        out["ol_mse"].append(ol)
        print(
            f"seed {s}: {time.time() - t0:.0f} s; KL/step {np.round(out['kl'][-1], 3).tolist()}; "
            f"sd_prior {np.round(sd, 3).tolist()}",
            flush=True,
        )
    arrays = {k: np.asarray(v, np.float32) for k, v in out.items()}
    arrays["ex_data"] = arrays["ex_data"][0]
    arrays["ex_test"] = arrays["ex_test"][0]
    arrays["meta_priors"] = np.asarray(META_PRIORS, np.float32)
    arrays["config"] = np.asarray([seeds, steps, num_seqs, length, test_length, num_test, TAU], np.float32)
    return arrays


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="data/minds/pvrnn_sweep.npz")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=2000)
    args = ap.parse_args()
    arrays = sweep(args.seeds, args.steps)
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    print(f"wrote {path} ({path.stat().st_size} bytes) sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
