"""Panels and static figures of the GP tutorial (t03) and notebooks 04 (GP-HM) and 05 (RVGP)."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from priorscope.gp import demo
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
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


def plot_kernels_and_priors(fig: Any, key: jax.Array, lengthscale: float = 1.0, num_samples: int = 3) -> Any:
    """Static figure: k(0, τ) for each family (left) and prior draws of each family (right panels)."""
    from priorscope.gp import sample_prior

    tau = np.linspace(-4, 4, 400)
    x = np.linspace(-4, 4, 300)
    axes = fig.subplots(1, 1 + len(demo.KERNEL_FAMILIES), sharex=False)
    for i, name in enumerate(demo.KERNEL_FAMILIES):
        k = demo.make_kernel(name, lengthscale)
        axes[0].plot(tau, np.asarray(k(np.zeros(1), tau))[0], color=COLORS[i], label=name)
        draws = np.asarray(sample_prior(jax.random.fold_in(key, i), k, x, num_samples))
        for s in range(num_samples):
            axes[i + 1].plot(x, draws[s], color=COLORS[i], lw=1)
        axes[i + 1].set(title=name, xlabel="x", ylim=(-3.2, 3.2))
    axes[0].set(xlabel="τ = x − x′", ylabel="k(τ)", title=f"kernels, ℓ = {lengthscale:g}")
    axes[0].legend(fontsize=7)
    axes[1].set_ylabel("f(x) ~ prior")
    return axes


def make_gp_regression_panel(name: str = "t03.gp_regression") -> Panel:
    """Kernel family, lengthscale, noise and data size → posterior bands, draws and the evidence landscape."""

    def compute(key: Any, kernel: str, lengthscale: Any, noise: Any, num_points: Any) -> Any:
        return demo.regression_demo(key, kernel, lengthscale, noise, num_points)

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.6, 1))
        zeros = np.zeros(2)
        band = ax1.fill_between([0.0, 1.0], zeros, zeros, color=COLORS[0], alpha=0.2, label="95% band of f")
        truth = ax1.plot([], [], "--", color="k", lw=1, label="true f")[0]
        mean = ax1.plot([], [], color=COLORS[0], lw=2, label="posterior mean")[0]
        draws = [ax1.plot([], [], color=COLORS[0], lw=0.7, alpha=0.6)[0] for _ in range(3)]
        data = ax1.plot([], [], "o", color=COLORS[1], ms=4, label="data")[0]
        ax1.set(xlim=(-3.5, 3.5), ylim=(-3.0, 3.0), xlabel="x", ylabel="f(x)")
        ax1.legend(loc="lower right", fontsize=7, ncol=2)
        lml = ax2.plot([], [], color=COLORS[2], lw=2)[0]
        now = ax2.plot([], [], "o", color=COLORS[1], ms=7, label="current ℓ")[0]
        best = ax2.axvline(1.0, color=COLORS[2], ls=":", label="evidence max")
        ax2.set(xscale="log", xlabel="lengthscale ℓ", ylabel="log p(y | ℓ, σ²)", title="evidence landscape")
        ax2.legend(loc="lower center", fontsize=7)
        return {
            "ax1": ax1,
            "ax2": ax2,
            "band": band,
            "truth": truth,
            "mean": mean,
            "draws": draws,
            "data": data,
            "lml": lml,
            "now": now,
            "best": best,
        }

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        xt = np.asarray(r.x_test)
        m, sd = np.asarray(r.mean), np.asarray(r.sd)
        a["band"].set_data(xt, m - 1.96 * sd, m + 1.96 * sd)
        a["truth"].set_data(xt, np.asarray(r.f_test))
        a["mean"].set_data(xt, m)
        for line, s in zip(a["draws"], np.asarray(r.samples), strict=True):
            line.set_data(xt, s)
        n = int(params["num_points"])
        a["data"].set_data(np.asarray(r.x)[:n], np.asarray(r.y)[:n])
        g, lml = np.asarray(r.ell_grid), np.asarray(r.lml)
        a["lml"].set_data(g, lml)
        a["now"].set_data([float(params["lengthscale"])], [float(r.lml_current)])
        a["best"].set_xdata([float(r.ell_best)] * 2)
        top = float(np.max(lml))
        a["ax2"].set_xlim(g[0], g[-1])
        a["ax2"].set_ylim(top - max(60.0, 0.25 * abs(top)), top + 0.05 * abs(top) + 2.0)
        a["ax1"].set_title(
            f"{params['kernel']}: ℓ={float(params['lengthscale']):.2f}, σ²={float(params['noise']):.3f}, "
            f"n={params['num_points']}",
            fontsize=9,
        )
        a["ax2"].set_title(f"evidence: best ℓ on grid = {float(r.ell_best):.2f}", fontsize=9)

    return Panel(
        name,
        compute,
        {
            "kernel": Choice(demo.KERNEL_FAMILIES, "RBF", description="kernel"),
            "lengthscale": FloatSlider(0.05, 5.0, 0.5, log=True, description="lengthscale ℓ"),
            "noise": FloatSlider(1e-3, 1.0, 0.04, log=True, description="noise variance σ²"),
            "num_points": IntSlider(1, 64, 16, description="data points n"),
        },
        setup,
        draw,
        figsize=(9.5, 3.6),
        title="GP regression: prior choice → posterior and evidence",
    )


def make_pde_frequency_panel(name: str = "04.frequency_scan") -> Panel:
    """Kernel frequency μ, lengthscale ℓ, grid size, target frequency → GP solution of u'' = f and the evidence
    over μ (notebook 04)."""
    from priorscope.gp import spectral

    def compute(key: Any, kernel: str, mu: Any, lengthscale: Any, true_frequency: Any, num_col: int) -> Any:
        kind = "spectral_mixture" if kernel == "spectral mixture" else "rbf"
        return spectral.frequency_scan(true_frequency, mu, lengthscale, num_col, kind)

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.5, 1))
        truth = ax1.plot([], [], color="k", lw=1, ls="--", label="exact u")[0]
        sol = ax1.plot([], [], color=COLORS[0], lw=1.5, label="GP solution")[0]
        col = ax1.plot([], [], "|", color=COLORS[1], ms=6, label="collocation points")[0]
        ax1.set(xlim=(0, 1), ylim=(-2.5, 2.5), xlabel="x", ylabel="u(x)")
        ax1.legend(loc="lower left", fontsize=7, ncol=3)
        ev = ax2.plot([], [], color=COLORS[2], lw=2, label="log evidence")[0]
        now = ax2.axvline(0.0, color=COLORS[0], lw=1, label="kernel μ")
        star = ax2.axvline(0.0, color="k", ls="--", lw=1, label="true μ*")
        ax2.set(xlabel="kernel frequency μ (cycles per unit)", ylabel="log N(z; 0, Θ)", xlim=(0, 32))
        ax2.legend(loc="lower right", fontsize=7)
        return {"ax1": ax1, "ax2": ax2, "truth": truth, "sol": sol, "col": col, "ev": ev, "now": now, "star": star}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        a["truth"].set_data(np.asarray(r.x_test), np.asarray(r.u_test))
        a["sol"].set_data(np.asarray(r.x_test), np.clip(np.asarray(r.u_hat), -10, 10))
        a["col"].set_data(np.asarray(r.x_col), np.full(r.x_col.shape, -2.3))
        ev = np.asarray(r.log_evidence)
        a["ev"].set_data(np.asarray(r.mu_grid), ev)
        top = float(np.max(ev))
        a["ax2"].set_ylim(top - max(200.0, 0.5 * abs(top)), top + 0.05 * abs(top) + 5)
        a["now"].set_xdata([float(params["mu"])] * 2)
        a["star"].set_xdata([float(params["true_frequency"])] * 2)
        a["ax1"].set_title(f"{params['kernel']}: relative L2 error {float(r.error):.2e}", fontsize=9)
        best = float(np.asarray(r.mu_grid)[np.argmax(ev)])
        a["ax2"].set_title(f"evidence peaks at μ ≈ {best:.1f}", fontsize=9)

    return Panel(
        name,
        compute,
        {
            "kernel": Choice(("spectral mixture", "RBF"), "spectral mixture", description="kernel"),
            "mu": FloatSlider(0.0, 32.0, 10.0, description="kernel frequency μ"),
            "lengthscale": FloatSlider(0.01, 1.0, 0.3, log=True, description="envelope ℓ"),
            "true_frequency": FloatSlider(1.0, 30.0, 16.0, description="solution frequency μ*"),
            "num_col": IntSlider(32, 64, 64, buckets=(32, 64), description="collocation points"),
        },
        setup,
        draw,
        figsize=(9.5, 3.6),
        title="GP collocation for u″ = f: the kernel's frequency vs the solution's",
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


def make_rvgp_inpainting_panel(geometry: Any, name: str = "05.rvgp_inpainting") -> Panel:
    """Cap height, ν, κ and eigenpairs → RVGP and Euclidean-GP reconstructions of a hidden polar cap
    (notebook 05). The sphere is viewed from above (x, y); arrows show the (x, y) part of each vector."""
    from priorscope.gp import manifold

    X = np.asarray(geometry.X)
    top = X[:, 2] > -0.2  # the visible (upper) part of the sphere in the top view
    k = int(geometry.evals.shape[0])

    def compute(key: Any, cap_height: Any, nu: Any, kappa: Any, num_eigenpairs: Any) -> Any:
        return manifold.inpainting_demo(geometry, cap_height, nu, kappa, num_eigenpairs)

    def setup(fig: Any) -> dict[str, Any]:
        axes = fig.subplots(1, 2, sharex=True, sharey=True)
        out: dict[str, Any] = {"axes": axes}
        theta = np.linspace(0, 2 * np.pi, 200)
        for ax, label, color in zip(
            axes, ("RVGP", "Euclidean GP (per component)"), (COLORS[0], COLORS[1]), strict=True
        ):
            zeros = np.zeros(int(top.sum()))
            ax.plot(np.cos(theta), np.sin(theta), color="grey", lw=0.5)
            out[f"truth_{label}"] = ax.quiver(X[top, 0], X[top, 1], zeros, zeros, color="0.6", scale=25, width=0.004)
            out[f"pred_{label}"] = ax.quiver(X[top, 0], X[top, 1], zeros, zeros, color=color, scale=25, width=0.004)
            out[f"cap_{label}"] = ax.plot(np.cos(theta), np.sin(theta), "k--", lw=1)[0]
            ax.set(aspect="equal", xlim=(-1.05, 1.05), ylim=(-1.05, 1.05), xlabel="x", title=label)
        axes[0].set_ylabel("y (view from +z)")
        out["theta"] = theta
        return out

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        truth, preds = np.asarray(r.truth)[top], {"RVGP": np.asarray(r.rvgp)[top]}
        preds["Euclidean GP (per component)"] = np.asarray(r.euclid)[top]
        h = float(params["cap_height"])
        rad = np.sqrt(max(1 - min(h, 1.0) ** 2, 0.0)) if h > -0.2 else np.sqrt(1 - 0.04)
        for label, pred in preds.items():
            a[f"truth_{label}"].set_UVC(truth[:, 0], truth[:, 1])
            a[f"pred_{label}"].set_UVC(pred[:, 0], pred[:, 1])
            a[f"cap_{label}"].set_data(rad * np.cos(a["theta"]), rad * np.sin(a["theta"]))
        a["axes"][0].set_title(f"RVGP: cos {float(r.cos_rvgp):.3f}, |n·v̂|/|v̂| {float(r.normal_rvgp):.1e}", fontsize=9)
        a["axes"][1].set_title(
            f"Euclidean GP: cos {float(r.cos_euclid):.3f}, |n·v̂|/|v̂| {float(r.normal_euclid):.1e}", fontsize=9
        )

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
        figsize=(9.0, 4.4),
        title="Inpainting a vector field on the sphere: grey = truth, colour = prediction, dashed = hidden cap",
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
