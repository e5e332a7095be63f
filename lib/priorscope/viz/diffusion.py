"""Panels and static figures of the diffusion notebooks (t04, 17, 19, 22).

Panels declare their artists on a :class:`~priorscope.viz.figure.Figure` (drawn in the browser; PNG through
matplotlib). Clouds of particles travel as density images binned in the jitted compute, never as large scatters;
vector fields travel as one polyline of short arrows (NaN-separated). The ``plot_*`` helpers draw static
matplotlib figures and keep them within a 900-px output area.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope.diffusion import experiments, gmm
from priorscope.diffusion.schedules import Cosine, RectifiedFlow, Switch, VPLinear
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.figure import Axes, Figure
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
_EXTENT = (-experiments.LIM, experiments.LIM, -experiments.LIM, experiments.LIM)
#: widest static figure, in inches at 100 dpi (the 900-px output area)
_MAX_WIDTH_IN = 9.0
# static figures call these many times with different t: compile once (mixtures and schedules are pytrees)
_noising_view = jax.jit(experiments.noising_view, static_argnames=("lim", "res", "quiver"))
_density_image = jax.jit(experiments.density_image, static_argnames=("lim", "res"))


# --------------------------------------------------------------------------- matplotlib helpers (static figures)
def _fit(fig: Any) -> None:
    """Keep a static figure within the 900-px output area, with a constrained layout (nothing clipped)."""
    w, h = fig.get_size_inches()
    if w > _MAX_WIDTH_IN:
        fig.set_size_inches(_MAX_WIDTH_IN, h)
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")


def _image(ax: Any, res: int = 64, cmap: str = "magma") -> Any:
    im = ax.imshow(np.zeros((res, res)), origin="lower", extent=_EXTENT, cmap=cmap, interpolation="nearest")
    ax.set(xlim=_EXTENT[:2], ylim=_EXTENT[2:], xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.set(xticks=[-2, 0, 2], yticks=[-2, 0, 2])
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
    _fit(fig)
    axes = fig.subplots(1, len(times))
    for ax, t in zip(axes, times, strict=True):
        view = _noising_view(mix, schedule, float(t))
        _set_image(_image(ax), view.density)
        if quiver:
            p, u = np.asarray(view.points), _unit(view.score)
            ax.quiver(p[:, 0], p[:, 1], u[:, 0], u[:, 1], color="w", alpha=0.6, scale=22, width=0.006)
        ax.set_title(f"t = {float(t):g}\n(α={float(view.alpha):.2f}, σ={float(view.sigma):.2f})", fontsize=9)
        ax.set_ylabel("")
    axes[0].set_ylabel("$x_2$")
    return axes


def plot_four_targets(fig: Any, mix: Any, schedule: Any, t: float, targets: Any = ("x0", "eps", "score", "v")):
    """Static figure: the four prediction targets as fields at one time (arrows: target minus x for x0)."""
    _fit(fig)
    axes = fig.subplots(1, len(targets))
    dens = _density_image(mix, schedule, t)
    labels = {"x0": r"$\hat x_0 - x$", "eps": r"$\hat\varepsilon$", "score": r"$\nabla\log p_t$", "v": "$v$"}
    for ax, target in zip(axes, targets, strict=True):
        _set_image(_image(ax, cmap="Greys"), dens)
        pts, vec = experiments.field_on_grid(lambda x, tg=target: gmm.predict(mix, schedule, x, t, tg), res=11)
        vec = np.asarray(vec) - (np.asarray(pts) if target == "x0" else 0.0)
        u = _unit(vec)
        ax.quiver(np.asarray(pts)[:, 0], np.asarray(pts)[:, 1], u[:, 0], u[:, 1], color=COLORS[0], scale=20)
        ax.set_title(labels[target] + f" at t={t:g}", fontsize=9)
        ax.set_ylabel("")
    axes[0].set_ylabel("$x_2$")
    return axes


def plot_error_vs_steps(ax: Any, steps: Any, errors: dict[str, Any], nfe_ref: bool = True) -> Any:
    """Log-log error against steps (= NFE for the multistep solvers), with slope-1 and slope-2 guides."""
    _fit(ax.figure)
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


# --------------------------------------------------------------------------- declarative-figure helpers (panels)
def _arrows(points: Any, vectors: Any, length: float = 0.34, head: float = 0.38) -> tuple[np.ndarray, np.ndarray]:
    """A quiver of unit-length arrows as one polyline: per arrow tail → tip → wing → tip → wing, then a NaN break.

    Args:
        points: tails ``(n, 2)``; vectors: directions ``(n, 2)`` (only their direction is drawn).
        length: arrow length in data units; head: wing length as a fraction of ``length``.

    Returns:
        ``(x, y)`` each of shape ``(6 n,)``.
    """
    p, u = np.asarray(points, dtype=np.float32), _unit(vectors).astype(np.float32)
    tip = p + length * u
    c, s = np.cos(0.45), np.sin(0.45)
    back = -head * length * u
    left = tip + np.stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]], axis=1)
    right = tip + np.stack([c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]], axis=1)
    nan = np.full_like(p, np.nan)
    seg = np.stack([p, tip, left, tip, right, nan], axis=1).reshape(-1, 2)
    return seg[:, 0], seg[:, 1]


def _polylines(paths: Any) -> tuple[np.ndarray, np.ndarray]:
    """Several 2-D paths ``(m, T, 2)`` as one NaN-separated polyline ``(x, y)``."""
    paths = np.asarray(paths, dtype=np.float32)
    if paths.shape[0] == 0:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    nan = np.full((paths.shape[0], 1, 2), np.nan, np.float32)
    seg = np.concatenate([paths, nan], axis=1).reshape(-1, 2)
    return seg[:, 0], seg[:, 1]


def _circles(centres: Any, radii: Any, num: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Circle outlines as one NaN-separated polyline."""
    a = np.linspace(0, 2 * np.pi, num)
    c, r = np.asarray(centres, np.float32), np.asarray(radii, np.float32)
    ring = c[:, None, :] + r[:, None, None] * np.stack([np.cos(a), np.sin(a)], axis=-1)[None]
    return _polylines(ring)


def _square(ax: Axes, title: str = "", xlabel: str = "x₁", ylabel: str = "x₂") -> Axes:
    """Axes for a 2-D window of the diffusion experiments (fixed limits and ticks)."""
    ticks = [-2.0, 0.0, 2.0]
    return ax.set(xlim=_EXTENT[:2], ylim=_EXTENT[2:], xticks=ticks, xlabel=xlabel, ylabel=ylabel, title=title)


# --------------------------------------------------------------------------- t04: Langevin on p_t
def make_langevin_panel(
    mix: Any, schedule: Any = None, *, num_particles: int, max_steps: int, name: str = "t04.langevin"
) -> Panel:
    """Forward time t, Langevin step and step count → p_t with its score, the Langevin cloud, mode masses."""
    schedule = VPLinear() if schedule is None else schedule
    k = mix.num_components

    def compute(key: Any, t: Any, step_scale: Any, num_steps: Any) -> Any:
        nv = experiments.noising_view(mix, schedule, t)
        lv = experiments.langevin_view(
            key, mix, schedule, t, step_scale, num_steps, num_particles=num_particles, max_steps=max_steps
        )
        return {"density": nv.density, "points": nv.points, "score": nv.score, "lv": lv}

    def setup(fig: Figure) -> None:
        ax1, ax2, ax3 = fig.grid(1, 3, width_ratios=(1, 1, 0.9), row_height=290)
        ax1.image("density", extent=_EXTENT, cmap="magma", vmin=0.0)
        ax1.line("score", color="#ffffff", width=1.0, alpha=0.7)
        ax2.image("cloud", extent=_EXTENT, cmap="viridis", vmin=0.0)
        _square(ax1)
        _square(ax2, ylabel="")
        idx = np.arange(k, dtype=float)
        ax3.bars("true", idx - 0.2, np.zeros(k), width=0.4, color=COLORS[7], alpha=0.5, label="true weight")
        ax3.bars("masses", idx + 0.2, np.zeros(k), width=0.4, color=COLORS[2], label="Langevin")
        ax3.set(xlabel="mode k", ylabel="mass", ylim=(0, 0.45), xticks=idx, legend="upper right")

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        lv = r["lv"]
        fig["density"].set_data(r["density"])
        fig["score"].set_data(*_arrows(r["points"], r["score"]))
        fig["cloud"].set_data(lv.hist)
        idx = np.arange(k, dtype=float)
        fig["true"].set_data(idx - 0.2, lv.target)
        fig["masses"].set_data(idx + 0.2, lv.masses)
        fig.axes[0].set(title=f"pₜ and score directions, t = {float(params['t']):.3g}")
        fig.axes[1].set(title=f"Langevin: {int(params['num_steps'])} steps of ε = {float(lv.step):.2g}")
        fig.axes[2].set(title=f"mode masses (TV = {float(lv.tv):.3f})")

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
        random=True,
        title="t04 · Langevin with the exact score of pₜ: where does the mass go?",
        caption="at t = 10⁻³ Langevin leaves the mass where it started (high TV, whatever the steps); near t = 0.3 "
        "the modes merge and its bars approach the true weights; a step above 2 × variance blows up.",
    )


# --------------------------------------------------------------------------- 17: one path, ODE to SDE
def make_path_panel(mix: Any, *, num_particles: int, max_steps: int, name: str = "17.path") -> Panel:
    """Path, ζ, steps and t → density and velocity at t, trajectories, endpoint density and mode-mass TV."""
    num_traj = 24
    names = tuple(PATHS)
    short = ("VP", "cosine", "RF")
    options = tuple(PATHS.values())
    k = mix.num_components
    base = np.asarray(_density_image(mix, PATHS["VP (linear β)"], 1e-3))

    def compute(key: Any, path: Any, zeta: Any, num_steps: Any, t: Any) -> Any:
        # the path index is traced: one compilation serves all three paths
        return experiments.path_view(
            key, mix, Switch(path, options), t, zeta, num_steps, num_particles=num_particles, max_steps=max_steps,
            num_traj=num_traj, t_start=0.98,
        )  # fmt: skip

    def setup(fig: Figure) -> None:
        ax1, ax2, ax3 = fig.grid(1, 3, row_height=290)
        ax1.image("density", extent=_EXTENT, cmap="magma", vmin=0.0)
        ax1.line("velocity", color="#ffffff", width=1.0, alpha=0.7)
        ax2.image("data", base, extent=_EXTENT, cmap="Greys", vmin=0.0)
        for m in range(k):  # one polyline per final mode: trajectories coloured by where they end
            ax2.line(f"traj{m}", color=COLORS[m % len(COLORS)], width=0.8, alpha=0.8)
        ax3.image("endpoints", extent=_EXTENT, cmap="viridis", vmin=0.0)
        _square(ax1)
        _square(ax2, ylabel="")
        _square(ax3, ylabel="")

    def draw(fig: Figure, r: experiments.PathView, params: dict[str, Any]) -> None:
        fig["density"].set_data(r.density)
        fig["velocity"].set_data(*_arrows(r.points, r.velocity))
        # the grid is padded to max_steps with zero-length steps: drop the constant tail before it travels
        traj, modes = np.asarray(r.trajectories)[: int(params["num_steps"]) + 1], np.asarray(r.modes)
        for m in range(k):
            fig[f"traj{m}"].set_data(*_polylines(np.swapaxes(traj[:, modes == m], 0, 1)))
        fig["endpoints"].set_data(r.hist)
        path = int(params["path"])
        fig.axes[0].set(title=f"{short[path]}: pₜ and v, t = {float(params['t']):.2f}")
        fig.axes[1].set(title=f"{names[path]} trajectories, ζ = {float(params['zeta']):.2f}")
        fig.axes[2].set(title=f"endpoints, {int(params['num_steps'])} steps (TV {float(r.tv):.3f})")

    return Panel(
        name,
        compute,
        {
            "path": IntSlider(0, len(PATHS) - 1, 0, description="path: 0 VP, 1 cos, 2 RF"),
            "zeta": FloatSlider(0.0, 1.5, 0.0, description="ζ (0 = ODE, 1 = SDE)"),
            "num_steps": IntSlider(5, max_steps, min(100, max_steps), description="steps"),
            "t": FloatSlider(0.001, 1.0, 0.5, description="t (left plot)"),
        },
        setup,
        draw,
        random=True,
        title="17 · One path, one velocity field: from the probability-flow ODE (ζ = 0) to the reverse SDE (ζ = 1)",
        caption="at ζ = 0 the trajectories are smooth and never cross; at ζ = 1 they wander but end on the same "
        "modes in the same proportions (similar TV); with few steps large ζ blurs the modes.",
    )


# --------------------------------------------------------------------------- 19: solvers side by side
def make_solver_panel(
    mix: Any, cond_mask: Any, *, num_particles: int, max_steps: int, ref_steps: int, name: str = "19.solvers"
) -> Panel:
    """Steps, guidance weight and time grid → DDIM, DPM-Solver-2M and DPM-Solver++(2M) vs a reference."""
    schedule = VPLinear()
    cond_mask = jnp.asarray(cond_mask)
    labels = [s[0] for s in experiments.COMPARED_SOLVERS]
    ticks = ["DDIM", "2M (noise)", "++(2M)"]
    shown = min(num_particles, 300)

    def compute(key: Any, num_steps: Any, guidance: Any, grid: Any) -> Any:
        # the grid is a traced index into experiments.SOLVER_GRIDS: switching it never recompiles
        return experiments.solver_view(
            key, mix, schedule, cond_mask, guidance, num_steps, num_particles=num_particles, max_steps=max_steps,
            grid=grid, ref_steps=ref_steps,
        )  # fmt: skip

    def setup(fig: Figure) -> None:
        axes = fig.grid(2, 2, row_height=330)  # with width=720: square-ish 2-D windows
        for i, ax in enumerate(axes[:3]):
            ax.image(f"ref{i}", extent=_EXTENT, cmap="Greys", vmin=0.0)
            ax.scatter(f"ends{i}", color=COLORS[1], size=3.0, alpha=0.6)
            _square(ax, ylabel="x₂" if i % 2 == 0 else "")
        for i in range(3):
            axes[3].band(f"err{i}", color=COLORS[i], alpha=0.85)
        axes[3].set(yscale="log", ylabel="mean ‖x_N − x_ref‖", xlim=(-0.6, 2.6), xticks=[0, 1, 2], xticklabels=ticks)

    def draw(fig: Figure, r: experiments.SolverView, params: dict[str, Any]) -> None:
        ends, errs = np.asarray(r.endpoints), np.maximum(np.asarray(r.errors, dtype=float), 1e-8)
        lo = max(float(np.min(errs)) / 3, 1e-8)
        hi = max(float(np.max(errs)) * 3, 1e-6)
        for i in range(3):
            fig[f"ref{i}"].set_data(r.hist_ref)
            fig[f"ends{i}"].set_data(ends[i, :shown, 0], ends[i, :shown, 1])
            fig.axes[i].set(title=f"{labels[i]}: err {errs[i]:.2g}")
            # bars on a log axis: a band from the bottom of the axis up to the error
            fig[f"err{i}"].set_data([i - 0.35, i + 0.35], [lo, lo], [errs[i], errs[i]])
        fig.axes[3].set(ylim=(lo, hi), title=f"N = {int(params['num_steps'])}, w = {float(params['guidance']):.1f}")

    return Panel(
        name,
        compute,
        {
            "num_steps": IntSlider(2, max_steps, min(10, max_steps), description="steps N"),
            "guidance": FloatSlider(0.0, 12.0, 1.0, description="guidance w"),
            "grid": Choice(experiments.SOLVER_GRIDS, "logsnr", description="time grid", traced=True),
        },
        setup,
        draw,
        random=True,
        width=720,
        title="19 · Same x_T, three solvers: endpoints (orange) over the fine reference (grey)",
        caption="more steps pull every solver's orange endpoints onto the grey reference; the bars compare the "
        "three mean errors at this N, guidance weight and time grid.",
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
    head = np.linspace(-sds.HEAD_WIDTH, sds.HEAD_WIDTH, 61)
    half = np.sqrt(np.maximum(sds.HEAD_WIDTH**2 - head**2, 0.0))
    nv = len(sds.VIEW_NAMES)

    def setup(fig: Figure) -> None:
        ax1, ax4, ax2, ax3 = fig.grid(2, 2, row_height=280)
        ax1.band("head", head, -half, half, color="#9e9e9e", alpha=0.35, label="head")
        ax1.scatter("nose", [1.0], [0.0], color="#000000", size=9.0, alpha=1.0, label="true nose")
        ax1.line("ring_sds", color=COLORS[1], width=1.0)
        ax1.line("ring_geo", color=COLORS[2], width=1.0, dash="--")
        ax1.scatter("blobs_sds", color=COLORS[1], size=6.0, alpha=1.0, label="pure SDS")
        ax1.scatter("blobs_geo", color=COLORS[2], size=6.0, alpha=1.0, label="geo prior")
        ax1.text("camera", "front camera →", 2.9, -1.72, coords="data", size=8.0, align="right")
        ax1.set(xlim=(-3, 3), ylim=(-2, 2), xlabel="x₁", ylabel="x₂", legend="upper left",
                title="objects from above (circle area ∝ blob mass)")  # fmt: skip
        for ax, v in ((ax2, 0), (ax3, 2)):
            ax.line(f"true{v}", pix, truth[v], color="#000000", dash="--", width=1.0, label="true view")
            ax.line(f"sds{v}", color=COLORS[1], label="pure SDS")
            ax.line(f"geo{v}", color=COLORS[2], label="geo prior")
            ax.set(xlabel="pixel", ylim=(-0.05, 2.6), xlim=(float(pix[0]), float(pix[-1])),
                   title=f"{sds.VIEW_NAMES[v]} view")  # fmt: skip
        ax2.set(ylabel="intensity", legend="upper left")
        # rows from the bottom: geo prior (0), pure SDS (1)
        ax4.image("map", extent=(-0.5, nv - 0.5, -0.5, 1.5), cmap="Set2", vmin=0.0, vmax=7.0)
        for i in range(2):
            for j in range(nv):
                ax4.text(f"cell{i}{j}", "", float(j), i + 0.12, coords="data", size=9.0, align="center")
        ax4.set(xlim=(-0.5, nv - 0.5), ylim=(-0.5, 1.5), xticks=range(nv), xticklabels=sds.VIEW_NAMES,
                xlabel="rendered view", ylabel="geo (bottom) · SDS (top)")  # fmt: skip

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        for tag in ("sds", "geo"):
            p, m = np.asarray(r[f"P_{tag}"]), np.asarray(r[f"m_{tag}"])
            fig[f"blobs_{tag}"].set_data(p[:, 0], p[:, 1])
            fig[f"ring_{tag}"].set_data(*_circles(p, 0.25 * np.sqrt(np.clip(m, 0.0, 4.0))))
        for v in (0, 2):
            fig[f"sds{v}"].set_data(pix, np.asarray(r["img_sds"])[v])
            fig[f"geo{v}"].set_data(pix, np.asarray(r["img_geo"])[v])
        m = np.asarray(r["map"])  # (2 methods, views): index of the true view each render looks like
        fig["map"].set_data(m[::-1].astype(float))
        for i, method in enumerate((1, 0)):
            for j in range(nv):
                fig[f"cell{i}{j}"].set_text(sds.VIEW_NAMES[int(m[method, j])])
        err = np.asarray(r["err"])
        fig.axes[1].set(title=f"each view looks like… (err {err[0]:.2f} vs {err[1]:.2f})")

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
        random=True,
        title="22 · Score distillation with a leaky view prior: pure SDS vs a geometric prior",
        caption="pure SDS parks a heavy blob mid-head, so its renders look like the front from every side (top row "
        "of the map); with the geometric prior the nose stays at the front and the views match (bottom row).",
    )


def matplotlib_circle(center: Any, radius: float, **kw: Any) -> Any:
    """A filled circle patch (the toy's head), for static matplotlib figures."""
    from matplotlib.patches import Circle

    return Circle(center, radius, **kw)
