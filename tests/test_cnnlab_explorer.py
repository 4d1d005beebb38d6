"""Tests for cnnlab.explorer: the ONNX export and its reference data agree with PyTorch."""
import base64
import json

import numpy as np
import onnxruntime as ort
import pytest
import torch

from cnnlab import explorer
from cnnlab.models import SmallCNN

torch.set_num_threads(1)
CLASSES = [f"class{k}" for k in range(10)]


def _trained_ish_model(seed: int = 0) -> SmallCNN:
    """A SmallCNN with non-trivial batch-norm statistics (eval mode must use them)."""
    torch.manual_seed(seed)
    model = SmallCNN()
    with torch.no_grad():
        model.train()
        for _ in range(3):
            model(torch.rand(16, 3, 32, 32) * 2)
    return model


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(1)
    images, labels = torch.rand(24, 3, 32, 32), torch.arange(24) % 10
    perm = torch.randperm(1024, generator=torch.Generator().manual_seed(0))
    model, twin = _trained_ish_model(0), _trained_ish_model(1)
    out = tmp_path_factory.mktemp("explorer")
    result = explorer.export_for_browser(model, images, labels, perm, twin=twin, class_names=CLASSES,
                                         out_dir=out, n_reference=20)
    return dict(result=result, out=out, model=model, twin=twin, images=images, labels=labels, perm=perm)


def _torch_outputs(model, x):
    """Probabilities and the maps after the first two ReLUs, read with forward hooks."""
    model = model.eval()
    seen = {}
    relus = [m for m in model.features if isinstance(m, torch.nn.ReLU)]
    hooks = [r.register_forward_hook(lambda mod, i, o, k=k: seen.__setitem__(k, o.clone()))
             for k, r in zip(("conv1", "conv2"), relus)]
    with torch.no_grad():
        probs = torch.softmax(model(x), dim=1)
    for h in hooks:
        h.remove()
    return {"probs": probs.numpy(), "conv1": seen["conv1"].numpy(), "conv2": seen["conv2"].numpy()}


def test_onnx_model_matches_pytorch_for_any_batch(exported):
    session = ort.InferenceSession(str(exported["out"] / "small_cnn.onnx"), providers=["CPUExecutionProvider"])
    x = torch.rand(5, 3, 32, 32)
    got = dict(zip(explorer.OUTPUTS, session.run(list(explorer.OUTPUTS), {"image": x.numpy()})))
    want = _torch_outputs(exported["model"], x)
    assert got["probs"].shape == (5, 10) and got["conv1"].shape == (5, 8, 32, 32)
    assert got["conv2"].shape == (5, 16, 16, 16)
    for name in explorer.OUTPUTS:
        np.testing.assert_allclose(got[name], want[name], rtol=0, atol=1e-5)
    assert (got["conv1"] >= 0).all() and np.allclose(got["probs"].sum(axis=1), 1, atol=1e-6)


def test_export_leaves_the_trained_model_alone(exported):
    model = _trained_ish_model(0)
    explorer.export_for_browser(model, exported["images"], exported["labels"], exported["perm"],
                                out_dir=exported["out"] / "again", n_reference=20)
    assert model.training  # a deep copy was put into eval mode, not the caller's model


def test_shift_moves_pixels_and_fills_zeros():
    x = torch.arange(2 * 3 * 32 * 32, dtype=torch.float32).reshape(2, 3, 32, 32) + 1
    right = explorer.shift_image(x, 6, 0)
    page = torch.zeros_like(x)
    page[..., 6:] = x[..., :-6]  # the experiment page's shift
    assert torch.equal(right, page)
    moved = explorer.shift_image(x, -2, 3)
    assert torch.equal(moved[..., 3:, :30], x[..., :29, 2:])
    assert (moved[..., :3, :] == 0).all() and (moved[..., :, 30:] == 0).all()
    assert (explorer.shift_image(x, 32, 0) == 0).all()


def test_permutation_is_the_pages():
    x = torch.rand(3, 3, 32, 32)
    perm = torch.randperm(1024, generator=torch.Generator().manual_seed(0))
    got = explorer.permute_pixels(x, perm)
    assert torch.equal(got.reshape(3, 3, -1)[:, :, 10], x.reshape(3, 3, -1)[:, :, perm[10]])
    assert torch.equal(got.reshape(3, 3, -1)[:, :, torch.argsort(perm)], x.reshape(3, 3, -1))


def _array(blob: np.ndarray, entry: dict) -> np.ndarray:
    n = int(np.prod(entry["shape"]))
    return blob[entry["offset"]:entry["offset"] + n].reshape(entry["shape"])


def test_reference_data_are_pytorch_outputs_of_each_case(exported):
    out = exported["out"]
    index = json.loads((out / explorer.REFERENCE_JSON).read_text())
    blob = np.fromfile(out / explorer.REFERENCE_BIN, dtype="<f4")
    base = exported["images"][:20]
    np.testing.assert_array_equal(_array(blob, index["base_images"]), base.numpy())
    cases = index["cases"]
    assert len(cases) == 80 and {(c["dx"] != 0 or c["dy"] != 0, c["permuted"]) for c in cases} == {
        (False, False), (True, False), (False, True), (True, True)}
    with_maps = [c for c in cases if "conv1" in c["small_cnn"]]
    assert len(with_maps) == 4 * explorer.MAPS_FOR_IMAGES
    for case in cases:
        x = explorer.case_input(base, case, exported["perm"])
        want = _torch_outputs(exported["model"], x)
        for name, entry in case["small_cnn"].items():
            np.testing.assert_allclose(_array(blob, entry), want[name][0], rtol=0, atol=1e-6)
        twin = _torch_outputs(exported["twin"], x)
        assert set(case["twin"]) == set(case["small_cnn"])
        for name, entry in case["twin"].items():
            np.testing.assert_allclose(_array(blob, entry), twin[name][0], rtol=0, atol=1e-6)
        if "input" in case:
            np.testing.assert_array_equal(_array(blob, case["input"]), x[0].numpy())


def test_explorer_json_has_what_the_page_needs(exported):
    data = json.loads((exported["out"] / explorer.DATA_FILE).read_text())
    assert data["class_names"] == CLASSES and data["permutation"] == exported["perm"].tolist()
    assert data["models"] == {"small_cnn": "small_cnn.onnx", "twin": "small_cnn_permuted.onnx"}
    first = data["gallery"][0]
    pixels = np.frombuffer(base64.b64decode(first["pixels"]), dtype=np.uint8).reshape(3, 32, 32)
    np.testing.assert_allclose(pixels / 255, exported["images"][first["index"]].numpy(), atol=0.5 / 255 + 1e-6)
    assert first["label"] == CLASSES[int(exported["labels"][first["index"]])]
    assert {g["label"] for g in data["gallery"]} == set(CLASSES)


def test_summary_is_printed_and_returned(exported, capsys):
    result = exported["result"]
    assert result["opset"] == explorer.OPSET and result["onnxruntime_max_abs_diff"] <= 1e-5
    assert result["sizes"]["small_cnn.onnx"] > 100_000
    assert "ONNX opset 17" in result["summary"] and "within 1e-5: True" in result["summary"]
    assert sum(result["sizes"].values()) < 4 * 1024 * 1024  # a few MB at most
    png = (exported["out"] / explorer.STATIC_FIGURE).read_bytes()
    assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 300_000


def test_static_figure_leaves_no_open_figure(exported):
    import matplotlib.pyplot as plt
    assert plt.get_fignums() == []  # the engine would otherwise show it under the block


def test_default_directory_is_the_engines_artifacts(tmp_path, monkeypatch):
    monkeypatch.setenv("EXECDOCS_ARTIFACTS", str(tmp_path))
    images, labels = torch.rand(20, 3, 32, 32), torch.arange(20) % 10
    perm = torch.randperm(1024)
    explorer.export_for_browser(_trained_ish_model(), images, labels, perm)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [explorer.MODEL_FILE, explorer.DATA_FILE, explorer.REFERENCE_JSON, explorer.REFERENCE_BIN,
         explorer.STATIC_FIGURE])


def test_bad_arguments_are_refused(tmp_path):
    images, labels = torch.rand(20, 3, 32, 32), torch.arange(20) % 10
    with pytest.raises(ValueError, match="permutation"):
        explorer.export_for_browser(SmallCNN(), images, labels, torch.arange(1000), out_dir=tmp_path)
    with pytest.raises(ValueError, match="n_reference"):
        explorer.export_for_browser(SmallCNN(), images[:5], labels[:5], torch.arange(1024), out_dir=tmp_path)
