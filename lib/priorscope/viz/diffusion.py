"""Panels and static figures of the diffusion notebooks (t04, 17, 19).

Clouds of particles are drawn as density images (a histogram computed in the jitted compute, shown with
``imshow``), never as scatters; each draw updates existing artists in place.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope.diffusion import demos, gmm
from priorscope.diffusion.schedules import Cosine, RectifiedFlow, Switch, VPLinear
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "PATHS",
    "plot_forward_noising",
    "plot_four_targets",
    "plot_error_vs_steps",
    "make_langevin_panel",
    "make_path_panel",
    "make_solver_panel",
    "make_janus_panel",
]

#: the paths offered by the panels, by display name
PATHS = {"VP (linear β)": VPLinear(), "cosine": Cosine(), "rectified flow": RectifiedFlow()}
_EXTENT = (-demos.LIM, demos.LIM, -demos.LIM, demos.LIM)
# static figures call these many times with different t: compile once (mixtures and schedules are pytrees)
_noising_view = jax.jit(demos.noising_view, static_argnames=("lim", "res", "quiver"))
_density_image = jax.jit(demos.density_image, static_argnames=("lim", "res"))


def _image(ax: Any, res: int = 64, cmap: str = "magma") -> Any:
    im = ax.imshow(np.zeros((res, res)), origin="lower", extent=_EXTENT, cmap=cmap, interpolation="nearest")
    ax.set(xlim=_EXTENT[:2], ylim=_EXTENT[2:], xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.set(xticks=[-2, 0, 2], yticks=[-2, 0, 2])  # fixed ticks: no locator work on every redraw
    ax.grid(False)
    return im


def _set_image(im: Any, img: Any) -> None:
    img = np.asarray(img)
    top = float(np.max(img))
    im.set_data(img)
    im.set_clim(0.0, top if top > 0 else 1.0)


def _unit(vectors: Any) -> np.ndarray:
    v = np.asarray(vectors)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def plot_forward_noising(fig: Any, mix: Any, schedule: Any, times: Any, quiver: bool = True) -> Any:
    """Static figure: the exact density :math:`p_t` (and unit score arrows) at several times."""
    axes = fig.subplots(1, len(times))
    for ax, t in zip(axes, times, strict=True):
        view = _noising_view(mix, schedule, float(t))
        _set_image(_image(ax), view.density)
        if quiver:
            p, u = np.asarray(view.points), _unit(view.score)
            ax.quiver(p[:, 0], p[:, 1], u[:, 0], u[:, 1], color="w", alpha=0.6, scale=22, width=0.006)
        ax.set_title(f"t = {float(t):g}  (α={float(view.alpha):.2f}, σ={float(view.sigma):.2f})", fontsize=9)
        ax.set_ylabel("")
    axes[0].set_ylabel("$x_2$")
    return axes


def plot_four_targets(fig: Any, mix: Any, schedule: Any, t: float, targets: Any = ("x0", "eps", "score", "v")):
    """Static figure: the four prediction targets as fields at one time (arrows: target minus x for x0)."""
    axes = fig.subplots(1, len(targets))
    dens = _density_image(mix, schedule, t)
    labels = {"x0": r"$\hat x_0 - x$", "eps": r"$\hat\varepsilon$", "score": r"$\nabla\log p_t$", "v": "$v$"}
    for ax, target in zip(axes, targets, strict=True):
        _set_image(_image(ax, cmap="Greys"), dens)
        pts, vec = demos.field_on_grid(lambda x, tg=target: gmm.predict(mix, schedule, x, t, tg), res=11)
        vec = np.asarray(vec) - (np.asarray(pts) if target == "x0" else 0.0)
        u = _unit(vec)
        ax.quiver(np.asarray(pts)[:, 0], np.asarray(pts)[:, 1], u[:, 0], u[:, 1], color=COLORS[0], scale=20)
        ax.set_title(labels[target] + f" at t={t:g}", fontsize=9)
        ax.set_ylabel("")
    return axes


def plot_error_vs_steps(ax: Any, steps: Any, errors: dict[str, Any], nfe_ref: bool = True) -> Any:
    """Log-log error against steps (= NFE for the multistep solvers), with slope-1 and slope-2 guides."""
    steps = np.asarray(steps, dtype=float)
    for i, (label, err) in enumerate(errors.items()):
        ax.loglog(steps, np.asarray(err), "o-", color=COLORS[i], label=label)
    if nfe_ref:
        first = max(float(np.asarray(e)[0]) for e in errors.values())
        for slope, style in ((1, ":"), (2, "--")):
            ax.loglog(
                steps,
                first * (steps / steps[0]) ** (-slope),
                style,
                color="grey",
                lw=1,
                label=f"slope −{slope}",
            )
    ax.set(xlabel="steps N (= model evaluations)", ylabel=r"mean $\|x_N - x_{\rm ref}\|$")
    ax.legend(fontsize=8)
    return ax


# --------------------------------------------------------------------------- t04: Langevin on p_t
def make_langevin_panel(
    mix: Any, schedule: Any = None, *, num_particles: int, max_steps: int, name: str = "t04.langevin"
) -> Panel:
    """Forward time t, Langevin step and step count → p_t with its score, the Langevin cloud, mode masses."""
    schedule = VPLinear() if schedule is None else schedule
    k = mix.num_components

    def compute(key: Any, t: Any, step_scale: Any, num_steps: Any) -> Any:
        nv = demos.noising_view(mix, schedule, t)
        lv = demos.langevin_view(
            key, mix, schedule, t, step_scale, num_steps, num_particles=num_particles, max_steps=max_steps
        )
        return {"density": nv.density, "points": nv.points, "score": nv.score, "lv": lv}

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=(1, 1, 0.9))
        im1 = _image(ax1)
        q = ax1.quiver(np.zeros(169), np.zeros(169), np.ones(169), np.zeros(169), color="w", alpha=0.6,
                       scale=22, width=0.006)  # fmt: skip
        im2 = _image(ax2, cmap="viridis")
        idx = np.arange(k)
        bars_true = ax3.bar(idx - 0.2, np.zeros(k), 0.4, color=COLORS[7], alpha=0.5, label="true weight")
        bars = ax3.bar(idx + 0.2, np.zeros(k), 0.4, color=COLORS[2], label="Langevin")
        ax3.set(xlabel="mode k", ylabel="mass", ylim=(0, 0.45), xticks=idx)
        ax3.legend(fontsize=7, loc="upper right")
        for ax in (ax1, ax2, ax3):
            ax.set_title(" ", fontsize=9)  # reserve room: draw() writes the titles
        return {
            "ax1": ax1,
            "ax2": ax2,
            "ax3": ax3,
            "im1": im1,
            "q": q,
            "im2": im2,
            "bars": bars,
            "true": bars_true,
        }

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        _set_image(a["im1"], r["density"])
        p, u = np.asarray(r["points"]), _unit(r["score"])
        a["q"].set_offsets(p)
        a["q"].set_UVC(u[:, 0], u[:, 1])
        lv = r["lv"]
        _set_image(a["im2"], lv.hist)
        for bar, h in zip(a["bars"], np.asarray(lv.masses), strict=True):
            bar.set_height(float(h))
        for bar, h in zip(a["true"], np.asarray(lv.target), strict=True):
            bar.set_height(float(h))
        t = float(params["t"])
        a["ax1"].set_title(f"$p_t$ and score directions, t = {t:.3g}", fontsize=9)
        a["ax2"].set_title(f"Langevin: {int(params['num_steps'])} steps of ε = {float(lv.step):.2g}", fontsize=9)
        a["ax3"].set_title(f"mode masses (TV = {float(lv.tv):.3f})", fontsize=9)

    return Panel(
        name,
        compute,
        {
            "t": FloatSlider(1e-3, 1.0, 1e-3, log=True, description="noise time t"),
            "step_scale": FloatSlider(0.01, 1.5, 0.5, log=True, description="step / variance"),
            "num_steps": IntSlider(0, max_steps, max_steps // 2, description="Langevin steps"),
        },
        setup,
        draw,
        figsize=(10, 3.4),
        title="Langevin with the exact score of p_t: where does the mass go?",
    )


# --------------------------------------------------------------------------- 17: one path, ODE to SDE
def make_path_panel(mix: Any, *, num_particles: int, max_steps: int, name: str = "17.path") -> Panel:
    """Path, ζ, steps and t → density and velocity at t, trajectories, endpoint density and mode-mass TV."""
    num_traj = 24

    names = tuple(PATHS)
    options = tuple(PATHS.values())

    def compute(key: Any, path: Any, zeta: Any, steps: Any, t: Any) -> Any:
        # the path index is traced: one compilation serves all three paths
        return demos.path_view(
            key, mix, Switch(path, options), t, zeta, steps, num_particles=num_particles, max_steps=max_steps,
            num_traj=num_traj, t_start=0.98,
        )  # fmt: skip

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2, ax3 = fig.subplots(1, 3)
        im1 = _image(ax1)
        q = ax1.quiver(np.zeros(169), np.zeros(169), np.ones(169), np.zeros(169), color="w", alpha=0.6,
                       scale=22, width=0.006)  # fmt: skip
        base = _density_image(mix, PATHS["VP (linear β)"], 1e-3)
        _set_image(_image(ax2, cmap="Greys"), base)
        lines = [ax2.plot([], [], lw=0.8, alpha=0.8)[0] for _ in range(num_traj)]
        im3 = _image(ax3, cmap="viridis")
        for ax in (ax1, ax2, ax3):
            ax.set_title(" ", fontsize=9)
        return {"ax1": ax1, "ax2": ax2, "ax3": ax3, "im1": im1, "q": q, "lines": lines, "im3": im3}

    def draw(a: dict[str, Any], r: demos.PathView, params: dict[str, Any]) -> None:
        _set_image(a["im1"], r.density)
        p, u = np.asarray(r.points), _unit(r.velocity)
        a["q"].set_offsets(p)
        a["q"].set_UVC(u[:, 0], u[:, 1])
        traj, modes = np.asarray(r.trajectories), np.asarray(r.modes)
        for i, line in enumerate(a["lines"]):
            line.set_data(traj[:, i, 0], traj[:, i, 1])
            line.set_color(COLORS[int(modes[i]) % len(COLORS)])
        _set_image(a["im3"], r.hist)
        a["ax1"].set_title(f"{names[int(params['path'])]}: $p_t$ and $v$, t = {float(params['t']):.2f}", fontsize=9)
        a["ax2"].set_title(f"trajectories, ζ = {float(params['zeta']):.2f}", fontsize=9)
        a["ax3"].set_title(f"endpoints, {int(params['steps'])} steps (mode TV {float(r.tv):.3f})", fontsize=9)

    return Panel(
        name,
        compute,
        {
            "path": IntSlider(0, len(PATHS) - 1, 0, description="path: 0 VP, 1 cos, 2 RF"),
            "zeta": FloatSlider(0.0, 1.5, 0.0, description="ζ (0 = ODE, 1 = SDE)"),
            "steps": IntSlider(5, max_steps, min(100, max_steps), description="steps"),
            "t": FloatSlider(0.001, 1.0, 0.5, description="t (left plot)"),
        },
        setup,
        draw,
        figsize=(10, 3.4),
        title="One path, one velocity field: from the probability-flow ODE (ζ=0) to the reverse SDE (ζ=1)",
    )


# --------------------------------------------------------------------------- 19: solvers side by side
def make_solver_panel(
    mix: Any, cond_mask: Any, *, num_particles: int, max_steps: int, ref_steps: int, name: str = "19.solvers"
) -> Panel:
    """Steps, guidance weight and time grid → DDIM, DPM-Solver-2M and DPM-Solver++(2M) vs a reference."""
    schedule = VPLinear()
    cond_mask = jnp.asarray(cond_mask)
    labels = [s[0] for s in demos.DEMO_SOLVERS]

    def compute(key: Any, steps: Any, guidance: Any, grid: str) -> Any:
        return demos.solver_view(
            key, mix, schedule, cond_mask, guidance, steps, num_particles=num_particles, max_steps=max_steps,
            grid=grid, ref_steps=ref_steps,
        )  # fmt: skip

    def setup(fig: Any) -> dict[str, Any]:
        axes = fig.subplots(1, 4, width_ratios=(1, 1, 1, 1.1))
        clouds = []
        for ax, label in zip(axes[:3], labels, strict=True):
            im = _image(ax, cmap="Greys")
            clouds.append((im, ax.plot([], [], ".", ms=2, alpha=0.6, color=COLORS[1])[0]))
            ax.set_title(label, fontsize=9)
            ax.set_ylabel("")
        bars = axes[3].bar(range(3), np.ones(3), color=COLORS[:3])
        axes[3].set(yscale="log", ylabel=r"mean $\|x_N - x_{\rm ref}\|$", xticks=range(3))
        axes[3].set_xticklabels(["DDIM", "2M ε", "++2M"], fontsize=8)
        axes[3].set_title(" ", fontsize=9)
        return {"axes": axes, "clouds": clouds, "bars": bars}

    def draw(a: dict[str, Any], r: demos.SolverView, params: dict[str, Any]) -> None:
        ends, errs = np.asarray(r.endpoints), np.asarray(r.errors)
        for i, (im, pts) in enumerate(a["clouds"]):
            _set_image(im, r.hist_ref)
            shown = ends[i, :300]
            pts.set_data(shown[:, 0], shown[:, 1])
            a["axes"][i].set_title(f"{labels[i]}: err {errs[i]:.2g}", fontsize=8)
        for bar, e in zip(a["bars"], errs, strict=True):
            bar.set_height(float(max(e, 1e-8)))
        lo, hi = float(np.min(errs)), float(np.max(errs))
        a["axes"][3].set_ylim(max(lo / 3, 1e-8), max(hi * 3, 1e-6))
        a["axes"][3].set_title(f"N = {int(params['steps'])}, w = {float(params['guidance']):.1f}", fontsize=9)

    return Panel(
        name,
        compute,
        {
            "steps": IntSlider(2, max_steps, min(10, max_steps), description="steps N"),
            "guidance": FloatSlider(0.0, 12.0, 1.0, description="guidance w"),
            "grid": Choice(("logsnr", "uniform"), "logsnr", description="time grid"),
        },
        setup,
        draw,
        figsize=(11, 3.0),
        title="Same x_T, three solvers: endpoints (orange) over the fine reference (grey)",
    )


# --------------------------------------------------------------------------- 22: score distillation toy
def make_janus_panel(*, num_steps: int, name: str = "22.janus") -> Panel:
    """Prior leakage, guidance scale and geometric-prior weight → objects, renders and the Janus map."""
    from priorscope.diffusion import sds

    def compute(key: Any, leak: Any, cfg: Any, lam: Any) -> Any:
        r = sds.run_toy(key, leak, cfg, lam, num_steps=num_steps)
        views = lambda th: jax.vmap(lambda a: sds.render(th, a))(sds.VIEW_ANGLES)
        imgs = {"sds": views(r.sds), "geo": views(r.geo)}
        return {
            "P_sds": r.sds["P"], "m_sds": jnp.exp(r.sds["logm"]), "P_geo": r.geo["P"], "m_geo": jnp.exp(r.geo["logm"]),
            "img_sds": imgs["sds"], "img_geo": imgs["geo"],
            "map": jnp.stack([sds.nearest_views(r.sds), sds.nearest_views(r.geo)]),
            "err": jnp.stack([r.err_sds, r.err_geo]),
        }  # fmt: skip

    truth = np.asarray(sds.true_views())
    pix = np.asarray(sds.PIXELS)

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2, ax3, ax4 = fig.subplots(1, 4, width_ratios=(1, 1.1, 1.1, 0.9))
        ax1.add_patch(matplotlib_circle((0, 0), sds.HEAD_WIDTH, color="0.85"))
        ax1.plot([1.0], [0.0], "k*", ms=10, label="true nose")
        sc_sds = ax1.scatter(np.zeros(3), np.zeros(3), s=np.ones(3), color=COLORS[1], label="pure SDS")
        sc_geo = ax1.scatter(np.zeros(3), np.zeros(3), s=np.ones(3), color=COLORS[2], marker="s", label="geo prior")
        ax1.annotate("front camera →", (1.9, -1.9), ha="right", fontsize=7)
        ax1.set(xlim=(-2, 2), ylim=(-2, 2), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
        ax1.legend(fontsize=6, loc="upper left")
        lines = {}
        for ax, v in ((ax2, 0), (ax3, 2)):
            ax.plot(pix, truth[v], "k--", lw=1, label="true view")
            lines[v] = (ax.plot(pix, truth[v], color=COLORS[1], label="pure SDS")[0],
                        ax.plot(pix, truth[v], color=COLORS[2], label="geo prior")[0])  # fmt: skip
            ax.set(xlabel="pixel", ylim=(-0.05, 2.6), title=f"{sds.VIEW_NAMES[v]} view")
        ax2.legend(fontsize=6)
        im = ax4.imshow(np.zeros((2, 4)), cmap="Set2", vmin=0, vmax=7, aspect="auto")
        texts = [[ax4.text(j, i, "", ha="center", va="center", fontsize=7) for j in range(4)] for i in range(2)]
        ax4.set(xticks=range(4), yticks=[0, 1])
        ax4.set_xticklabels(sds.VIEW_NAMES, fontsize=7)
        ax4.set_yticklabels(["SDS", "geo"], fontsize=7)
        ax4.grid(False)
        ax4.set_title(" ", fontsize=9)
        return {"sc": (sc_sds, sc_geo), "lines": lines, "im": im, "texts": texts, "ax4": ax4}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        for sc, pk, mk in zip(a["sc"], ("P_sds", "P_geo"), ("m_sds", "m_geo"), strict=True):
            sc.set_offsets(np.asarray(r[pk]))
            sc.set_sizes(60 * np.asarray(r[mk]))
        for v, (l_sds, l_geo) in a["lines"].items():
            l_sds.set_ydata(np.asarray(r["img_sds"])[v])
            l_geo.set_ydata(np.asarray(r["img_geo"])[v])
        m = np.asarray(r["map"])
        a["im"].set_data(m)
        for i in range(2):
            for j in range(4):
                a["texts"][i][j].set_text(sds.VIEW_NAMES[int(m[i, j])])
        err = np.asarray(r["err"])
        a["ax4"].set_title(f"looks like… (err {err[0]:.2f} vs {err[1]:.2f})", fontsize=8)

    return Panel(
        name,
        compute,
        {
            "leak": FloatSlider(0.0, 1.0, 0.5, description="prior leak to front"),
            "cfg": FloatSlider(1.0, 15.0, 7.5, description="guidance scale"),
            "lam": FloatSlider(0.0, 5.0, 1.0, description="geometric prior λ"),
        },
        setup,
        draw,
        figsize=(11, 2.9),
        title="Score distillation with a leaky view prior: pure SDS vs a geometric prior",
    )


def matplotlib_circle(center: Any, radius: float, **kw: Any) -> Any:
    """A filled circle patch (the toy's head)."""
    from matplotlib.patches import Circle

    return Circle(center, radius, **kw)
