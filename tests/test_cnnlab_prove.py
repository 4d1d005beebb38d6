"""Tests for cnnlab.prove: the permutation, the MLP's same start, mean and spread."""
import torch

from cnnlab import models, prove

torch.set_num_threads(1)


def test_permutation_keeps_values_and_is_fixed():
    perm = prove.fixed_permutation(seed=0)
    assert sorted(perm.tolist()) == list(range(1024)) and torch.equal(perm, prove.fixed_permutation(seed=0))
    x = torch.rand(3, 3, 32, 32)
    y = prove.permute_pixels(x, perm)
    assert torch.equal(y.flatten(2).sort(dim=2).values, x.flatten(2).sort(dim=2).values)
    assert not torch.equal(x, y)
    assert torch.equal(y[1, 2].flatten()[5], x[1, 2].flatten()[perm[5]])


def test_permuted_first_layer_gives_the_same_function():
    torch.manual_seed(0)
    mlp = models.MLP().eval()
    perm = prove.fixed_permutation(seed=1)
    x = torch.rand(4, 3, 32, 32)
    before = mlp(x)
    twin = prove.permute_first_layer(mlp, perm)
    assert torch.allclose(twin(prove.permute_pixels(x, perm)), before, atol=1e-5)


def test_summarise_means_and_spreads():
    acc = {("A", "original", 0): 0.9, ("A", "original", 1): 0.8, ("A", "permuted", 0): 0.5, ("A", "permuted", 1): 0.3}
    (row,) = prove.summarise(acc, ["A"], [0, 1])
    assert row["original"][0] == 85.0 and abs(row["original"][1] - 7.0711) < 1e-3
    assert row["change"][0] == -45.0
    table = prove.format_table([row])
    assert "85.0 ± 7.1 %" in table and "-45.0 ± 7.1 points" in table


# -- the experiment runs once per build: the page's prove-it chain is the snippet's chain ---------

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from execdocs.store.cache import ProjectSources, chain_key  # noqa: E402
from execdocs.render.notebooks import snippet_blocks  # noqa: E402
from execdocs.parse.page import chains, parse_page  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _page_and_snippet_chains():
    snippet = snippet_blocks(ROOT / "snippets" / "prove_it.py")
    page = parse_page((ROOT / "docs" / "experiment.md").read_text(), "experiment.md")
    matching = [c for c in chains(page) if c.blocks[0].code == snippet[0].code]
    assert len(matching) == 1, "docs/experiment.md must contain the prove-it snippet's cells as one chain"
    return matching[0], snippet


def test_page_chain_is_the_snippet_byte_for_byte():
    """Same code, markers and options, cell by cell: the engine can run it once for both."""
    chain, snippet = _page_and_snippet_chains()
    assert [b.code for b in chain.blocks] == [b.code for b in snippet]
    assert [b.marks for b in chain.blocks] == [b.marks for b in snippet]
    assert [b.options for b in chain.blocks] == [b.options for b in snippet]


def test_page_chain_and_snippet_share_one_cache_key():
    chain, snippet = _page_and_snippet_chains()
    sources = ProjectSources([ROOT / "src", ROOT])
    from execdocs.model import Chain
    assert chain_key(chain, sources, "cpu") == chain_key(Chain(tuple(snippet)), sources, "cpu")
