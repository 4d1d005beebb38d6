"""cnnlab.ablation: the locally connected layer, the ablated CNNs, shifts with fills, the learning
curve; cnnlab.glue's line is the one the engine reads."""
from __future__ import annotations

import pytest
import torch
from torch import nn

import cnnlab
from cnnlab import ablation, models
from execdocs.parse.values import printed_values


def test_locally_connected_with_one_filter_everywhere_is_a_convolution():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 3, padding=1)
    local = ablation.LocallyConnected2d(3, 4, size=8)
    with torch.no_grad():
        local.weight.copy_(conv.weight.reshape(4, 27).expand(64, 4, 27))
        local.bias.copy_(conv.bias[:, None, None].expand(4, 8, 8))
    x = torch.rand(2, 3, 8, 8)
    assert torch.allclose(local(x), conv(x), atol=1e-6)


def test_locally_connected_filters_are_per_position():
    torch.manual_seed(0)
    local = ablation.LocallyConnected2d(1, 1, size=4)
    x = torch.rand(1, 1, 4, 4)
    before = local(x).detach()
    with torch.no_grad():
        local.weight[5] += 1.0  # position 5 = row 1, column 1
    changed = (local(x).detach() - before).abs() > 0
    assert changed.sum() == 1 and changed[0, 0, 1, 1]


def test_ablated_cnns_differ_only_in_their_layers():
    sizes = {kind: models.count_parameters(ablation.ablated_cnn(kind)) for kind in ("shared 3x3", "local 3x3", "shared 1x1")}
    torch.manual_seed(0)
    small = models.SmallCNN().eval()
    torch.manual_seed(0)
    rebuilt = ablation.ablated_cnn("shared 3x3").eval()
    x = torch.rand(2, 3, 32, 32)
    assert torch.equal(small(x), rebuilt(x))  # Experiment 2's CNN, rebuilt: same weights from the same seed
    assert sizes["shared 1x1"] < sizes["shared 3x3"] < sizes["local 3x3"]
    for kind in sizes:
        assert ablation.ablated_cnn(kind)(torch.rand(2, 3, 32, 32)).shape == (2, 10)
    global_pool = ablation.ablated_cnn("shared 3x3", global_pool=True)
    assert global_pool(torch.rand(2, 3, 32, 32)).shape == (2, 10)
    assert models.count_parameters(global_pool) < sizes["shared 3x3"]  # the head reads 32 values, not 32 x 16
    with pytest.raises(ValueError, match="unknown kind"):
        ablation.ablated_cnn("dilated")


def test_shift_fills():
    x = torch.rand(2, 3, 8, 8)
    assert torch.equal(ablation.shift_filled(x, 2, "wrap"), torch.roll(x, 2, dims=-1))
    zeros = ablation.shift_filled(x, 2, "zeros")
    assert zeros[..., :2].eq(0).all() and torch.equal(zeros[..., 2:], x[..., :-2])
    x[:] = 0.25
    x[..., 3:5, 3:5] = 1.0  # a pattern in the middle, background 0.25 at the border
    assert ablation.shift_filled(x, 3, "background")[..., :3].eq(0.25).all()
    with pytest.raises(ValueError, match="unknown fill"):
        ablation.shift_filled(x, 1, "mirror")


def test_learning_curve_reuses_known_results_and_nests_training_sets():
    seen = []

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Linear(3 * 4 * 4, 10)

        def forward(self, x):
            seen.append(len(x))
            return self.w(x.flatten(1))

    x, y = torch.rand(40, 3, 4, 4), torch.randint(0, 10, (40,))
    curve = ablation.learning_curve({"probe": Probe}, {"probe": [10, 20]}, [0], x, y, x[:5], y[:5],
                                    known={("probe", 20, 0): 0.5}, num_epochs=1, batch_size=10)
    assert curve[("probe", 20, 0)] == 0.5  # reused, not trained again
    assert set(curve) == {("probe", 10, 0), ("probe", 20, 0)}
    assert max(seen) == 10  # only the 10-image set was trained (batches of 10, validation of 5)


def test_glue_prints_the_line_the_engine_reads(capsys):
    cnnlab.glue("acc", 0.9512, ".1%")
    cnnlab.glue("n", 1600, ",")
    assert printed_values(capsys.readouterr().out) == [("acc", "95.1%"), ("n", "1,600")]
