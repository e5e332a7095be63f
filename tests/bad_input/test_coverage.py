"""Every public name of every subpackage has at least one bad-input case or an explicit, justified exemption."""

import importlib

import pytest

SUBPACKAGES = {
    "amortized": "test_amortized",
    "bayes": "test_bayes",
    "bnn": "test_bnn",
    "bo": "test_bo",
    "diffusion": "test_diffusion",
    "discrete": "test_discrete",
    "gp": "test_gp",
    "inference": "test_inference",
    "iterate": "test_iterate",
    "nn": "test_nn",
    "minds": ("test_minds", "test_visual_priors"),
    "particles": "test_particles",
    "scaling": "test_scaling",
    "sdp": "test_sdp",
}
CORE = ("config", "claims", "metrics", "viz")


def _covered(test_modules: str | tuple[str, ...]) -> tuple[set[str], dict[str, str]]:
    targets: set[str] = set()
    exempt: dict[str, str] = {}
    for name in (test_modules,) if isinstance(test_modules, str) else test_modules:
        mod = importlib.import_module(f"{__package__}.{name}")
        targets |= {c.target for c in mod.CASES}
        exempt |= mod.EXEMPT
    return targets, exempt


@pytest.mark.parametrize("sub", sorted(SUBPACKAGES) + list(CORE))
def test_every_public_name_has_a_case(sub):
    public = set(importlib.import_module(f"priorscope.{sub}").__all__) - {"__version__"}
    targets, exempt = _covered(SUBPACKAGES.get(sub, "test_core"))
    assert all(len(why.split()) >= 2 for why in exempt.values()), "every exemption states its reason"
    missing = sorted(public - targets - set(exempt))
    assert not missing, f"priorscope.{sub}: no bad-input case for {missing}"
