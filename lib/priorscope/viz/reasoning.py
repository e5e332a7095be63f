"""Panels of track F's process-supervision notebooks (27 AlphaMath, 28 PRM lessons, 29 SCAN, 30 BiPRM,
31 early rejection)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import config, metrics
from priorscope.scaling import env as _env
from priorscope.scaling import prm as _prm
from priorscope.scaling import search as _search
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.figure import Figure, density_image
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_prm_labels_panel",
    "make_early_rejection_panel",
    "make_alphamath_panel",
    "make_biprm_panel",
    "make_scan_panel",
]


def make_prm_labels_panel(name: str = "28.labels") -> Panel:
    """MC vs judge vs consensus labels, and best-of-N with an MC-value verifier (the paper's knobs)."""
    num_problems = config.size("28.panel_problems", fast=100, full=250, gpu=2000)
    num_steps = 8
    groups = ["1 sample", *_prm.AGGREGATORS]

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

    def setup(fig: Figure) -> None:
        ax1, ax4, ax2, ax3 = fig.grid(2, 2, row_height=240)
        # One bars artist per colour (a bars artist has one colour): MC, judge, consensus, kept.
        loc_colors = (COLORS[0], COLORS[1], COLORS[2], "#808080")
        for i, (art, color) in enumerate(zip(("mc", "judge", "consensus", "kept"), loc_colors, strict=True)):
            ax1.bars(f"loc_{art}", [i], [0.0], width=0.6, color=color)
        ax1.set(
            xlim=(-0.6, 3.6),
            ylim=(0, 1),
            ylabel="fraction",
            title="first-error location accuracy",
            xticks=range(4),
            xticklabels=["MC", "judge", "consensus", "kept by\nconsensus"],
        )
        ax4.bars("under", [0], [0.0], width=0.6, color=COLORS[4])
        ax4.bars("over", [1], [0.0], width=0.6, color=COLORS[3])
        ax4.set(
            xlim=(-0.6, 1.6),
            ylim=(0, 1),
            ylabel="fraction",
            xticks=[0, 1],
            xticklabels=["under: a correct step\nlabelled wrong", "over: the first error\nlabelled right"],
        )
        x = np.arange(4)
        ax2.bars("answer", x - 0.2, np.zeros(4), width=0.38, color=COLORS[0], label="answer right")
        ax2.bars("process", x + 0.2, np.zeros(4), width=0.38, color=COLORS[2], label="process right")
        ax2.set(
            xlim=(-0.6, 3.6),
            ylim=(0, 1.35),
            ylabel="accuracy",
            title="BoN@8, MC-value verifier",
            xticks=x,
            xticklabels=groups,
            legend="upper left",
        )
        steps = np.arange(num_steps)
        ax3.bars("argmin", steps - 0.2, np.zeros(num_steps), width=0.4, color=COLORS[1], label="argmin of MC value")
        ax3.bars("first", steps + 0.2, np.zeros(num_steps), width=0.4, color=COLORS[2], label="true first error")
        ax3.set(
            xlim=(-0.6, num_steps - 0.4),
            ylim=(0, 1.25),
            xlabel="step",
            ylabel="fraction of wrong solutions",
            title="where the minimum sits",
            xticks=steps,
            legend="upper left",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        loc = np.asarray(r["loc_acc"])
        for i, art in enumerate(("mc", "judge", "consensus")):
            fig[f"loc_{art}"].set_data([i], [loc[i]])
        fig["loc_kept"].set_data([3], [float(r["kept"])])
        fig["under"].set_data([0], [float(r["under"])])
        fig["over"].set_data([1], [float(r["over"])])
        fig.axes[1].set(title=f"MC labels: under {float(r['under']):.2f} / over {float(r['over']):.2f}")
        table = np.concatenate([np.asarray(r["policy"])[None], np.asarray(r["bon"])])  # (4, 2)
        x = np.arange(4)
        fig["answer"].set_data(x - 0.2, table[:, 0])
        fig["process"].set_data(x + 0.2, table[:, 1])
        steps = np.arange(num_steps)
        fig["argmin"].set_data(steps - 0.2, np.asarray(r["argmin_hist"]))
        fig["first"].set_data(steps + 0.2, np.asarray(r["first_hist"]))

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
        random=True,
        title="28 · Where step labels come from: MC rollouts vs a judge vs their consensus",
        caption="lower the completer skill c and MC labels place the first error too early (under); raise "
        "self-correction r and luck ρ and they place it too late (over) and the BoN answer/process gap grows.",
    )


def make_early_rejection_panel(name: str = "31.early_rejection") -> Panel:
    """Early rejection: partial vs full rewards, the drop-the-best risk against τ, and accuracy vs tokens."""
    num_problems = config.size("31.panel_problems", fast=400, full=1000, gpu=20000)
    num_tokens, num_steps, beam_width = 256, 4, 4
    taus = jnp.array([4, 8, 16, 32, 64, 128, 192, 256])
    extent = (-3.0, 3.0, -3.0, 3.0)

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
        partial, full = er.partial[:, 0].reshape(-1), er.full[:, 0].reshape(-1)  # first step, every candidate
        density = density_image(jnp.stack([partial, full], axis=-1), extent, bins=40)
        return {
            "density": density / jnp.maximum(jnp.max(density), 1e-12),
            "spearman": metrics.spearman(partial, full),
            "acc": jnp.stack([van.success.mean(), er.success.mean()]),
            "tokens": jnp.stack([van.tokens.mean(), er.tokens.mean()]),
            "dropped": er.dropped_best.mean(),
            "margin_risk": _search.drop_best_prob(jnp.asarray(0.5), taus, noise, num_beams, num_beams // beam_width),
        }

    def setup(fig: Figure) -> None:
        ax1, ax2, ax3 = fig.grid(1, 3, width_ratios=(1.1, 1.2, 0.8), row_height=290)
        ax1.image("density", extent=extent, cmap="Blues", vmin=0.0, vmax=1.0)
        ax1.line("diagonal", [-3, 3], [-3, 3], color="#808080", width=0.8)
        ax1.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="partial reward (first τ tokens)", ylabel="full-step reward")
        ax2.line("risk", np.asarray(taus), np.ones(len(taus)), color=COLORS[1], marker=True, label="exact, margin 0.5")
        ax2.scatter("now", [64.0], [1.0], color=COLORS[0], size=8.0, alpha=1.0, label="simulated (random q), at τ")
        ax2.set(
            xlim=(0, 264),
            ylim=(1e-5, 1.5),
            yscale="log",
            xlabel="partial length τ (tokens)",
            ylabel="P(drop the best)",
            legend="lower left",
        )
        ax3.bars("vanilla", [0], [0.0], width=0.6, color=COLORS[0])
        ax3.bars("er", [1], [0.0], width=0.6, color=COLORS[2])
        ax3.set(
            xlim=(-0.6, 1.6),
            ylim=(0, 1),
            ylabel="expected accuracy",
            xticks=[0, 1],
            xticklabels=["vanilla", "early\nrejection"],
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        fig["density"].set_data(np.asarray(r["density"]))
        fig.axes[0].set(title=f"Spearman ρ = {float(r['spearman']):.2f} at τ = {float(params['tau']):.0f}")
        fig["risk"].set_data(np.asarray(taus), np.maximum(np.asarray(r["margin_risk"]), 1e-6))
        fig["now"].set_data([float(params["tau"])], [max(float(r["dropped"]), 1e-6)])
        acc = np.asarray(r["acc"])
        fig["vanilla"].set_data([0], [acc[0]])
        fig["er"].set_data([1], [acc[1]])
        ratio = float(r["tokens"][0] / r["tokens"][1])
        fig.axes[2].set(title=f"{ratio:.2f}× fewer tokens")

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
        random=True,
        title="31 · Early rejection: score after τ tokens, complete only the survivors",
        caption="as τ grows the partial/full cloud tightens onto the diagonal, the simulated drop risk (dot) "
        "falls along the exact curve, and early rejection's accuracy meets vanilla's while its token saving shrinks.",
    )


def _tree_layout(tree: Any, num_steps: int) -> tuple[Any, Any]:
    """(x, y) of every created node: y = depth, x = its rank among the nodes of that depth, scaled to [0, 1]."""
    created = (tree.parent >= 0) | (jnp.arange(tree.parent.shape[0]) == 0)
    onehot = jax.nn.one_hot(tree.depth, num_steps + 1) * created[:, None]
    rank = (jnp.cumsum(onehot, axis=0) - 1.0) * onehot
    count = jnp.maximum(onehot.sum(0), 1.0)
    x = ((rank + 0.5) / count * onehot).sum(-1)
    return jnp.where(created, x, -1.0), tree.depth.astype(float)


#: Visit-count classes of the AlphaMath tree (fractions of √(visits / max visits)) and their marker sizes (px):
#: a scatter artist has one size, so each class is its own artist.
_VISIT_CLASSES = (0.25, 0.5, 0.75, 1.0)
_VISIT_SIZES = (4.0, 7.0, 10.0, 13.0)


def make_alphamath_panel(value_params: Any, name: str = "27.alphamath") -> Panel:
    """PUCT search on one problem: the tree (visits, on/off track) and the step values Q it assigns.

    Args:
        value_params: the value model trained in the notebook (a :class:`~priorscope.scaling.prm.PRMParams`).
    """
    num_steps, num_candidates = 6, 5
    env = _env.reasoning_env(num_steps, skill=1.0, self_correct=0.05, lucky=0.0)
    num_simulations_max = 40
    sig = {"policy_signal": 0.5, "value_signal": 1.0}
    bins = np.linspace(-1, 1, 21)

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

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, width_ratios=(1.6, 1), row_height=300)
        # The tree grows left to right: x = step (depth), y = the node's place among the nodes of that depth.
        for track, color in (("on", COLORS[0]), ("off", COLORS[1])):
            for c, size in enumerate(_VISIT_SIZES):
                label = f"{track} track" if c == len(_VISIT_SIZES) - 1 else None
                ax1.scatter(f"{track}{c}", color=color, size=size, alpha=0.85, label=label)
        ax1.set(
            xlim=(-0.4, num_steps + 0.4), ylim=(-0.02, 1.3), xlabel="step", ylabel="nodes at this step", legend=None
        )
        ax2.stairs("q_on", np.zeros(20), bins, color=COLORS[0], fill=False, width=1.5, label="on track")
        ax2.stairs("q_off", np.zeros(20), bins, color=COLORS[1], fill=False, width=1.5, label="off track")
        ax2.set(
            xlim=(-1, 1),
            xlabel="MCTS step value Q",
            ylabel="nodes",
            title="Q from final-answer rewards",
            legend="upper left",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        x, y, visits, on, q = (np.asarray(r[k]) for k in ("x", "y", "visits", "on", "q"))
        on = on.astype(bool)
        shown = x >= 0
        scale = np.sqrt(visits / max(float(visits.max()), 1.0))
        cls = np.searchsorted(np.asarray(_VISIT_CLASSES), scale, side="left")
        for track, mask in (("on", on), ("off", ~on)):
            for c in range(len(_VISIT_SIZES)):
                pick = shown & mask & (cls == c)
                fig[f"{track}{c}"].set_data(y[pick], x[pick])
        fig.axes[0].set(
            title=f"PUCT tree: {int(visits[0])} simulations (size ∝ √visits)",
            legend="upper right" if on.any() else None,
        )
        seen = visits > 0
        seen[0] = False
        h_on, _ = np.histogram(q[seen & on], bins)
        h_off, _ = np.histogram(q[seen & ~on], bins)
        fig["q_on"].set_data(h_on, bins)
        fig["q_off"].set_data(h_off, bins)
        fig.axes[1].set(ylim=(0, max(1, h_on.max(), h_off.max()) * 1.25))

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
        random=True,
        title="27 · AlphaMath: PUCT step values from final-answer rewards only",
        caption="the search spends its visits (big dots) on on-track steps, and their values Q sit to the right of "
        "the off-track ones — with no step labels, only final answers.",
    )


def make_biprm_panel(l2r: Any, biprm: Any, name: str = "30.biprm") -> Panel:
    """A trained left-to-right PRM and BiPRM on fresh solutions with a late-detectable error fraction f.

    Args:
        l2r: the left-to-right PRM (:class:`~priorscope.scaling.prm.PRMParams` on L2R stream features).
        biprm: the BiPRM (:class:`~priorscope.scaling.prm.BiPRMParams`).
    """
    num_steps, lag = 8, 2
    num_problems = config.size("30.panel_problems", fast=150, full=400, gpu=4000)
    offs = np.arange(-num_steps, num_steps + 1)

    def compute(key, late_fraction):
        return _prm.direction_study(
            key, l2r, biprm, late_fraction=late_fraction, lag=lag, num_problems=num_problems, num_steps=num_steps
        )

    def setup(fig: Figure) -> None:
        ax1, ax2, ax3 = fig.grid(1, 3, width_ratios=(0.7, 1.4, 1), row_height=280)
        ax1.bars("f1_l2r", [0], [0.0], width=0.6, color=COLORS[1])
        ax1.bars("f1_bi", [1], [0.0], width=0.6, color=COLORS[0])
        ax1.set(xlim=(-0.6, 1.6), ylim=(0, 1), ylabel="ProcessBench F1", xticks=[0, 1], xticklabels=["L2R", "BiPRM"])
        ax2.bars("off_l2r", offs - 0.2, np.zeros(offs.size), width=0.4, color=COLORS[1], label="L2R")
        ax2.bars("off_bi", offs + 0.2, np.zeros(offs.size), width=0.4, color=COLORS[0], label="BiPRM")
        ax2.set(
            xlim=(-4.5, 4.5),
            ylim=(0, 1),
            xlabel="predicted − true first error",
            ylabel="fraction",
            title="where the first error is placed",
            legend="upper right",
        )
        ax3.line("gate", np.arange(num_steps), np.zeros(num_steps), color=COLORS[2], marker=True)
        ax3.set(ylim=(0, 1), xlabel="step", ylabel="gate g_t (weight of L2R)", title="learned gate")

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        f1 = np.asarray(r["f1"])
        fig["f1_l2r"].set_data([0], [f1[0]])
        fig["f1_bi"].set_data([1], [f1[1]])
        fig.axes[0].set(title=f"f = {float(params['late_fraction']):.2f}")
        off = np.asarray(r["offset"])
        fig["off_l2r"].set_data(offs - 0.2, off[0])
        fig["off_bi"].set_data(offs + 0.2, off[1])
        fig["gate"].set_data(np.arange(num_steps), np.asarray(r["gate"]))

    return Panel(
        name,
        compute,
        {"late_fraction": FloatSlider(0.0, 1.0, 0.5, description="late-detectable fraction f")},
        setup,
        draw,
        random=True,
        title="30 · BiPRM: a right-to-left reader finds errors that only later steps reveal",
        caption="as f grows the left-to-right PRM places more first errors too late (at +2, the lag) and its F1 "
        "falls, while BiPRM keeps most of its F1; the gate shows how much each step trusts the left-to-right reader.",
    )


def make_scan_panel(name: str = "29.scan") -> Panel:
    """SCAN: where MC label noise comes from (by self-confidence) and what filtering removes, at what cost."""
    num_problems = config.size("29.panel_problems", fast=150, full=400, gpu=4000)
    k = 8
    levels = np.arange(k + 1) / k

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

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, width_ratios=(1.2, 1), row_height=300)
        # Stacked bars: the total (under + over) in the "over" colour, the "under" part drawn on top of it.
        ax1.bars(
            "over", levels, np.zeros(k + 1), width=0.09, color=COLORS[0], alpha=1.0, label="over-estimated (too late)"
        )
        ax1.bars(
            "under",
            levels,
            np.zeros(k + 1),
            width=0.09,
            color=COLORS[1],
            alpha=1.0,
            label="under-estimated (too early)",
        )
        ax1.vline("threshold", 0.75, color="#000000", dash="--", label="SC threshold")
        ax1.set(
            xlim=(-0.08, 1.08),
            ylim=(0, 1.3),
            xlabel="self-confidence SC(q) of the question",
            ylabel="fraction of responses",
            title="MC first-error location vs truth",
            legend="upper right",
        )
        scan_colors = (COLORS[4], COLORS[2], "#808080", COLORS[3])
        for i, (art, color) in enumerate(
            zip(("noise_vanilla", "noise_scan", "kept", "cost"), scan_colors, strict=True)
        ):
            ax2.bars(art, [i], [0.0], width=0.6, color=color)
        ax2.set(
            xlim=(-0.6, 3.6),
            ylim=(0, 1),
            ylabel="fraction",
            xticks=range(4),
            xticklabels=["noise\nvanilla", "noise\nSCAN", "questions\nkept", "cost /\nvanilla"],
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        u, o = np.asarray(r["under"]), np.asarray(r["over"])
        fig["under"].set_data(levels, u)
        fig["over"].set_data(levels, u + o)
        fig["threshold"].set_data([float(params["threshold"])])
        vals = [*np.asarray(r["noise"]), float(r["kept"]), float(r["cost"])]
        for i, art in enumerate(("noise_vanilla", "noise_scan", "kept", "cost")):
            fig[art].set_data([i], [vals[i]])
        fig.axes[1].set(title=f"SCAN rollouts: {100 * vals[3]:.1f}% of vanilla")

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
        random=True,
        title="29 · SCAN: self-confidence predicts MC label noise",
        caption="the MC label noise sits at low self-confidence; filtering at the threshold (dashed) removes "
        "much of it at a fraction of the vanilla rollout cost, keeping fewer questions.",
    )
