"""record: accept then compare; drift diffs; per-device entries; broken record files; figure baselines."""
from __future__ import annotations

import io
import json

import pytest

from execdocs.run.capture import png_size
from execdocs.errors import Drift
from execdocs.model import Block, BlockResult, ExceptionInfo, Figure, Options
from execdocs.store.record import PageRecord

PAGE = "lesson.md"


def block(index=0, code="print(x)\n", line=3, **options):
    return Block(page=PAGE, index=index, line=line, end_line=line + 2, code=code, options=Options(**options))


def res(stdout="", figures=(), exception=None, device="cpu"):
    return BlockResult(stdout=stdout, figures=tuple(figures), exception=exception, device=device)


def accept(root, blocks, results, device="cpu"):
    rec = PageRecord(root, PAGE)
    changed = rec.update(blocks, dict(enumerate(results)), device)
    rec.save({"torch": "x"})
    return changed


def test_accept_then_compare_passes(tmp_path):
    b = block()
    r = res("loss 0.25\nshape torch.Size([1, 6, 26, 26])\n")
    assert accept(tmp_path, [b], [r])
    data = json.loads((tmp_path / "lesson.json").read_text())
    assert data["blocks"][0]["outputs"]["any"]["stdout"] == ["loss 0.25", "shape torch.Size([1, 6, 26, 26])"]
    assert data["recorded"]
    assert PageRecord(tmp_path, PAGE).compare(b, r, "cpu") == []
    # re-accepting identical output reports no change
    assert not accept(tmp_path, [b], [r])


def test_small_numeric_difference_within_rtol_passes(tmp_path):
    b = block(rtol=1e-3)
    accept(tmp_path, [b], [res("loss 0.250000\n")])
    assert PageRecord(tmp_path, PAGE).compare(b, res("loss 0.250100\n"), "cpu") == []


def test_change_gives_drift_with_readable_diff(tmp_path):
    b = block()
    accept(tmp_path, [b], [res("torch.Size([1, 6, 26, 26])\n")])
    drifts = PageRecord(tmp_path, PAGE).compare(b, res("torch.Size([1, 6, 24, 24])\n"), "cpu")
    assert len(drifts) == 1
    d = drifts[0]
    assert isinstance(d, Drift) and d.where == "lesson.md:3"
    assert "stdout drifted" in str(d)
    assert "-torch.Size([1, 6, 26, 26])" in d.diff and "+torch.Size([1, 6, 24, 24])" in d.diff


def test_exception_text_is_recorded_and_compared(tmp_path):
    b = block()
    exc = ExceptionInfo("NameError", "name 'F' is not defined", "tb")
    accept(tmp_path, [b], [res(exception=exc)])
    assert PageRecord(tmp_path, PAGE).compare(b, res(exception=exc), "cpu") == []
    other = ExceptionInfo("NameError", "name 'G' is not defined", "tb")
    drifts = PageRecord(tmp_path, PAGE).compare(b, res(exception=other), "cpu")
    assert [d.what.split()[0] for d in drifts] == ["exception"]


def test_missing_entry_is_drift(tmp_path):
    drifts = PageRecord(tmp_path, PAGE).compare(block(), res("x\n"), "cpu")
    assert len(drifts) == 1 and "no recorded output" in str(drifts[0]) and "make accept" in str(drifts[0])


def test_per_device_entries(tmp_path):
    b = block(per_device=True)
    accept(tmp_path, [b], [res("loss 0.30\n")], device="cpu")
    accept(tmp_path, [b], [res("loss 0.31\n", device="cuda")], device="cuda")
    outputs = json.loads((tmp_path / "lesson.json").read_text())["blocks"][0]["outputs"]
    assert set(outputs) == {"cpu", "cuda"}
    rec = PageRecord(tmp_path, PAGE)
    assert rec.compare(b, res("loss 0.30\n"), "cpu") == []
    assert rec.compare(b, res("loss 0.31\n"), "cuda") == []
    assert rec.compare(b, res("loss 0.31\n"), "cpu") != []
    # a device without its own entry is compared against the CPU's (its bands, where recorded)
    assert rec.compare(b, res("loss 0.30\n"), "mps") == []
    missing = rec.compare(b, res("loss 0.90\n"), "mps")
    assert len(missing) == 1 and "no mps entry: compared against the CPU record" in str(missing[0])


def test_per_device_entries_dropped_when_code_changes(tmp_path):
    b = block(per_device=True)
    accept(tmp_path, [b], [res("a\n")], device="cpu")
    b2 = block(code="print(y)\n", per_device=True)
    accept(tmp_path, [b2], [res("b\n", device="cuda")], device="cuda")
    outputs = json.loads((tmp_path / "lesson.json").read_text())["blocks"][0]["outputs"]
    assert set(outputs) == {"cuda"}


def test_shared_entry_ignores_device(tmp_path):
    b = block()
    accept(tmp_path, [b], [res("3\n")], device="cuda")
    assert PageRecord(tmp_path, PAGE).compare(b, res("3\n"), "cpu") == []


@pytest.mark.parametrize("content", [
    "",                                   # emptied
    '{"page": "lesson.md", "blocks": [{"outputs": {"any": {"stdout": ["lo',  # truncated
    "<<<<<<< HEAD\n{}\n=======\n",        # merge conflict
    "[1, 2, 3]",                          # not an object
    '{"page": "lesson.md"}',              # no blocks
    '{"blocks": "nope"}',
])
def test_corrupt_record_is_a_clear_drift(tmp_path, content):
    b = block()
    accept(tmp_path, [b], [res("ok\n")])
    (tmp_path / "lesson.json").write_text(content)
    drifts = PageRecord(tmp_path, PAGE).compare(b, res("ok\n"), "cpu")
    assert len(drifts) == 1
    assert drifts[0].where == "lesson.md:3"
    assert "record cannot be read" in str(drifts[0]) and "lesson.json" in str(drifts[0])


@pytest.mark.parametrize("edit", [
    lambda d: d["blocks"][0].__setitem__("outputs", []),
    lambda d: d["blocks"][0]["outputs"]["any"].__setitem__("stdout", 5),
    lambda d: d["blocks"][0]["outputs"]["any"].__setitem__("stdout", "ok"),
    lambda d: d["blocks"][0]["outputs"].__setitem__("any", "ok"),
    lambda d: d["blocks"].__setitem__(0, None),
    lambda d: d["blocks"][0]["outputs"]["any"]["stdout"].append("extra line"),
], ids=["outputs-list", "stdout-int", "stdout-str", "entry-str", "block-null", "extra-line"])
def test_hand_edited_record_is_drift_never_a_pass_or_crash(tmp_path, edit):
    b = block()
    accept(tmp_path, [b], [res("ok\n")])
    path = tmp_path / "lesson.json"
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    drifts = PageRecord(tmp_path, PAGE).compare(b, res("ok\n"), "cpu")
    assert drifts and all(isinstance(d, Drift) and d.where == "lesson.md:3" for d in drifts)


def _figure(cmap: str) -> Figure:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(3, 3))
    ax.imshow(np.random.default_rng(0).random((16, 16)), cmap=cmap)
    ax.set_title("weights")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    plt.close(fig)
    png = buf.getvalue()
    return Figure(png=png, alt="weights", width=png_size(png)[0], height=png_size(png)[1])


def test_figure_baseline_identical_passes_changed_colormap_fails(tmp_path):
    b = block()
    viridis = _figure("viridis")
    accept(tmp_path, [b], [res(figures=[viridis])])
    baselines = list((tmp_path / "figures").rglob("*.png"))
    assert len(baselines) == 1
    rec = PageRecord(tmp_path, PAGE)
    assert rec.compare(b, res(figures=[viridis]), "cpu") == []
    drifts = rec.compare(b, res(figures=[_figure("gray")]), "cpu")
    assert len(drifts) == 1 and "figure 1 changed" in str(drifts[0])
    assert len(rec.compare(b, res(figures=[viridis, viridis]), "cpu")) == 1  # count changed


def test_figure_compared_by_pixels_when_bytes_differ(tmp_path):
    b = block()
    accept(tmp_path, [b], [res(figures=[_figure("viridis")])])
    data = json.loads((tmp_path / "lesson.json").read_text())
    data["blocks"][0]["outputs"]["any"]["figures"][0]["sha"] = "0" * 16  # force the image comparison
    (tmp_path / "lesson.json").write_text(json.dumps(data))
    rec = PageRecord(tmp_path, PAGE)
    assert rec.compare(b, res(figures=[_figure("viridis")]), "cpu") == []
    assert rec.compare(b, res(figures=[_figure("gray")]), "cpu") != []


def test_missing_baseline_is_drift(tmp_path):
    b = block()
    accept(tmp_path, [b], [res(figures=[_figure("viridis")])])
    for p in (tmp_path / "figures").rglob("*.png"):
        p.unlink()
    drifts = PageRecord(tmp_path, PAGE).compare(b, res(figures=[_figure("viridis")]), "cpu")
    assert len(drifts) == 1 and "no baseline" in str(drifts[0])
