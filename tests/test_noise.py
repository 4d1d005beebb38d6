"""The portable drift gate: bands measured at accept under numeric variants (check/noise.py)."""
from __future__ import annotations

import json

from enginekit import build, py, write_site

from execdocs.check.noise import MARGIN, judge, measure, unit


def test_unit_is_one_step_of_the_last_printed_digit():
    assert unit("81.0") == 0.1 and unit("0.374") == 0.001 and unit("12") == 1.0
    assert abs(unit("1.5e-3") - 1e-4) < 1e-18


def test_identical_outputs_are_exact():
    assert measure(["loss 0.374", "loss 0.374"]) == []
    assert not judge("loss 0.374", "loss 0.375", [], 1e-4, 1e-6).ok


def test_text_that_differs_between_variants_is_fragile_not_noisy():
    assert measure(["predicted: ring 0.9", "predicted: disc 0.9"]) is None


def test_noise_is_pooled_over_the_output():
    """The second number differs by 2 %: every decimal of the output may move by 2 % of itself."""
    bands = measure(["first 50.0 second 60.0 third 70.0", "first 50.0 second 61.2 third 70.0"])
    assert [b[0] for b in bands] == [0, 1, 2]
    index, lo, hi, scale = bands[2]
    assert (lo, hi) == (70.0, 70.0) and 1.3 < scale < 1.5  # 70 x the 2 % spread seen at "second"
    recorded = "first 50.0 second 60.0 third 70.0"
    # inside: each number within MARGIN times its scale (first: 50 x 2 % = 1.0, second: 1.2, third: 1.4)
    near = f"first {50 + 0.9 * MARGIN:.1f} second {60 - 0.9 * MARGIN:.1f} third {70 + 1.3 * MARGIN:.1f}"
    assert judge(recorded, near, bands, 1e-4, 1e-6).ok
    far = judge(recorded, f"first 50.0 second {61.2 + 1.3 * MARGIN:.1f} third 70.0", bands, 1e-4, 1e-6)
    assert not far.ok and "outside its band" in far.outside[0]
    assert not judge(recorded, f"first {50 + 1.1 * MARGIN:.1f} second 60.0 third 70.0", bands, 1e-4, 1e-6).ok


def test_integers_stay_exact_unless_the_variants_disagree():
    bands = measure(["n 12 loss 0.5 n 400", "n 12 loss 0.6 n 400"])
    assert [b[0] for b in bands] == [1]
    assert measure(["correct 324", "correct 326"])[0][1:3] == (324.0, 326.0)


TRAINING = """
    import torch
    from torch import nn
    from cnnlab.data import load_dataset
    from cnnlab.models import SimpleCNN
    torch.manual_seed(0)
    x, y = load_dataset(n=640, seed=0)
    model = SimpleCNN()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    for epoch in range(1, 7):
        for i in range(0, 640, 32):
            loss = nn.functional.cross_entropy(model(x[i:i + 32]), y[i:i + 32])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: loss {loss.item():.7f}")
"""


def page(lr: str) -> dict[str, str]:
    return {"train.md": "# Train\n\n" + py(TRAINING.replace("LR", lr))}


def test_recorded_under_two_variants_passes_under_a_third_and_catches_a_mutation(tmp_path):
    """Accept under host and scalar kernels; build under oneDNN's AVX path (not used by accept)."""
    settings = write_site(tmp_path, page("3e-3"))
    settings.accept_variants = ("host", "scalar")
    accepted = build(settings, accept=True)
    assert accepted.problems == []
    record = json.loads((tmp_path / "records" / "train.json").read_text())
    entry = record["blocks"][0]["outputs"]["any"]
    assert entry["noise"] == "banded" and entry["bands"]["stdout"], entry
    assert set(record["made_on"]["variants"]) == {"host", "scalar"}
    assert record["made_on"]["variants"]["scalar"]["capability"] == "DEFAULT"

    settings.variant = "avx"
    held_out = build(settings)
    assert held_out.problems == [], [p.detail for p in held_out.problems]

    settings.variant = "host"
    (tmp_path / "docs" / "train.md").write_text(page("6e-3")["train.md"])  # learning rate x2
    mutated = build(settings)
    assert len(mutated.problems) == 1
    detail = mutated.problems[0].detail
    assert "outside the noise measured at accept" in detail and "recorded on" in detail, detail
