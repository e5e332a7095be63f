"""Panels and static figures of the GP tutorial (t03) and notebooks 04 (GP-HM) and 05 (RVGP)."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from priorscope.gp import experiments
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_gp_regression_panel",
    "plot_kernels_and_priors",
    "make_pde_frequency_panel",
    "plot_learned_spectrum",
    "make_rvgp_inpainting_panel",
    "plot_connection_spectra",
]

_BLACK, _GREY = "#000000", "#808080"


def plot_kernels_and_priors(fig: Any, key: jax.Array, lengthscale: float = 1.0, num_samples: int = 3) -> Any:
    """Static figure: k(0, τ) for each family (top left) and prior draws of each family (the other axes).

    The axes are laid out in two rows of three (not one wide strip) and the figure is set to at most 9 × 5 in, so
    it fits a 900-px output area at 100 dpi with every label inside. Returns the axes (profiles first).
    """
    from priorscope.gp import sample_prior

    width, height = fig.get_size_inches()
    fig.set_size_inches(min(float(width), 9.0), 5.0)
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    tau = np.linspace(-4, 4, 400)
    x = np.linspace(-4, 4, 300)
    n = len(experiments.KERNEL_FAMILIES)
    cols = 3
    rows = -(-(n + 1) // cols)
    grid = fig.subplots(rows, cols, sharex=False).ravel()
    axes = grid[: n + 1]
    for ax in grid[n + 1 :]:
        ax.set_visible(False)
    for i, name in enumerate(experiments.KERNEL_FAMILIES):
        k = experiments.make_kernel(name, lengthscale)
        axes[0].plot(tau, np.asarray(k(np.zeros(1), tau))[0], color=COLORS[i], label=name)
        draws = np.asarray(sample_prior(jax.random.fold_in(key, i), k, x, num_samples))
        for s in range(num_samples):
            axes[i + 1].plot(x, draws[s], color=COLORS[i], lw=1)
        axes[i + 1].set(title=f"prior draws: {name}", ylim=(-3.2, 3.2))
        if (i + 1) // cols == rows - 1:
            axes[i + 1].set_xlabel("x")
        if (i + 1) % cols == 0:
            axes[i + 1].set_ylabel("f(x) ~ prior")
    axes[0].set(xlabel="τ = x − x′", ylabel="k(τ)", title=f"kernels, ℓ = {lengthscale:g}")
    axes[0].legend(fontsize=7)
    return axes


def make_gp_regression_panel(name: str = "t03.gp_regression") -> Panel:
    """Kernel family, lengthscale, noise and data size → posterior bands, draws and the evidence landscape.

    The kernel family is a traced index (a ``lax.switch`` over the families inside one compiled program), so
    switching families never recompiles.
    """

    def compute(key: Any, kernel: Any, lengthscale: Any, noise_var: Any, num_points: Any) -> Any:
        return experiments.regression_demo(key, kernel, lengthscale, noise_var, num_points)

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, width_ratios=(1.6, 1), row_height=300)
        ax1.band("band", color=COLORS[0], alpha=0.2, label="95% band of f")
        ax1.line("truth", color=_BLACK, dash="--", width=1.0, label="true f")
        for i in range(3):
            ax1.line(f"draw{i}", color=COLORS[0], width=0.7, alpha=0.6, label="posterior draws" if i == 0 else None)
        ax1.line("mean", color=COLORS[0], width=2.0, label="posterior mean")
        ax1.scatter("data", color=COLORS[1], size=6.0, alpha=1.0, label="data")
        ax1.set(xlim=(-3.5, 3.5), ylim=(-3.0, 3.0), xlabel="x", ylabel="f(x)", legend="lower right")
        ax2.line("lml", color=COLORS[2], width=2.0)
        ax2.scatter("now", color=COLORS[1], size=9.0, alpha=1.0, label="current ℓ")
        ax2.vline("best", 1.0, color=COLORS[2], dash=":", label="evidence max")
        ax2.set(xscale="log", xlabel="lengthscale ℓ", ylabel="log p(y | ℓ, σ²)", legend="lower right")

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        xt = np.asarray(r.x_test)
        m, sd = np.asarray(r.mean), np.asarray(r.sd)
        fig["band"].set_data(xt, m - 1.96 * sd, m + 1.96 * sd)
        fig["truth"].set_data(xt, r.f_test)
        fig["mean"].set_data(xt, m)
        for i, s in enumerate(np.asarray(r.samples)):
            fig[f"draw{i}"].set_data(xt, s)
        n = int(params["num_points"])
        fig["data"].set_data(np.asarray(r.x)[:n], np.asarray(r.y)[:n])
        g, lml = np.asarray(r.ell_grid), np.asarray(r.lml)
        fig["lml"].set_data(g, lml)
        fig["now"].set_data([float(params["lengthscale"])], [float(r.lml_current)])
        fig["best"].set_data([float(r.ell_best)])
        top = float(np.max(lml))
        fig.axes[0].set(
            title=f"{params['kernel']}: ℓ={float(params['lengthscale']):.2f}, σ²={float(params['noise_var']):.3f}, "
            f"n={params['num_points']}"
        )
        fig.axes[1].set(
            xlim=(float(g[0]), float(g[-1])),
            ylim=(top - max(60.0, 0.25 * abs(top)), top + 0.05 * abs(top) + 2.0),
            title=f"evidence: best ℓ on grid = {float(r.ell_best):.2f}",
        )

    return Panel(
        name,
        compute,
        {
            "kernel": Choice(experiments.KERNEL_FAMILIES, "RBF", description="kernel", traced=True),
            "lengthscale": FloatSlider(0.05, 5.0, 0.5, log=True, description="lengthscale ℓ"),
            "noise_var": FloatSlider(1e-3, 1.0, 0.04, log=True, description="noise variance σ²"),
            "num_points": IntSlider(1, 64, 16, description="data points n"),
        },
        setup,
        draw,
        random=True,
        title="t03 · GP regression: prior choice → posterior and evidence",
        caption="a small ℓ gives wiggly draws that chase the noise, a large ℓ a stiff fit that misses the data; "
        "the evidence (right) peaks in between, and the dot shows where the current ℓ sits.",
    )


def make_pde_frequency_panel(name: str = "04.frequency_scan") -> Panel:
    """Kernel frequency μ, lengthscale ℓ, grid size, target frequency → GP solution of u'' = f and the evidence
    over μ (notebook 04). The kernel choice is a traced index (``lax.switch``): switching never recompiles."""
    from priorscope.gp import spectral

    kernels = ("spectral mixture", "RBF")  # in the order of spectral.KERNEL_KINDS

    def compute(key: Any, kernel: Any, mu: Any, lengthscale: Any, true_frequency: Any, num_col: int) -> Any:
        return spectral.frequency_scan(true_frequency, mu, lengthscale, num_col, kernel)

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, width_ratios=(1.5, 1), row_height=300)
        ax1.line("truth", color=_BLACK, dash="--", width=1.0, label="exact u")
        ax1.line("sol", color=COLORS[0], width=1.5, label="GP solution")
        ax1.scatter("col", color=COLORS[1], size=4.0, alpha=1.0, label="collocation points")
        ax1.set(xlim=(0, 1), ylim=(-4.2, 2.5), xlabel="x", ylabel="u(x)", legend="lower left")
        ax2.line("ev", color=COLORS[2], width=2.0, label="log evidence")
        ax2.vline("now", 0.0, color=COLORS[0], dash="-", label="kernel μ")
        ax2.vline("star", 0.0, color=_BLACK, dash="--", label="true μ*")
        ax2.set(
            xlabel="kernel frequency μ (cycles per unit)", ylabel="log N(z; 0, Θ)", xlim=(0, 32), legend="lower right"
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        fig["truth"].set_data(r.x_test, r.u_test)
        fig["sol"].set_data(r.x_test, np.clip(np.asarray(r.u_hat), -10, 10))
        fig["col"].set_data(r.x_col, np.full(np.shape(r.x_col), -2.25))
        ev = np.asarray(r.log_evidence)
        fig["ev"].set_data(r.mu_grid, ev)
        top = float(np.max(ev))
        fig["now"].set_data([float(params["mu"])])
        fig["star"].set_data([float(params["true_frequency"])])
        best = float(np.asarray(r.mu_grid)[np.argmax(ev)])
        fig.axes[0].set(title=f"{params['kernel']}: relative L2 error {float(r.error):.2e}")
        fig.axes[1].set(
            ylim=(top - max(200.0, 0.5 * abs(top)), top + 0.05 * abs(top) + 5),
            title=f"evidence peaks at μ ≈ {best:.1f}",
        )

    return Panel(
        name,
        compute,
        {
            "kernel": Choice(kernels, "spectral mixture", description="kernel", traced=True),
            "mu": FloatSlider(0.0, 32.0, 10.0, description="kernel frequency μ"),
            "lengthscale": FloatSlider(0.01, 1.0, 0.3, log=True, description="envelope ℓ"),
            "true_frequency": FloatSlider(1.0, 30.0, 16.0, description="solution frequency μ*"),
            "num_col": IntSlider(32, 64, 64, buckets=(32, 64), description="collocation points"),
        },
        setup,
        draw,
        title="04 · GP collocation for u″ = f: the kernel's frequency vs the solution's",
        caption="the GP solution matches the exact u when the kernel frequency μ sits near the solution's μ*, "
        "where the evidence (right) peaks.",
    )


def plot_learned_spectrum(ax: Any, weights: Any, freqs: Any, true_freqs: Any = ()) -> None:
    """Stem plot of mixture weights w_q (normalised by the largest) at frequencies |μ_q| on a log scale."""
    w = np.asarray(weights) / np.max(np.asarray(weights))
    f = np.abs(np.asarray(freqs))
    ax.vlines(f, 1e-6, w, color=COLORS[0], lw=1.5)
    ax.plot(f, w, "o", color=COLORS[0], ms=4, label="learned w_q / max w")
    for i, t in enumerate(true_freqs):
        ax.axvline(t, color="k", ls="--", lw=1, label="true frequencies" if i == 0 else None)
    ax.set(yscale="log", ylim=(1e-5, 2), xlabel="frequency μ_q (cycles per unit)", ylabel="relative weight")
    ax.legend(fontsize=8)


def _arrows(xy: np.ndarray, uv: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Arrows (shaft plus two barbs) from ``xy`` along ``scale · uv`` as one polyline with NaN breaks."""
    tip = xy + scale * uv
    length = np.linalg.norm(tip - xy, axis=1, keepdims=True)
    unit = (tip - xy) / np.maximum(length, 1e-12)
    normal = unit[:, ::-1] * np.array([-1.0, 1.0])
    head = np.minimum(0.35 * length, 0.04)
    barb1 = tip - head * (unit - 0.5 * normal)
    barb2 = tip - head * (unit + 0.5 * normal)
    gap = np.full_like(xy, np.nan)
    pts = np.stack([xy, tip, gap, barb1, tip, barb2, gap], axis=1).reshape(-1, 2)
    return pts[:, 0], pts[:, 1]


def make_rvgp_inpainting_panel(geometry: Any, name: str = "05.rvgp_inpainting") -> Panel:
    """Cap height, ν, κ and eigenpairs → RVGP and Euclidean-GP reconstructions of a hidden polar cap
    (notebook 05). The sphere is viewed from above (x, y); arrows show the (x, y) part of each vector."""
    from priorscope.gp import manifold

    X = np.asarray(geometry.X)
    top = X[:, 2] > -0.2  # the visible (upper) part of the sphere in the top view
    xy = X[top, :2]
    k = int(geometry.evals.shape[0])
    theta = np.linspace(0, 2 * np.pi, 200)
    labels = (("rvgp", "RVGP", COLORS[0]), ("euclid", "Euclidean GP (per component)", COLORS[1]))
    scale = 2.1 / 25  # matplotlib quiver's scale=25: an arrow of length |v| spans |v|/25 of the axes width

    def compute(key: Any, cap_height: Any, nu: Any, kappa: Any, num_eigenpairs: Any) -> Any:
        return manifold.inpainting_demo(geometry, cap_height, nu, kappa, num_eigenpairs)

    def setup(fig: Figure) -> None:
        axes = fig.grid(1, 2, row_height=420)
        for ax, (key, label, color) in zip(axes, labels, strict=True):
            ax.line(f"rim_{key}", np.cos(theta), np.sin(theta), color=_GREY, width=0.5)
            ax.line(f"truth_{key}", color="#999999", width=1.0)
            ax.line(f"pred_{key}", color=color, width=1.0)
            ax.line(f"cap_{key}", color=_BLACK, dash="--", width=1.0)
            ax.set(xlim=(-1.05, 1.05), ylim=(-1.05, 1.05), xlabel="x", title=label)
        axes[0].set(ylabel="y (view from +z)")  # the panel title names the colours

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        truth = np.asarray(r.truth)[top, :2]
        preds = {"rvgp": np.asarray(r.rvgp)[top, :2], "euclid": np.asarray(r.euclid)[top, :2]}
        h = float(params["cap_height"])
        rad = np.sqrt(max(1 - min(h, 1.0) ** 2, 0.0)) if h > -0.2 else np.sqrt(1 - 0.04)
        for key, pred in preds.items():
            fig[f"truth_{key}"].set_data(*_arrows(xy, truth, scale))
            fig[f"pred_{key}"].set_data(*_arrows(xy, pred, scale))
            fig[f"cap_{key}"].set_data(rad * np.cos(theta), rad * np.sin(theta))
        fig.axes[0].set(title=f"RVGP: cos {float(r.cos_rvgp):.3f}, |n·v̂|/|v̂| {float(r.normal_rvgp):.1e}")
        fig.axes[1].set(title=f"Euclidean GP: cos {float(r.cos_euclid):.3f}, |n·v̂|/|v̂| {float(r.normal_euclid):.1e}")

    return Panel(
        name,
        compute,
        {
            "cap_height": FloatSlider(-0.6, 0.9, 0.5, description="hidden cap: z >"),
            "nu": FloatSlider(0.5, 4.0, 1.5, description="smoothness ν"),
            "kappa": FloatSlider(0.5, 20.0, 5.0, log=True, description="lengthscale κ"),
            "num_eigenpairs": IntSlider(2, k, k, description="eigenpairs used"),
        },
        setup,
        draw,
        title="05 · Inpainting a vector field on the sphere: grey = truth, colour = prediction, dashed = hidden cap",
        caption="both fill the hidden cap close to the grey truth (cos in the titles); the RVGP stays tangent to "
        "the sphere (|n·v̂|/|v̂| ≈ 0.01) while the Euclidean GP tilts out of it (≈ 0.1).",
    )


def plot_connection_spectra(ax: Any, spectra: dict[str, Any], num: int = 12) -> None:
    """Smallest eigenvalues of connection Laplacians (one marker series per manifold), each divided by its
    third eigenvalue so manifolds of different size compare."""
    for i, (label, evals) in enumerate(spectra.items()):
        ev = np.asarray(evals)[:num]
        ax.plot(np.arange(1, len(ev) + 1), ev / ev[2], "o-", color=COLORS[i], label=label, ms=4)
    ax.set(yscale="symlog", xlabel="eigenvalue index m", ylabel="λ_m / λ_3")
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.legend(fontsize=8)
