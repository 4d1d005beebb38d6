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
