"""Tests for cnnlab.trace: hook-based data flow and Markdown tables."""
import torch

from cnnlab import models, trace

torch.set_num_threads(1)  # small models: one thread is faster and not oversubscribed


def test_pipeline_data_flow_shapes():
    m = models.PipelineCNN()
    rows = trace.data_flow(m, torch.rand(1000, 3, 32, 32))
    assert [r["layer"] for r in rows] == ["conv1", "relu1", "pool", "conv2", "relu2", "flatten", "fc"]
    assert rows[0]["input_shape"] == (1000, 3, 32, 32)
    assert rows[0]["output_shape"] == (1000, 16, 32, 32)
    assert rows[2]["output_shape"] == (1000, 16, 16, 16)
    assert rows[3]["output_shape"] == (1000, 32, 16, 16)
    assert rows[5]["output_shape"] == (1000, 8192)
    assert rows[-1]["output_shape"] == (1000, 10)
    assert rows[0]["params"] == 16 * 3 * 9 + 16 and rows[-1]["type"] == "Linear"


def test_hooks_are_removed():
    m = models.PipelineCNN()
    trace.data_flow(m, torch.rand(2, 3, 32, 32))
    assert all(not mod._forward_hooks for mod in m.modules())


def test_markdown_table():
    rows = [{"layer": "conv1", "shape": (2, 3), "acc": 0.5, "note": "a|b"}]
    table = trace.markdown_table(rows, ["layer", "shape", "acc", "note"], ["Layer", "Shape", "Acc", "Note"])
    lines = table.splitlines()
    assert lines[0] == "| Layer | Shape | Acc | Note |"
    assert lines[1] == "|---|---|---|---|"
    assert lines[2] == "| conv1 | 2 × 3 | 0.5000 | a\\|b |"


def test_receptive_fields_by_formula():
    rows = trace.receptive_fields(models.PipelineCNN(), image_size=32)
    assert [r["layer"] for r in rows] == ["conv1", "relu1", "pool", "conv2", "relu2"]
    assert [r["field"] for r in rows] == [3, 3, 4, 8, 8]
    assert [r["jump"] for r in rows] == [1, 1, 2, 2, 2]


def test_receptive_field_formula_with_strided_conv():
    m = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 5, stride=2), torch.nn.Conv2d(2, 2, 3, stride=2),
                            torch.nn.Conv2d(2, 2, 3))
    assert [r["field"] for r in trace.receptive_fields(m, image_size=64)] == [5, 9, 17]


def test_measured_field_matches_the_formula_for_every_layer():
    torch.manual_seed(0)
    m = models.PipelineCNN()
    for row in trace.receptive_fields(m, image_size=32):
        mask = trace.measured_field(m, row["layer"], image_size=32)
        assert trace.extent(mask) == (row["field"], row["field"]), row["layer"]
        assert int(mask.sum()) == row["field"] ** 2, row["layer"]  # a full square, no holes


def test_measured_field_of_one_image_can_be_smaller():
    """Max pooling passes the gradient to one pixel per window: one image under-counts."""
    torch.manual_seed(0)
    model = models.PipelineCNN()
    assert int(trace.measured_field(model, "pool", image_size=32, n_images=1).sum()) < 4 * 4
    assert int(trace.measured_field(model, "pool", image_size=32, n_images=32).sum()) == 4 * 4


def test_extent_of_empty_mask():
    assert trace.extent(torch.zeros(4, 4, dtype=torch.bool)) == (0, 0)
