"""Tests for cnnlab.claims: a claim that stops holding fails the build, naming page:line and the claim."""
import pytest
import torch

from cnnlab.claims import ClaimFailed, claim
from enginekit import build, py, write_site


def test_claim_that_holds_prints_it(capsys):
    claim(torch.tensor(0.93) >= 0.85, "the CNN reaches at least 85 %", measured="93.0 %")
    assert capsys.readouterr().out == "✓ the CNN reaches at least 85 % (measured: 93.0 %)\n"


def test_claim_that_fails_raises_with_its_text():
    with pytest.raises(ClaimFailed, match=r"claim does not hold: the drop is at least 40 points \(measured: 12.0\)"):
        claim(12.0 >= 40, "the drop is at least 40 points", measured="12.0")
    assert issubclass(ClaimFailed, AssertionError)


EXPERIMENT = """
    import torch
    from cnnlab import data, models, train
    from cnnlab.claims import claim

    torch.manual_seed({seed})
    images, labels = data.make_patterns(400, seed=0)
    xtr, ytr, xva, yva = data.train_val_split(images, labels, val_fraction=0.25, seed=0)
    model = models.SmallCNN(width=4, hidden=32)
    history = train.fit(model, xtr, ytr, xva, yva, num_epochs={epochs}, lr=3e-3, batch_size=32, seed={seed})
    accuracy = history[-1]["val_acc"]
    print(f"validation accuracy {{accuracy:.1%}}")
    claim(accuracy >= 0.35, "a few epochs lift the CNN well above chance (10 %)", f"{{accuracy:.1%}}")
"""


def _site(tmp_path, epochs, seed=0):
    page = "# Claim\n\nThe CNN learns.\n\n" + py(EXPERIMENT.format(epochs=epochs, seed=seed))
    return write_site(tmp_path, {"claim.md": page})


def _claim_problems(session):
    return [p for p in session.problems if "claim does not hold" in p.title + p.detail]


def test_weakened_experiment_fails_the_build_with_the_claim(tmp_path):
    """Six epochs: the claim holds (48 %). One epoch (14 %): the build names page:line and the claim."""
    strong = build(_site(tmp_path, epochs=6), accept=True)
    assert not strong.problems, [p.title for p in strong.problems]
    weak = build(_site(tmp_path, epochs=1))
    failures = _claim_problems(weak)
    assert len(failures) == 1, [p.title for p in weak.problems]
    failure = failures[0]
    assert failure.page == "claim.md" and failure.line == 5
    assert "claim.md:5" in failure.where + failure.title + failure.detail
    assert "a few epochs lift the CNN well above chance (10 %)" in failure.detail
    assert "ClaimFailed" in failure.detail


def test_accept_does_not_record_a_broken_claim(tmp_path):
    """``make accept`` on a weakened experiment reports the claim and keeps the good record."""
    build(_site(tmp_path, epochs=6), accept=True)
    record = tmp_path / "records" / "claim.json"
    good = record.read_text()
    weak = build(_site(tmp_path, epochs=1), accept=True)
    assert _claim_problems(weak)
    assert "ClaimFailed" not in record.read_text()
    assert record.read_text() == good
