r"""A toy analogue of score distillation (SDS) with and without a geometric prior (GeoDream, Ma et al. 2023).

**The analogy** (a teaching toy, not GeoDream itself):

* the "3-D object" is a head (a wide fixed blob at the origin of the plane) plus ``K`` small feature blobs with
  positions :math:`p_k \in \mathbb R^2` and log-masses :math:`\ell_k`: the parameters :math:`\theta`;
* a "camera" at angle :math:`\varphi` renders a 1-D image of ``NB`` pixels: each blob projects onto the image
  axis :math:`e_\varphi = (-\sin\varphi, \cos\varphi)` and is dimmed by
  :math:`\operatorname{sigmoid}(\langle p_k, u_\varphi\rangle/\tau)` with :math:`u_\varphi = (\cos\varphi,
  \sin\varphi)`, so blobs on the far side are (nearly) invisible, like occluded surfaces;
* the true object has one feature, a "nose" at :math:`(1, 0)`: the front view (:math:`\varphi = 0`) shows a face,
  the back view shows the bare head, the side views a nose in profile;
* the "2-D diffusion prior" is an exact Gaussian mixture over images whose modes are the true object's four
  canonical views. It is *view-conditioned*, but leaky: for view :math:`v` its weights are
  :math:`(1 - p_{leak})\,\delta_v + p_{leak}\,\delta_{front}`, the analogue of a text-to-image model that draws
  faces whatever the view prompt says;
* score distillation moves :math:`\theta` along
  :math:`\mathbb E_{t,\varepsilon,v}\big[\sigma_t(\tilde\varepsilon(\alpha_t R_v(\theta) + \sigma_t\varepsilon; t, v)
  - \varepsilon)\,\partial R_v/\partial\theta\big]` with classifier-free guidance
  :math:`\tilde\varepsilon = \varepsilon_u + s(\varepsilon_c - \varepsilon_u)`;
* the geometric prior is a multi-view reconstruction :math:`\theta_0` fitted to a few posed, view-consistent
  images (the analogue of GeoDream's cost volume built from multi-view diffusion outputs), used as the start of
  SDS and as a regulariser :math:`\lambda\|\theta - \theta_0\|^2`.

Mode-seeking SDS with a leaky prior gives the back of the head a face: the Janus problem.

References:
    Poole, Jain, Barron, Mildenhall (2023), DreamFusion: text-to-3D using 2D diffusion, arXiv:2209.14988.
    Ma, Deng, et al. (2023), GeoDream: disentangling 2D and geometric priors, arXiv:2311.17971;
    code: https://github.com/baaivision/GeoDream.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from priorscope._checks import check_int

from .schedules import VPLinear

__all__ = [
    "NB",
    "VIEW_ANGLES",
    "VIEW_NAMES",
    "render",
    "true_views",
    "prior_eps",
    "init_object",
    "sds_fit",
    "reconstruct",
    "nearest_views",
    "view_error",
    "ToyResult",
    "run_toy",
]

NB = 32  #: pixels per rendered 1-D image
PIXELS = jnp.linspace(-2.5, 2.5, NB)
TAU = 0.25  #: visibility softness
HEAD_WIDTH = 0.7
BLOB_WIDTH = 0.25
MODE_STD = 0.05  #: standard deviation of each prior mode (per pixel)
VIEW_ANGLES = jnp.array([0.0, 0.5, 1.0, 1.5]) * jnp.pi
VIEW_NAMES = ("front", "side", "back", "side'")
_SCHED = VPLinear()


def render(theta, phi):
    """Image ``(NB,)`` of the object ``theta = {"P": (K, 2), "logm": (K,)}`` seen from angle ``phi``."""
    u = jnp.array([jnp.cos(phi), jnp.sin(phi)])
    e = jnp.array([-jnp.sin(phi), jnp.cos(phi)])
    depth, pix = theta["P"] @ u, theta["P"] @ e
    mass = jnp.exp(theta["logm"]) * jax.nn.sigmoid(depth / TAU)
    blobs = jnp.sum(mass[:, None] * jnp.exp(-0.5 * (PIXELS[None] - pix[:, None]) ** 2 / BLOB_WIDTH**2), 0)
    return jnp.exp(-0.5 * PIXELS**2 / HEAD_WIDTH**2) + blobs


TRUE_OBJECT = {"P": jnp.array([[1.0, 0.0]]), "logm": jnp.zeros(1)}


def true_views(angles=VIEW_ANGLES):
    """Renders of the true object, ``(V, NB)``: the prior's modes at the canonical views."""
    return jax.vmap(lambda a: render(TRUE_OBJECT, a))(jnp.asarray(angles))


def prior_eps(x, t, weights):
    r"""Exact noise prediction of the isotropic image mixture :math:`\sum_v w_v\mathcal N(m_v, s^2 I)` at time t.

    Same as :func:`priorscope.diffusion.gmm.eps_hat` for this mixture, written for isotropic covariances (no
    matrix factorisations), which makes the SDS loop cheap enough for a live panel.
    """
    a, s = _SCHED.alpha(t), _SCHED.sigma(t)
    var = a**2 * MODE_STD**2 + s**2
    modes = true_views()
    resid = x[None, :] - a * modes
    logits = jnp.log(jnp.maximum(weights, 1e-30)) - 0.5 * jnp.sum(resid**2, 1) / var
    r = jax.nn.softmax(jnp.where(weights > 0, logits, -jnp.inf))
    return s * (r @ resid) / var


def init_object(key, num_blobs: int = 3):
    """A random start: ``num_blobs`` faint blobs scattered around the head."""
    return {"P": 0.8 * jax.random.normal(key, (num_blobs, 2)), "logm": jnp.full((num_blobs,), jnp.log(0.3))}


def _sds_surrogate(theta, key, leak, cfg, theta0, lam, views_per_step):
    kv, kt, ke = jax.random.split(key, 3)
    v = jax.random.randint(kv, (views_per_step,), 0, 4)
    t = jax.random.uniform(kt, (views_per_step,), minval=0.02, maxval=0.98)
    eps = jax.random.normal(ke, (views_per_step, NB))
    uniform = jnp.full(4, 0.25)

    def one(v, t, e):
        img = render(theta, VIEW_ANGLES[v])
        x_t = _SCHED.alpha(t) * jax.lax.stop_gradient(img) + _SCHED.sigma(t) * e
        w = jnp.zeros(4).at[v].add(1.0 - leak).at[0].add(leak)
        e_u, e_c = prior_eps(x_t, t, uniform), prior_eps(x_t, t, w)
        grad_img = jax.lax.stop_gradient(_SCHED.sigma(t) * (e_u + cfg * (e_c - e_u) - e))
        return jnp.sum(grad_img * img)  # d/d theta of this is the SDS gradient

    reg = sum(jnp.sum((theta[k] - theta0[k]) ** 2) for k in theta)
    return jnp.mean(jax.vmap(one)(v, t, eps)) + lam * reg


def sds_fit(key, theta, leak, cfg, theta0, lam, num_steps: int, *, views_per_step: int = 8, lr: float = 0.02):
    r"""Score distillation with Adam: ``num_steps`` steps, each averaging ``views_per_step`` random (view, t, ε).

    Args:
        key: PRNG key.
        theta: starting object.
        leak: :math:`p_{leak} \in [0, 1]`, the prior's bias toward the front view.
        cfg: classifier-free guidance scale :math:`s`.
        theta0: the geometric prior (regularisation centre).
        lam: :math:`\lambda \ge 0`; 0 switches the geometric regulariser off.
        num_steps: SDS iterations (static).
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    opt = optax.adam(lr)

    def step(carry, k):
        th, st = carry
        g = jax.grad(_sds_surrogate)(th, k, leak, cfg, theta0, lam, views_per_step)
        upd, st = opt.update(g, st)
        return (optax.apply_updates(th, upd), st), None

    (theta, _), _ = jax.lax.scan(step, (theta, opt.init(theta)), jax.random.split(key, num_steps))
    return theta


def reconstruct(key, theta, num_views: int, num_steps: int, *, noise_std: float = 0.03, lr: float = 0.03):
    """The geometric prior: fit ``theta`` to ``num_views`` posed, noisy, view-consistent renders (least squares).

    ``noise_std`` is the standard deviation of the Gaussian pixel noise on the renders.
    """
    num_views = check_int("num_views", num_views, min_value=1)
    angles = jnp.arange(num_views) * 2 * jnp.pi / num_views
    images = true_views(angles) + noise_std * jax.random.normal(key, (num_views, NB))
    loss = lambda th: jnp.mean((jax.vmap(lambda a: render(th, a))(angles) - images) ** 2)
    opt = optax.adam(lr)

    def step(carry, _):
        th, st = carry
        upd, st = opt.update(jax.grad(loss)(th), st)
        return (optax.apply_updates(th, upd), st), None

    (theta, _), _ = jax.lax.scan(step, (theta, opt.init(theta)), None, length=num_steps)
    return theta


def nearest_views(theta):
    """For each canonical view, the index of the prior mode its render is closest to; ``(4,)``."""
    imgs = jax.vmap(lambda a: render(theta, a))(VIEW_ANGLES)
    return jnp.argmin(jnp.sum((imgs[:, None] - true_views()[None]) ** 2, -1), axis=1)


def view_error(theta, num_angles: int = 16):
    """RMS difference between the object's and the true object's renders over ``num_angles`` angles."""
    angles = jnp.arange(num_angles) * 2 * jnp.pi / num_angles
    imgs = jax.vmap(lambda a: render(theta, a))(angles)
    return jnp.sqrt(jnp.mean((imgs - true_views(angles)) ** 2))


class ToyResult(NamedTuple):
    """One seed of the toy: the pure-SDS object, the geometric prior, and SDS with the geometric prior."""

    sds: dict
    prior: dict
    geo: dict
    janus_sds: jax.Array  # back view looks like the front (bool)
    janus_geo: jax.Array
    err_sds: jax.Array
    err_geo: jax.Array
    err_prior: jax.Array  # the geometric prior alone, before any SDS refinement
    janus_prior: jax.Array


def run_toy(key, leak, cfg, lam, *, num_steps: int, num_views: int = 4, recon_steps: int = 300) -> ToyResult:
    """Pure SDS from a random start vs SDS started at and regularised toward a multi-view reconstruction.

    The reconstruction (the "geometric prior") is a least-squares fit to ``num_views`` noisy renders of the *true*
    object, so its own error (``err_prior``) is the baseline that SDS refinement must be compared with.
    """
    k_init, k_sds, k_rec = jax.random.split(key, 3)
    theta_init = init_object(k_init)
    sds = sds_fit(k_sds, theta_init, leak, cfg, theta_init, 0.0, num_steps)
    prior = reconstruct(k_rec, theta_init, num_views, recon_steps)
    geo = sds_fit(k_sds, prior, leak, cfg, prior, lam, num_steps)
    back = 2
    return ToyResult(
        sds, prior, geo,
        nearest_views(sds)[back] == 0, nearest_views(geo)[back] == 0,
        view_error(sds), view_error(geo), view_error(prior), nearest_views(prior)[back] == 0,
    )  # fmt: skip
