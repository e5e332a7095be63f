"""Panels for amortized inference: attention masks (t06), a PFN against the exact GP (14), LC-PFN early stopping
(15), a distribution transformer against the exact GMM posterior (16). Builders take optional trained weights; by
default they load the shipped checkpoints from ``data/amortized/``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import amortized as am
from priorscope import gp, nn
from priorscope.viz import Choice, Figure, FloatSlider, IntSlider, Panel
from priorscope.viz.style import COLORS

__all__ = ["make_attention_panel", "make_dt_panel", "make_lcpfn_panel", "make_pfn_panel"]


# --------------------------------------------------------------------------- t06: attention under a mask
def make_attention_panel(*, length: int = 10, seed: int = 0) -> Panel:
    """Attention weights of one random head over ``length`` positions under a causal, full or PFN mask.

    Knobs: the mask, the number of context positions (PFN mask), the temperature dividing the logits.
    """
    d = length  # values = the identity, so the output is the weights themselves

    def compute(key: Any, mask: str, num_context: Any, temperature: Any) -> Any:
        kq, kk = jax.random.split(key)
        q = jax.random.normal(kq, (1, length, d))
        k = jax.random.normal(kk, (1, length, d))
        is_ctx = jnp.arange(length) < num_context
        masks = {
            "causal (language model)": nn.causal_mask(length),
            "full (set / bidirectional)": nn.full_mask(length),
            "PFN context/query": is_ctx[None, :] | jnp.eye(length, dtype=bool),
        }
        m = masks[mask]
        weights = nn.attention(q / temperature, k, jnp.eye(length)[None], m)[0]
        return {"weights": weights[::-1]}  # row 0 of an image is drawn at the bottom

    def setup(fig: Figure) -> None:
        (ax,) = fig.grid(1, 1, row_height=380)
        ax.image("weights", np.zeros((length, length)), extent=(-0.5, length - 0.5, -0.5, length - 0.5),
                 cmap="viridis", vmin=0.0, vmax=1.0)  # fmt: skip
        ticks = list(range(length))
        ax.set(xlabel="key position j (read from)", ylabel="query position i (reads)", xticks=ticks,
               yticks=ticks, yticklabels=[str(length - 1 - t) for t in ticks], aspect="equal")  # fmt: skip

    def draw(fig: Figure, res: Any, params: dict[str, Any]) -> None:
        fig["weights"].set_data(np.asarray(res["weights"]))
        fig.axes[0].set(title=f"{params['mask']}: each row sums to 1; masked entries are 0")

    controls = {
        "mask": Choice(
            ("causal (language model)", "full (set / bidirectional)", "PFN context/query"),
            "PFN context/query",
            description="mask",
        ),  # fmt: skip
        "num_context": IntSlider(0, length, 4, description="context positions"),
        "temperature": FloatSlider(0.2, 5.0, 1.0, log=True, description="temperature"),
    }
    return Panel(
        "t06.attention", compute, controls, setup, draw, seed=seed, random=True,
        title="t06 · Attention weights under a mask",
        caption="causal: a lower triangle; PFN: context columns are shared by every row, and each query row adds "
        "only its own diagonal entry; a high temperature flattens each row towards uniform over what it may see.",
    )  # fmt: skip


# --------------------------------------------------------------------------- 14: PFN vs exact GP
def make_pfn_panel(params: Any = None, borders: Any = None, *, max_context: int = 20, seed: int = 0) -> Panel:
    """PFN posterior predictive (bar-density heatmap, 90% band) against the exact GP (ℓ = 0.25) on a test function.

    Knobs: the number of context points and the test function's lengthscale (0.25 is in-prior; far from it the
    function is out-of-prior and the PFN, like the exact GP with the prior's ℓ, is misspecified).
    """
    if params is None or borders is None:
        params, _, extra = am.load_checkpoint("pfn_gp")
        borders = extra["borders"]
    borders = jnp.asarray(borders)
    grid = jnp.linspace(0.0, 1.0, 61)
    ygrid = jnp.linspace(-3.5, 3.5, 71)

    def compute(key: Any, num_context: Any, test_lengthscale: Any) -> Any:
        kx, kf = jax.random.split(key)
        xc = jax.random.uniform(kx, (max_context,))
        x_all = jnp.concatenate([xc, grid])
        d2 = (x_all[:, None] - x_all[None]) ** 2
        cov = jnp.exp(-0.5 * d2 / test_lengthscale**2) + 1e-5 * jnp.eye(x_all.shape[0])
        f = jnp.linalg.cholesky(cov) @ jax.random.normal(kf, x_all.shape)
        yc = f[:max_context] + 0.1 * jax.random.normal(jax.random.fold_in(kf, 1), (max_context,))
        logits = am.pfn_logits(params, xc, yc, grid, num_context=num_context)
        dens = jnp.exp(am.bar_log_prob(logits[:, None, :], borders, ygrid[None, :]))  # (grid, ygrid)
        lo = am.bar_quantile(logits, borders, 0.05, num_iter=30)
        hi = am.bar_quantile(logits, borders, 0.95, num_iter=30)
        used = jnp.arange(max_context) < num_context
        noise_var = jnp.where(used, 0.01, 1e6)  # unused context points get infinite noise: exactly ignored
        kernel = gp.RBF(lengthscale=jnp.asarray(0.25), variance=jnp.asarray(1.0))
        mean, var = gp.posterior(kernel, xc, yc, noise_var, grid, full_cov=False)
        sd = jnp.sqrt(jnp.maximum(var, 0.0) + 0.01)
        band = {"gp_lo": mean - 1.645 * sd, "gp_hi": mean + 1.645 * sd}
        return {"dens": jnp.minimum(dens.T, 3.0), "lo": lo, "hi": hi, "mean": mean, **band,
                "f": f[max_context:], "xc": jnp.where(used, xc, -1.0), "yc": yc}  # fmt: skip

    def setup(fig: Figure) -> None:
        (ax,) = fig.grid(1, 1, row_height=360)
        ax.image("dens", np.zeros((71, 61)), extent=(0.0, 1.0, -3.5, 3.5), cmap="Blues", vmin=0.0, vmax=3.0)
        ax.line("gp_lo", color=COLORS[1], dash="--", width=1.5, label="exact GP 90% band")
        ax.line("gp_hi", color=COLORS[1], dash="--", width=1.5)
        ax.line("lo", color=COLORS[0], width=1.5, label="PFN 90% band")
        ax.line("hi", color=COLORS[0], width=1.5)
        ax.line("f", color="#000000", dash=":", width=1.0, label="test function")
        ax.scatter("ctx", size=7, color=COLORS[3], label="context")
        ax.set(xlabel="x", ylabel="y", xlim=(0.0, 1.0), ylim=(-3.5, 3.5), legend="lower left")

    def draw(fig: Figure, res: Any, params_: dict[str, Any]) -> None:
        g = np.asarray(grid)
        fig["dens"].set_data(np.asarray(res["dens"]))
        for name in ("gp_lo", "gp_hi", "lo", "hi", "f"):
            fig[name].set_data(g, np.asarray(res[name]))
        fig["ctx"].set_data(np.asarray(res["xc"]), np.asarray(res["yc"]))
        fig.axes[0].set(title=f"{int(params_['num_context'])} context points, test ℓ = "
                        f"{float(params_['test_lengthscale']):.2f} (prior ℓ = 0.25); shade = PFN density")  # fmt: skip

    controls = {
        "num_context": IntSlider(0, max_context, 5, description="context points"),
        "test_lengthscale": FloatSlider(0.05, 1.0, 0.25, log=True, description="test function ℓ"),
    }
    return Panel(
        "14.pfn", compute, controls, setup, draw, seed=seed, random=True,
        title="14 · A PFN's posterior predictive against the exact GP",
        caption="in-prior (ℓ = 0.25) the PFN band (solid) sits on the exact GP band (dashed) at every context size; "
        "with a much shorter test ℓ both are overconfident between the points.",
    )  # fmt: skip


# --------------------------------------------------------------------------- 15: LC-PFN early stopping
def make_lcpfn_panel(
    params: Any = None, borders: Any = None, curves: Any = None, labels: Any = None, *, seed: int = 0
) -> Panel:
    """LC-PFN extrapolation of a learning curve from its first epochs, and the early-stopping decision it implies.

    ``curves (R, T)`` are the runs to choose from (default: six held-out curves from the LC-PFN prior), ``labels``
    their names. Knobs: which curve, how many epochs are observed, the target (e.g. the best final accuracy of
    another run) and the threshold δ: the run is stopped when ``P(y_T > target) < δ``.
    """
    if params is None or borders is None:
        params, meta, extra = am.load_checkpoint("lcpfn")
        borders = extra["borders"]
        num_epochs = int(meta["num_epochs"])
    else:
        num_epochs = 50 if curves is None else int(np.shape(curves)[-1])
    borders = jnp.asarray(borders)
    if curves is None:
        curves, _ = am.sample_lc_curves(jax.random.fold_in(jax.random.key(seed), 15), 6, num_epochs)
        labels = [f"prior curve {i + 1}" for i in range(6)]
    curves = jnp.asarray(curves, dtype=float)
    if curves.ndim != 2 or curves.shape[1] < 3:
        raise ValueError(f"curves must have shape (runs, epochs) with at least 3 epochs, got {curves.shape}")
    num_runs, num_epochs = curves.shape
    labels = [f"run {i + 1}" for i in range(num_runs)] if labels is None else [str(v) for v in labels]
    if len(labels) != num_runs:
        raise ValueError(f"labels must name each of the {num_runs} curves, got {len(labels)}")

    def compute(key: Any, curve: Any, num_observed: Any, target: Any, delta: Any) -> Any:
        del key  # deterministic: the PFN's predictive is a function of the observed epochs
        y = curves[curve]
        logits = am.lcpfn_logits(params, y, num_observed)
        levels = (0.05, 0.25, 0.5, 0.75, 0.95)
        qs = {f"q{int(100 * q)}": am.bar_quantile(logits, borders, q, num_iter=30) for q in levels}
        t = jnp.arange(1, num_epochs + 1)
        seen = t <= num_observed
        best = jnp.max(jnp.where(seen, y, -jnp.inf))
        p_target = 1.0 - am.bar_cdf(logits[-1], borders, target)
        p_best = 1.0 - am.bar_cdf(logits[-1], borders, best)
        # the tail starts at the last observed epoch: earlier epochs collapse onto that point (drawn, all finite)
        y_last = jnp.sum(jnp.where(t == num_observed, y, 0.0))
        tail = {k: jnp.where(seen, y_last, v) for k, v in {**qs, "unseen": y}.items()}
        return {**tail, "x_tail": jnp.maximum(t, num_observed).astype(float),
                "x_seen": jnp.where(seen, t, -10.0).astype(float), "p_target": p_target, "p_best": p_best,
                "stop": p_target < delta}  # fmt: skip

    def setup(fig: Figure) -> None:
        (ax,) = fig.grid(1, 1, row_height=340)
        ax.band("b90", color=COLORS[0], alpha=0.18, label="PFN 90% interval")
        ax.band("b50", color=COLORS[0], alpha=0.35, label="PFN 50% interval")
        ax.line("q50", color=COLORS[0], width=2.0, label="PFN median")
        ax.line("unseen", color="#000000", dash=":", width=1.2, label="what happened (hidden from the PFN)")
        ax.scatter("seen", color=COLORS[3], size=5.0, alpha=1.0, label="observed epochs")
        ax.hline("target", 0.9, color=COLORS[1], dash="--", width=1.5, label="target")
        ax.set(xlabel="epoch", ylabel="validation accuracy / curve value", xlim=(1, num_epochs), ylim=(0.0, 1.05),
               legend="lower right")  # fmt: skip

    def draw(fig: Figure, res: Any, p: dict[str, Any]) -> None:
        r = {k: np.asarray(v) for k, v in res.items()}
        fig["b90"].set_data(r["x_tail"], r["q5"], r["q95"])
        fig["b50"].set_data(r["x_tail"], r["q25"], r["q75"])
        for name in ("q50", "unseen"):
            fig[name].set_data(r["x_tail"], r[name])
        fig["seen"].set_data(r["x_seen"], np.asarray(curves)[int(p["curve"])])
        fig["target"].set_data([float(p["target"])])
        verdict = "STOP" if bool(r["stop"]) else "CONTINUE"
        head = f"{labels[int(p['curve'])]}, {int(p['num_observed'])} seen"
        fig.axes[0].set(title=f"{head}: P(final > target) = {float(r['p_target']):.2f} → {verdict}; "
                        f"P(final > best) = {float(r['p_best']):.2f}")  # fmt: skip

    controls = {
        "curve": IntSlider(0, num_runs - 1, 0, description="curve"),
        "num_observed": IntSlider(1, num_epochs - 1, min(10, num_epochs - 1), description="epochs observed"),
        "target": FloatSlider(0.3, 1.0, 0.9, description="target accuracy"),
        "delta": FloatSlider(0.01, 0.5, 0.05, log=True, description="stop if P < δ"),
    }
    return Panel(
        "15.lcpfn", compute, controls, setup, draw, seed=seed,
        title="15 · LC-PFN: extrapolate a learning curve, decide whether to stop",
        caption="the bands are the PFN's predictive quantiles for each unseen epoch, from one forward pass; the run "
        "is stopped when the probability that its final value beats the target falls below δ.",
    )  # fmt: skip


# --------------------------------------------------------------------------- 16: distribution transformer
def make_dt_panel(params: Any = None) -> Panel:
    """A two-component GMM prior, an observation ``z = x + N(0, 1)``: exact posterior vs the trained DT's."""
    if params is None:
        params, _, _ = am.load_checkpoint("dt_gmm")
    grid = jnp.linspace(-6.0, 6.0, 241)

    def compute(key: Any, weight_1: Any, mean_1: Any, mean_2: Any, var_1: Any, var_2: Any, z: Any) -> Any:
        del key  # deterministic: the panel is not random
        w = jnp.stack([weight_1, 1.0 - weight_1])
        m = jnp.stack([mean_1, mean_2])
        v = jnp.stack([var_1, var_2])
        ew, em, ev = am.kalman_gmm_posterior(w, m[:, None], v[:, None, None], z[None], jnp.ones((1, 1)),
                                             jnp.ones((1, 1)))  # fmt: skip
        exact = (ew, em[:, 0], ev[:, 0, 0])
        q = am.dt_posterior(params, w, m, v, z)
        kl = jnp.sum(jnp.exp(am.gmm_log_prob(*q, grid)) * (am.gmm_log_prob(*q, grid) - am.gmm_log_prob(*exact, grid)))
        return {"prior": jnp.exp(am.gmm_log_prob(w, m, v, grid)), "exact": jnp.exp(am.gmm_log_prob(*exact, grid)),
                "dt": jnp.exp(am.gmm_log_prob(*q, grid)), "kl": kl * (grid[1] - grid[0])}  # fmt: skip

    def setup(fig: Figure) -> None:
        (ax,) = fig.grid(1, 1, row_height=320)
        ax.line("prior", color="#888888", dash=":", width=1.5, label="prior")
        ax.line("exact", color="#000000", width=2.0, label="exact posterior")
        ax.line("dt", color=COLORS[0], dash="--", width=2.0, label="DT posterior")
        ax.vline("z", 0.0, dash="-.")
        ax.set(xlabel="x", ylabel="density", xlim=(-6.0, 6.0), ylim=(0, None), legend="upper right")

    def draw(fig: Figure, res: Any, params_: dict[str, Any]) -> None:
        g = np.asarray(grid)
        for name in ("prior", "exact", "dt"):
            fig[name].set_data(g, np.asarray(res[name]))
        fig["z"].set_data([float(params_["z"])])
        fig.axes[0].set(title=f"KL(DT ‖ exact) = {float(res['kl']):.4f} nats (z marked by the dash-dot line)")

    controls = {
        "weight_1": FloatSlider(0.05, 0.95, 0.3, description="weight w₁"),
        "mean_1": FloatSlider(-3.0, 3.0, -1.5, description="mean μ₁"),
        "mean_2": FloatSlider(-3.0, 3.0, 1.5, description="mean μ₂"),
        "var_1": FloatSlider(0.1, 4.0, 0.5, log=True, description="variance σ₁²"),
        "var_2": FloatSlider(0.1, 4.0, 1.0, log=True, description="variance σ₂²"),
        "z": FloatSlider(-4.0, 4.0, 0.5, description="observation z"),
    }
    return Panel(
        "16.dt", compute, controls, setup, draw, title="16 · A distribution transformer updates a GMM prior",
        caption="move the prior's components or the observation: the DT's posterior (dashed) tracks the exact "
        "Kalman-mixture posterior without retraining; the KL in the title stays small inside the meta-prior.",
    )  # fmt: skip
