"""Tests for cnnlab.models: shapes, stored feature maps, parameter parity."""
import torch

from cnnlab import models

torch.set_num_threads(1)  # small models: one thread is faster and not oversubscribed


def test_simple_cnn_shapes_and_hooked_feature_maps():
    """Hooks on relu1/relu2 see the maps after ReLU, at full resolution (before pooling)."""
    m = models.SimpleCNN()
    seen = {}
    hooks = [getattr(m, name).register_forward_hook(lambda mod, inp, out, name=name: seen.update({name: out}))
             for name in ("conv1", "relu1", "relu2")]
    out = m(torch.rand(4, 3, 32, 32))
    for h in hooks:
        h.remove()
    assert out.shape == (4, 10)
    assert seen["relu1"].shape == (4, 6, 32, 32) and seen["relu2"].shape == (4, 12, 16, 16)
    assert (seen["relu1"] >= 0).all() and (seen["conv1"] < 0).any()  # the conv1 hook sees pre-ReLU values
    assert torch.equal(seen["relu1"], torch.relu(seen["conv1"]))


def test_deeper_cnn_stores_four_maps_any_size():
    m = models.DeeperCNN()
    assert m(torch.rand(2, 3, 32, 32)).shape == (2, 10)
    assert [tuple(f.shape[1:]) for f in m.feature_maps] == [(16, 32, 32), (16, 32, 32), (32, 16, 16), (32, 16, 16)]
    assert m(torch.rand(1, 3, 64, 64)).shape == (1, 10)


def test_pipeline_cnn_matches_source_architecture():
    m = models.PipelineCNN()
    assert m.conv1.out_channels == 16 and m.conv2.out_channels == 32
    assert m.fc.in_features == 32 * 16 * 16 == 8192
    assert m(torch.rand(3, 3, 32, 32)).shape == (3, 10)


def test_small_cnn_and_mlp_have_similar_parameter_counts():
    cnn, mlp = models.count_parameters(models.SmallCNN()), models.count_parameters(models.MLP())
    assert abs(cnn - mlp) / mlp < 0.2
    assert models.SmallCNN()(torch.rand(2, 3, 32, 32)).shape == (2, 10)
    assert models.MLP()(torch.rand(2, 3, 32, 32)).shape == (2, 10)


def test_count_parameters_counts_trainable_only():
    lin = torch.nn.Linear(3, 2)
    assert models.count_parameters(lin) == 8
    lin.bias.requires_grad_(False)
    assert models.count_parameters(lin) == 6
