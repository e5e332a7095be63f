"""Panels of track E: confident parallel decoding (23) and the EDLM energy correction (24)."""

from __future__ import annotations

from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import config
from priorscope.discrete import (
    caption_world,
    conditional_marginals,
    confident_decode,
    decode_words,
    exact_sampler_law,
    log_prob,
    markov_chain_law,
    sample_edlm,
    sample_frequencies,
    sticky_transition,
    support_contains,
)
from priorscope.metrics import kl_divergence
from priorscope.viz.controls import Choice, FloatSlider, IntSlider, Toggle
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["EDLM_WORLD", "THRESHOLDS", "make_confident_decoding_panel", "make_edlm_panel", "sequence_labels"]

#: The Markov chain of notebook 24: vocabulary, length and probability of repeating the previous token.
EDLM_WORLD = {"vocab_size": 3, "length": 5, "stay": 0.8}
#: Step counts at which the EDLM panel samples (each is one compiled scan).
EDLM_PANEL_STEPS = (2, 3)
#: Threshold grid of the confident-decoding panel's curves.
THRESHOLDS = (0.05, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


def sequence_labels(sequences: Any) -> list[str]:
    """Short labels ``"00121"`` for sequences of small token ids."""
    return ["".join(str(int(v)) for v in row) for row in np.asarray(sequences)]


def _edlm_compute(
    key: Any, window_low: Any, window_high: Any, temperature: Any, k: int, released_sign: bool, *, law: Any, n: int
) -> dict[str, Any]:
    vocab, length = law.vocab_size, law.length
    den = partial(conditional_marginals, law)
    ar = partial(log_prob, law)
    start = jnp.full((length,), vocab)
    sign = 1 if released_sign else -1
    kls, freq2 = [], None
    for steps in EDLM_PANEL_STEPS:
        keys = jax.random.split(jax.random.fold_in(key, steps), n)
        toks = jax.vmap(
            lambda kk, s=steps: (
                sample_edlm(kk, den, ar, start, vocab, s, k, window_low, window_high, temperature, sign).tokens
            )
        )(keys)
        freq = sample_frequencies(law, toks)
        kls.append(kl_divergence(freq, law.probs))
        if steps == 2:
            freq2 = freq
    exact = law.sequences[jax.random.categorical(jax.random.fold_in(key, 99), jnp.log(law.probs), shape=(n,))]
    return {
        "kl_edlm": jnp.stack(kls),
        "freq2": freq2,
        "floor": kl_divergence(sample_frequencies(law, exact), law.probs),
    }


def make_edlm_panel(name: str = "24.edlm") -> Panel:
    """KL to the exact chain vs steps for MDLM (exact) and EDLM (k candidates), and the law at two steps."""
    world = EDLM_WORLD
    vocab, length = world["vocab_size"], world["length"]
    law = markov_chain_law(jnp.ones(vocab) / vocab, sticky_transition(vocab, world["stay"]), length)
    n = config.size("24.panel_samples", fast=2048, full=4096, gpu=65536)
    p = np.asarray(law.probs, dtype=np.float64)
    q = {s: exact_sampler_law(law, s) for s in range(1, length + 1)}
    kl_mdlm = np.asarray([np.sum(q[s] * np.log(q[s] / p)) for s in range(1, length + 1)])
    top = np.argsort(-p)[:15]
    labels = sequence_labels(np.asarray(law.sequences)[top])
    steps_axis = np.arange(1, length + 1, dtype=float)
    xs = np.arange(len(top), dtype=float)

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(2, 1, row_height=230)
        ax1.line("mdlm", steps_axis, kl_mdlm, color=COLORS[0], marker=True, label="MDLM (exact, enumerated)")
        ax1.line("edlm", color=COLORS[1], marker=True, label="EDLM at 2 and 3 steps (Monte Carlo)")
        ax1.hline("floor", 0.0, color="#808080", dash=":", label="exact samples (estimator floor)")
        ax1.set(xlabel="denoising steps N", ylabel="KL(sampler ‖ chain)", xticks=list(steps_axis), legend="upper right")
        ax2.bars("p", xs - 0.27, p[top], width=0.27, color="#404040", label="exact chain")
        ax2.bars("q", xs, q[2][top], width=0.27, color=COLORS[0], label="MDLM, 2 steps")
        ax2.bars("e", xs + 0.27, np.zeros(len(top)), width=0.27, color=COLORS[1], label="EDLM, 2 steps")
        ax2.set(
            xlabel="the 15 most likely sequences",
            ylabel="probability",
            xticks=list(xs),
            xticklabels=labels,
            legend="upper right",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        kl = np.asarray(r["kl_edlm"])
        fig["edlm"].set_data(np.asarray(EDLM_PANEL_STEPS, dtype=float), kl)
        fig["floor"].set_data([float(r["floor"])])
        fig["e"].set_data(xs + 0.27, np.asarray(r["freq2"])[top])
        sign = "+E (released code)" if params["released_sign"] else "−E (paper)"
        hi = max(float(kl.max()), float(kl_mdlm.max()))
        fig.axes[0].set(
            ylim=(0.0, 1.25 * hi),
            title=f"k = {params['k']}, weights e^({sign[:2]}/T), window [{params['window_low']:.2f}, "
            f"{params['window_high']:.2f}]",
        )
        fig.axes[1].set(ylim=(0.0, 1.3 * float(max(p[top].max(), np.asarray(r["freq2"])[top].max()))))

    return Panel(
        name,
        partial(_edlm_compute, law=law, n=n),
        {
            "window_low": FloatSlider(0.0, 1.0, 0.0, description="window start"),
            "window_high": FloatSlider(0.0, 1.0, 1.0, description="window end"),
            "temperature": FloatSlider(0.25, 4.0, 1.0, log=True, description="temperature T"),
            "k": IntSlider(1, 16, 4, buckets=(1, 4, 16), description="candidates k"),
            "released_sign": Toggle(False, description="released +E sign"),
        },
        setup,
        draw,
        random=True,
        title="24 · Energy-corrected masked diffusion on an enumerable Markov chain",
        caption="more candidates k pull EDLM's KL (orange) below MDLM's (blue) at few steps; the +E sign or a window "
        "that misses the first steps undoes the gain.",
    )


def _decode_compute(
    key: Any,
    threshold: Any,
    temperature: Any,
    confidence: str,
    budget: int,
    structure: bool,
    *,
    reps: int,
) -> dict[str, Any]:
    world = caption_world()
    law = world.law
    vocab = law.vocab_size
    den = partial(conditional_marginals, law)
    caption = world.structure[0] if structure else jnp.full((8,), vocab)
    starts = jnp.concatenate([world.conditions, jnp.broadcast_to(caption, (world.conditions.shape[0], 8))], axis=1)
    starts = jnp.repeat(starts, reps, axis=0)
    keys = jax.random.split(key, starts.shape[0])

    def run(tau):
        out = jax.vmap(
            lambda kk, z: confident_decode(kk, den, z, vocab, budget, tau, confidence, temperature=temperature)
        )(keys, starts)
        valid = jax.vmap(partial(support_contains, law))(out.tokens)
        return out, valid

    taus = jnp.asarray(THRESHOLDS)

    def summary(tau):
        out, valid = run(tau)
        return jnp.mean(out.num_iterations), jnp.mean(valid)

    iters_grid, valid_grid = jax.vmap(summary)(taus)
    out, valid = run(threshold)
    hist = jnp.bincount(out.num_iterations, length=budget + 1)[1:] / out.num_iterations.shape[0]
    return {
        "iters_grid": iters_grid,
        "valid_grid": valid_grid,
        "iters": jnp.mean(out.num_iterations),
        "valid": jnp.mean(valid),
        "hist": hist,
        "example": out.tokens[0],
        "example_steps": out.unmask_step[0, 3:],
    }


def make_confident_decoding_panel(name: str = "23.confident_decoding") -> Panel:
    """Iterations and validity vs threshold, the unmasking raster of one caption, the iteration histogram."""
    reps = config.size("23.panel_reps", fast=16, full=32, gpu=256)
    taus = np.asarray(THRESHOLDS)

    def setup(fig: Figure) -> None:
        ax1, ax2, ax3, ax4 = fig.grid(2, 2, row_height=240)
        ax1.line("iters", color=COLORS[0], marker=True, label="mean iterations")
        ax1.scatter("iters_now", color=COLORS[3], size=10.0, label="at the chosen τ")
        ax1.hline("budget", 8.0, color="#808080", dash=":", label="step budget")
        ax1.set(xlabel="threshold τ", ylabel="denoiser calls", xlim=(0.0, 1.02), legend="upper left")
        ax2.line("valid", color=COLORS[1], marker=True, label="valid captions")
        ax2.scatter("valid_now", color=COLORS[3], size=10.0, label="at the chosen τ")
        ax2.set(xlabel="threshold τ", ylabel="fraction valid", xlim=(0.0, 1.02), ylim=(0.0, 1.1), legend="lower right")
        ax3.image("raster", np.zeros((8, 8)), extent=(0.5, 8.5, -0.5, 7.5), cmap="viridis", vmin=0.0, vmax=2.0)
        ax3.set(xlabel="iteration", ylabel="caption position", ylim=(7.5, -0.5))
        ax4.bars("hist", np.arange(1, 9, dtype=float), np.zeros(8), width=0.7, color=COLORS[0])
        ax4.set(xlabel="iterations used", ylabel="fraction of captions", ylim=(0.0, 1.05))

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        budget = params["budget"]
        fig["iters"].set_data(taus, np.asarray(r["iters_grid"]))
        fig["iters_now"].set_data([params["threshold"]], [float(r["iters"])])
        fig["budget"].set_data([float(budget)])
        fig["valid"].set_data(taus, np.asarray(r["valid_grid"]))
        fig["valid_now"].set_data([params["threshold"]], [float(r["valid"])])
        steps = np.asarray(r["example_steps"])
        raster = np.zeros((8, 8))  # 0 masked, 2 unmasked at this iteration, 1 unmasked before
        for pos, s in enumerate(steps):
            if s < 0:
                raster[pos, :] = 1.0  # given by the structure prior
            else:
                raster[pos, s] = 2.0
                raster[pos, s + 1 :] = 1.0
        fig["raster"].set_data(raster)
        fig.axes[0].set(ylim=(0.0, budget + 1.0), title=f"τ = {params['threshold']:.2f}: {float(r['iters']):.2f} calls")
        fig.axes[1].set(title=f"valid: {100 * float(r['valid']):.0f}%")
        words = decode_words(np.asarray(r["example"])[3:]).replace("<end>", "").strip()
        fig.axes[2].set(xlim=(0.5, 8.5), title=f"“{words}”")
        fig["hist"].set_data(np.arange(1, budget + 1, dtype=float), np.asarray(r["hist"]))
        fig.axes[3].set(xlim=(0.3, budget + 0.7), title=f"budget {budget} steps")

    return Panel(
        name,
        partial(_decode_compute, reps=reps),
        {
            "threshold": FloatSlider(0.0, 1.0, 0.9, description="threshold τ"),
            "temperature": FloatSlider(0.0, 1.5, 0.0, description="token temperature"),
            "confidence": Choice(("max_prob", "margin", "entropy"), "max_prob", description="confidence"),
            "budget": IntSlider(4, 8, 8, buckets=(4, 8), description="step budget"),
            "structure": Toggle(False, description="structure prior (template A)"),
        },
        setup,
        draw,
        random=True,
        title="23 · Confident parallel decoding of toy captions",
        caption="a high threshold τ waits until positions are sure (few calls, valid captions); a low one unmasks "
        "uncertain positions together and splices templates; the structure prior keeps every caption valid.",
    )
