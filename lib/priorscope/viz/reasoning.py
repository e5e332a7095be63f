"""Panels of track F's process-supervision notebooks (27 AlphaMath, 28 PRM lessons, 29 SCAN, 30 BiPRM,
31 early rejection)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import config
from priorscope.scaling import env as _env
from priorscope.scaling import prm as _prm
from priorscope.scaling import search as _search
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_prm_labels_panel",
    "make_early_rejection_panel",
    "make_alphamath_panel",
    "make_biprm_panel",
    "make_scan_panel",
]


def _bars(ax: Any, n: int, colors: Any, width: float = 0.6, offset: float = 0.0) -> list[Any]:
    return list(ax.bar(np.arange(n) + offset, np.zeros(n), width=width, color=colors))


def make_prm_labels_panel(name: str = "28.labels") -> Panel:
    """MC vs judge vs consensus labels, and best-of-N with an MC-value verifier (the paper's knobs)."""
    num_problems = config.size("28.panel_problems", fast=100, full=250, gpu=2000)
    num_steps = 8

    def compute(key, completer_skill, num_rollouts, judge_hit, judge_false_alarm, self_correct, lucky):
        return _prm.label_study(
            key,
            num_problems=num_problems,
            num_responses=8,
            num_rollouts=num_rollouts,
            completer_skill=completer_skill,
            judge_hit=judge_hit,
            judge_false_alarm=judge_false_alarm,
            self_correct=self_correct,
            lucky=lucky,
            num_steps=num_steps,
            max_rollouts=16,
        )

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=(1.3, 1, 1.3))
        loc = _bars(ax1, 5, [COLORS[0], COLORS[1], COLORS[2], "grey", COLORS[4]])
        ax1.set_xticks(range(5), ["MC", "judge", "consensus", "kept", "MC under/\nover"], fontsize=8)
        ax1.set(ylim=(0, 1), ylabel="fraction", title="first-error location accuracy")
        over = ax1.bar([4.0], [0.0], width=0.3, color=COLORS[3])[0]
        groups = ["1 sample", *_prm.AGGREGATORS]
        out = _bars(ax2, 4, COLORS[0], width=0.38, offset=-0.2)
        proc = _bars(ax2, 4, COLORS[2], width=0.38, offset=0.2)
        out[0].set_label("answer right")
        proc[0].set_label("process right")
        ax2.set_xticks(range(4), groups, fontsize=8)
        ax2.set(ylim=(0, 1.18), yticks=[0, 0.25, 0.5, 0.75, 1.0], ylabel="accuracy", title="BoN@8, MC-value verifier")
        ax2.legend(loc="upper center", fontsize=7, ncol=2)
        steps = np.arange(num_steps)
        hist_min = ax3.bar(steps - 0.2, np.zeros(num_steps), width=0.4, color=COLORS[1], label="argmin of MC value")
        hist_err = ax3.bar(steps + 0.2, np.zeros(num_steps), width=0.4, color=COLORS[2], label="true first error")
        ax3.set(xlabel="step", ylabel="fraction of wrong solutions", ylim=(0, 1), title="where the minimum sits")
        ax3.legend(loc="upper left", fontsize=8)
        return {"ax1": ax1, "loc": loc, "over": over, "out": out, "proc": proc, "min": hist_min, "err": hist_err}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        vals = [*np.asarray(r["loc_acc"]), float(r["kept"]), float(r["under"])]
        for bar, v in zip(a["loc"], vals, strict=True):
            bar.set_height(v)
        a["loc"][4].set_width(0.3)
        a["loc"][4].set_x(3.7)
        a["over"].set_height(float(r["over"]))
        table = np.concatenate([np.asarray(r["policy"])[None], np.asarray(r["bon"])])  # (4, 2)
        for j in range(4):
            a["out"][j].set_height(table[j, 0])
            a["proc"][j].set_height(table[j, 1])
        for bar, v in zip(a["min"], np.asarray(r["argmin_hist"]), strict=True):
            bar.set_height(v)
        for bar, v in zip(a["err"], np.asarray(r["first_hist"]), strict=True):
            bar.set_height(v)
        a["ax1"].set_title(
            f"location accuracy; MC under {float(r['under']):.2f} / over {float(r['over']):.2f}", fontsize=10
        )

    return Panel(
        name,
        compute,
        {
            "completer_skill": FloatSlider(-2.0, 4.0, 0.5, description="completer skill c"),
            "num_rollouts": IntSlider(1, 16, 8, description="rollouts N (traced)"),
            "judge_hit": FloatSlider(0.0, 1.0, 0.75, description="judge hit a_J"),
            "judge_false_alarm": FloatSlider(0.0, 0.5, 0.05, description="judge false alarm f_J"),
            "self_correct": FloatSlider(0.0, 0.6, 0.15, description="self-correction r"),
            "lucky": FloatSlider(0.0, 0.6, 0.1, description="lucky ρ"),
        },
        setup,
        draw,
        figsize=(11, 3.6),
        title="Where do step labels come from? MC rollouts vs a judge vs their consensus",
    )


def make_early_rejection_panel(name: str = "31.early_rejection") -> Panel:
    """Early rejection: partial vs full rewards, the drop-the-best risk against τ, and accuracy vs tokens."""
    num_problems = config.size("31.panel_problems", fast=400, full=1000, gpu=20000)
    num_tokens, num_steps, beam_width = 256, 4, 4
    taus = jnp.array([4, 8, 16, 32, 64, 128, 192, 256])

    def compute(key, tau, noise, late_fraction, num_beams):
        er, van = _search.er_experiment(
            key,
            tau,
            num_problems=num_problems,
            num_beams=num_beams,
            beam_width=beam_width,
            num_steps=num_steps,
            num_tokens=num_tokens,
            noise=noise,
            late_fraction=late_fraction,
            kappa=0.5,
        )
        margin_risk = _search.drop_best_prob(0.5, taus, noise, num_beams, num_beams // beam_width)
        return {
            "partial": er.partial[:, 0].reshape(-1),
            "full": er.full[:, 0].reshape(-1),
            "density": jnp.histogram2d(
                er.partial[:, 0].reshape(-1), er.full[:, 0].reshape(-1), bins=40, range=[[-3, 3], [-3, 3]]
            )[0],
            "acc": jnp.stack([van.success.mean(), er.success.mean()]),
            "tokens": jnp.stack([van.tokens.mean(), er.tokens.mean()]),
            "dropped": er.dropped_best.mean(),
            "margin_risk": margin_risk,
        }

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2, ax3 = fig.subplots(1, 3)
        img = ax1.imshow(
            np.zeros((40, 40)), origin="lower", extent=(-3, 3, -3, 3), cmap="Blues", aspect="auto", vmin=0, vmax=1
        )
        ax1.plot([-3, 3], [-3, 3], color="grey", lw=0.8)
        ax1.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="partial reward (first τ tokens)", ylabel="full-step reward")
        risk = ax2.semilogy(np.asarray(taus), np.ones(len(taus)), "o-", color=COLORS[1], label="exact, margin 0.5")[0]
        now = ax2.semilogy([1.0], [1.0], "s", color=COLORS[0], label="simulated (random q), at τ")[0]
        ax2.set(xlabel="partial length τ (tokens)", ylabel="P(drop the best)", ylim=(1e-5, 1.5))
        ax2.legend(loc="lower left", fontsize=8)
        bars = _bars(ax3, 2, [COLORS[0], COLORS[2]])
        ax3.set_xticks([0, 1], ["vanilla", "early rejection"])
        ax3.set(ylabel="expected accuracy", ylim=(0, 1))
        return {"ax1": ax1, "ax3": ax3, "img": img, "risk": risk, "now": now, "bars": bars}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        h = np.asarray(r["density"])
        a["img"].set_data(h.T / max(h.max(), 1e-12))
        c = np.corrcoef(np.asarray(r["partial"]), np.asarray(r["full"]))[0, 1]
        a["ax1"].set_title(f"Pearson r = {c:.2f} at τ = {float(params['tau']):.0f}", fontsize=10)
        a["risk"].set_ydata(np.maximum(np.asarray(r["margin_risk"]), 1e-6))
        a["now"].set_data([float(params["tau"])], [max(float(r["dropped"]), 1e-6)])
        for bar, v in zip(a["bars"], np.asarray(r["acc"]), strict=True):
            bar.set_height(v)
        ratio = float(r["tokens"][0] / r["tokens"][1])
        a["ax3"].set_title(f"{ratio:.2f}× fewer tokens", fontsize=10)

    return Panel(
        name,
        compute,
        {
            "tau": FloatSlider(1.0, 256.0, 64.0, log=True, description="partial length τ"),
            "noise": FloatSlider(0.5, 8.0, 3.0, log=True, description="token noise σ"),
            "late_fraction": FloatSlider(0.0, 1.0, 0.0, description="late-reveal fraction"),
            "num_beams": IntSlider(8, 16, 16, buckets=(8, 16), description="candidates N"),
        },
        setup,
        draw,
        figsize=(11, 3.5),
        title="Early rejection: score after τ tokens, complete only the survivors",
    )


def _tree_layout(tree: Any, num_steps: int) -> tuple[Any, Any]:
    """(x, y) of every created node: y = depth, x = its rank among the nodes of that depth, scaled to [0, 1]."""
    created = (tree.parent >= 0) | (jnp.arange(tree.parent.shape[0]) == 0)
    onehot = jax.nn.one_hot(tree.depth, num_steps + 1) * created[:, None]
    rank = (jnp.cumsum(onehot, axis=0) - 1.0) * onehot
    count = jnp.maximum(onehot.sum(0), 1.0)
    x = ((rank + 0.5) / count * onehot).sum(-1)
    return jnp.where(created, x, -1.0), tree.depth.astype(float)


def make_alphamath_panel(value_params: Any, name: str = "27.alphamath") -> Panel:
    """PUCT search on one problem: the tree (visits, on/off track) and the step values Q it assigns.

    Args:
        value_params: the value model trained in the notebook (a :class:`~priorscope.scaling.prm.PRMParams`).
    """
    num_steps, num_candidates = 6, 5
    env = _env.reasoning_env(num_steps, skill=1.0, self_correct=0.05, lucky=0.0)
    num_simulations_max = 40
    sig = {"policy_signal": 0.5, "value_signal": 1.0}

    def compute(key, c_puct, value_weight, difficulty, num_simulations):
        tree = _search.mcts(
            key,
            env,
            difficulty,
            value_params,
            num_simulations=num_simulations_max,
            num_candidates=num_candidates,
            c_puct=c_puct,
            value_weight=value_weight,
            simulations_used=num_simulations,
            **sig,
        )
        x, y = _tree_layout(tree, num_steps)
        q = tree.value_sum / jnp.maximum(tree.visits, 1.0)
        return {"x": x, "y": y, "visits": tree.visits, "on": tree.on_track, "q": q}

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.6, 1))
        size = 1 + num_simulations_max * num_candidates
        sc = ax1.scatter(
            np.zeros(size),
            np.zeros(size),
            s=np.zeros(size),
            c=np.zeros(size),
            cmap="coolwarm_r",
            vmin=0,
            vmax=1,
            edgecolors="k",
            linewidths=0.3,
        )
        ax1.set(
            xlim=(-0.02, 1.02), ylim=(num_steps + 0.5, -0.5), xlabel="nodes at this depth", ylabel="step", xticks=[]
        )
        bins = np.linspace(-1, 1, 21)
        h_on = ax2.stairs(np.zeros(20), bins, color=COLORS[0], label="on track")
        h_off = ax2.stairs(np.zeros(20), bins, color=COLORS[1], label="off track")
        ax2.set(xlabel="MCTS step value Q", ylabel="nodes", title="Q from final-answer rewards")
        ax2.legend(fontsize=8)
        return {"ax1": ax1, "ax2": ax2, "sc": sc, "on": h_on, "off": h_off, "bins": bins}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        x, y, visits, on, q = (np.asarray(r[k]) for k in ("x", "y", "visits", "on", "q"))
        n = x.shape[0]
        offsets = np.full((1 + num_simulations_max * num_candidates, 2), -10.0)
        sizes = np.zeros(offsets.shape[0])
        colors = np.zeros(offsets.shape[0])
        shown = x >= 0
        offsets[:n][shown] = np.c_[x, y][shown]
        sizes[:n][shown] = 4 + 150 * np.sqrt(visits[shown] / max(visits.max(), 1))
        colors[:n] = on
        a["sc"].set_offsets(offsets)
        a["sc"].set_sizes(sizes)
        a["sc"].set_array(colors)
        a["ax1"].set_title(f"PUCT tree: {int(visits[0])} simulations (size ∝ √visits; blue = on track)", fontsize=9)
        seen = visits > 0
        seen[0] = False
        h_on, _ = np.histogram(q[seen & on], a["bins"])
        h_off, _ = np.histogram(q[seen & ~on], a["bins"])
        a["on"].set_data(h_on)
        a["off"].set_data(h_off)
        a["ax2"].set_ylim(0, max(1, h_on.max(), h_off.max()) * 1.1)

    return Panel(
        name,
        compute,
        {
            "c_puct": FloatSlider(0.1, 5.0, 1.5, log=True, description="c_puct"),
            "value_weight": FloatSlider(0.0, 1.0, 0.5, description="value weight λ"),
            "difficulty": FloatSlider(-2.0, 3.0, 0.5, description="difficulty δ"),
            "num_simulations": IntSlider(1, 40, 40, description="simulations (traced)"),
        },
        setup,
        draw,
        figsize=(10, 3.8),
        title="AlphaMath: PUCT step values from final-answer rewards only",
    )


def make_biprm_panel(l2r: Any, biprm: Any, name: str = "30.biprm") -> Panel:
    """A trained left-to-right PRM and BiPRM on fresh solutions with a late-detectable error fraction f.

    Args:
        l2r: the left-to-right PRM (:class:`~priorscope.scaling.prm.PRMParams` on L2R stream features).
        biprm: the BiPRM (:class:`~priorscope.scaling.prm.BiPRMParams`).
    """
    num_steps, lag = 8, 2
    num_problems = config.size("30.panel_problems", fast=150, full=400, gpu=4000)

    def compute(key, late_fraction):
        return _prm.direction_study(
            key, l2r, biprm, late_fraction=late_fraction, lag=lag, num_problems=num_problems, num_steps=num_steps
        )

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=(0.7, 1.4, 1))
        bars = _bars(ax1, 2, [COLORS[1], COLORS[0]])
        ax1.set_xticks([0, 1], ["L2R", "BiPRM"])
        ax1.set(ylim=(0, 1), ylabel="ProcessBench F1")
        offs = np.arange(-num_steps, num_steps + 1)
        h_l2r = ax2.bar(offs - 0.2, np.zeros(offs.size), width=0.4, color=COLORS[1], label="L2R")
        h_bi = ax2.bar(offs + 0.2, np.zeros(offs.size), width=0.4, color=COLORS[0], label="BiPRM")
        ax2.set(
            xlim=(-4.5, 4.5),
            ylim=(0, 1),
            xlabel="predicted − true first error",
            ylabel="fraction",
            title="where the first error is placed",
        )
        ax2.legend(fontsize=8)
        gate = ax3.plot(np.arange(num_steps), np.zeros(num_steps), "o-", color=COLORS[2])[0]
        ax3.set(ylim=(0, 1), xlabel="step", ylabel="gate g_t (weight of L2R)", title="learned gate")
        return {"ax1": ax1, "bars": bars, "l2r": list(h_l2r), "bi": list(h_bi), "gate": gate}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        for bar, v in zip(a["bars"], np.asarray(r["f1"]), strict=True):
            bar.set_height(v)
        a["ax1"].set_title(f"f = {float(params['late_fraction']):.2f}", fontsize=10)
        off = np.asarray(r["offset"])
        for bar, v in zip(a["l2r"], off[0], strict=True):
            bar.set_height(v)
        for bar, v in zip(a["bi"], off[1], strict=True):
            bar.set_height(v)
        a["gate"].set_ydata(np.asarray(r["gate"]))

    return Panel(
        name,
        compute,
        {"late_fraction": FloatSlider(0.0, 1.0, 0.5, description="late-detectable fraction f")},
        setup,
        draw,
        figsize=(11, 3.4),
        title="BiPRM: a right-to-left reader finds errors that only later steps reveal",
    )


def make_scan_panel(name: str = "29.scan") -> Panel:
    """SCAN: where MC label noise comes from (by self-confidence) and what filtering removes, at what cost."""
    num_problems = config.size("29.panel_problems", fast=150, full=400, gpu=4000)
    k = 8

    def compute(key, annotator_skill, self_correct, threshold, num_rollouts):
        return _prm.scan_noise_study(
            key,
            annotator_skill=annotator_skill,
            self_correct=self_correct,
            threshold=threshold,
            num_rollouts=num_rollouts,
            num_problems=num_problems,
            num_responses=k,
            max_rollouts=16,
        )

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.5, 1))
        levels = np.arange(k + 1) / k
        under = ax1.bar(levels, np.zeros(k + 1), width=0.09, color=COLORS[1], label="under-estimated (too early)")
        over = ax1.bar(levels, np.zeros(k + 1), width=0.09, color=COLORS[0], label="over-estimated (too late)")
        thr = ax1.axvline(0.75, color="k", ls="--", lw=1, label="SC threshold")
        ax1.set(
            xlim=(-0.08, 1.08),
            ylim=(0, 1),
            xlabel="self-confidence SC(q) of the question",
            ylabel="fraction of responses",
            title="MC first-error location vs truth",
        )
        ax1.legend(fontsize=7, loc="upper right")
        bars = _bars(ax2, 4, [COLORS[4], COLORS[2], "grey", COLORS[3]])
        ax2.set_xticks(
            range(4), ["noise\nvanilla", "noise\nSCAN", "questions\nkept", "SCAN cost\n/ vanilla"], fontsize=8
        )
        ax2.set(ylim=(0, 1), ylabel="fraction")
        return {"ax2": ax2, "under": list(under), "over": list(over), "thr": thr, "bars": bars}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        u, o = np.asarray(r["under"]), np.asarray(r["over"])
        for bu, bo, vu, vo in zip(a["under"], a["over"], u, o, strict=True):
            bu.set_height(vu)
            bo.set_height(vo)
            bo.set_y(vu)
        th = float(params["threshold"])
        a["thr"].set_xdata([th, th])
        vals = [*np.asarray(r["noise"]), float(r["kept"]), float(r["cost"])]
        for bar, v in zip(a["bars"], vals, strict=True):
            bar.set_height(v)
        a["ax2"].set_title(f"SCAN rollouts: {100 * vals[3]:.1f}% of vanilla", fontsize=10)

    return Panel(
        name,
        compute,
        {
            "annotator_skill": FloatSlider(-1.0, 4.0, 1.0, description="annotator skill c"),
            "self_correct": FloatSlider(0.0, 0.4, 0.03, description="self-correction r"),
            "threshold": FloatSlider(0.0, 1.0, 0.75, description="SC threshold"),
            "num_rollouts": IntSlider(1, 16, 8, description="rollouts N (traced)"),
        },
        setup,
        draw,
        figsize=(10, 3.6),
        title="SCAN: self-confidence predicts MC label noise",
    )
