"""Panels of the process-reward-model notebooks (28 PRM lessons, 29 SCAN, 30 BiPRM)."""

from __future__ import annotations

from typing import Any

import numpy as np

from priorscope import config
from priorscope.scaling import biprm as _biprm
from priorscope.scaling import prm as _prm
from priorscope.scaling import scan as _scan
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_prm_labels_panel",
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


def make_biprm_panel(l2r: Any, biprm: Any, name: str = "30.biprm") -> Panel:
    """A trained left-to-right PRM and BiPRM on fresh solutions with a late-detectable error fraction f.

    Args:
        l2r: the left-to-right PRM (:class:`~priorscope.scaling.prm.PRMParams` on L2R stream features).
        biprm: the BiPRM (:class:`~priorscope.scaling.biprm.BiPRMParams`).
    """
    num_steps, lag = 8, 2
    num_problems = config.size("30.panel_problems", fast=150, full=400, gpu=4000)
    offs = np.arange(-num_steps, num_steps + 1)

    def compute(key, late_fraction):
        return _biprm.direction_study(
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
        return _scan.scan_noise_study(
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
        vals = [*np.asarray(r["label_noise"]), float(r["kept"]), float(r["cost"])]
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
