"""The whole site, built under a numeric variant that ``make accept`` did not use, passes the
drift gate with the committed records (the portable gate's end-to-end proof; ``make test-all``).

Why a held-out variant: the bands were measured under host, scalar and sse41 kernels; oneDNN's
AVX path (``run.variants``) is a kernel path none of them took, so it stands in for another
machine.  Its results are cached under their own key, never mixed with the host's."""
from __future__ import annotations

import pytest
from enginekit import build
from realsite import project_settings


@pytest.mark.slow
def test_site_built_under_a_held_out_variant_has_no_problems():
    settings = project_settings()
    settings.variant = "avx"
    held_out = build(settings)
    assert held_out.stats["ran"] + held_out.stats["cached"] > 100
    assert held_out.problems == [], "\n\n".join(p.detail for p in held_out.problems)
