"""Shard planning: every chain in exactly one shard, the same plan everywhere, balanced."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from execdocs.__main__ import main as cli
from execdocs.scale.shard import ShardSpecError, Work, chain_id, estimate, mine, parse_gpu_shards, parse_spec, plan


def loads(work: list[Work], planned: list[list[str]]) -> list[float]:
    """Seconds of recorded work per shard under a plan (what the balance is judged by)."""
    seconds = {w.chain_id: w.seconds for w in work}
    return [sum(seconds[c] for c in ids) for ids in planned]


def main(argv: list[str]) -> int:
    return cli(["shard", *argv])

works = st.lists(st.builds(Work, chain_id=st.text("abcdef0123", min_size=1, max_size=6),
                           seconds=st.floats(0, 500, allow_nan=False), gpu=st.booleans()),
                 max_size=40, unique_by=lambda w: w.chain_id)


@given(works, st.integers(1, 8))
def test_every_chain_lands_in_exactly_one_shard(work, n):
    planned = plan(work, n)
    assert len(planned) == n
    placed = [c for shard in planned for c in shard]
    assert sorted(placed) == sorted(w.chain_id for w in work)


@given(works, st.integers(1, 8))
def test_the_plan_does_not_depend_on_input_order(work, n):
    assert plan(work, n) == plan(list(reversed(work)), n)


@settings(max_examples=200)
@given(works, st.integers(1, 8))
def test_longest_first_balance_bound(work, n):
    """LPT: the busiest shard carries at most a perfect share plus one chain, and when it
    holds two or more chains it exceeds the least-loaded shard by at most its last chain."""
    planned = plan(work, n)
    load = loads(work, planned)
    total = sum(w.seconds for w in work)
    longest = max((w.seconds for w in work), default=0.0)
    assert max(load) <= total / n + longest + 1e-6
    assert max(load) - min(load) <= longest + 1e-6


@given(works, st.integers(2, 6), st.data())
def test_gpu_chains_only_on_gpu_shards(work, n, data):
    gpu = data.draw(st.sets(st.integers(1, n), min_size=1, max_size=n))
    planned = plan(work, n, gpu)
    for k, ids in enumerate(planned, start=1):
        if k not in gpu:
            assert not {w.chain_id for w in work if w.gpu} & set(ids)


def test_a_concrete_plan():
    work = [Work("a", 10), Work("b", 7), Work("c", 6), Work("d", 5), Work("e", 2)]
    assert plan(work, 2) == [["a", "d"], ["b", "c", "e"]]  # 15 vs 15
    assert loads(work, plan(work, 2)) == [15, 15]
    assert plan(work, 3) == [["a"], ["b", "e"], ["c", "d"]]


def test_gpu_chain_pinned_even_when_that_shard_is_busier():
    work = [Work("train", 30, gpu=True), Work("curve", 20, gpu=True), Work("x", 1), Work("y", 1)]
    assert plan(work, 3, gpu_shards={3}) == [["x"], ["y"], ["train", "curve"]]
    assert plan(work, 3) == [["train"], ["curve"], ["x", "y"]]  # no GPU declared: plain balance


def test_duplicate_chains_are_placed_once():
    assert plan([Work("a", 3), Work("a", 3), Work("b", 1)], 2) == [["a"], ["b"]]


def test_unknown_or_corrupt_durations_still_place_the_chain():
    planned = plan([Work("a", float("nan")), Work("b", -4), Work("c", float("inf")), Work("d", 9)], 2)
    assert sorted(c for s in planned for c in s) == ["a", "b", "c", "d"]
    assert planned[0] == ["d"]


def test_mine_partitions_the_work():
    work = [Work(str(i), i) for i in range(20)]
    shards = [mine(work, f"{k}/4") for k in range(1, 5)]
    assert set().union(*shards) == {w.chain_id for w in work}
    assert sum(len(s) for s in shards) == 20


@pytest.mark.parametrize("spec, expected", [("1/1", (1, 1)), ("2/3", (2, 3)), (" 3 / 3 ", (3, 3))])
def test_parse_spec(spec, expected):
    assert parse_spec(spec) == expected


@pytest.mark.parametrize("spec", ["0/3", "4/3", "1/0", "a/b", "2", "", "2/3/4", "-1/3"])
def test_bad_specs_are_refused_with_the_expected_form(spec):
    with pytest.raises(ShardSpecError, match="SHARD="):
        parse_spec(spec)


def test_gpu_shard_declaration():
    assert parse_gpu_shards("1, 3", 3) == {1, 3}
    assert parse_gpu_shards("", 3) == frozenset()
    with pytest.raises(ShardSpecError):
        parse_gpu_shards("4", 3)


def test_chain_id_is_the_code_not_its_place():
    assert chain_id(["a = 1", "print(a)"]) == chain_id(["a = 1", "print(a)"])
    assert chain_id(["a = 1", "print(a)"]) != chain_id(["a = 1\nprint(a)"])
    assert chain_id(["a = 2"]) != chain_id(["a = 1"])


def test_estimate_falls_back_to_the_median():
    assert estimate("x", {"x": 4.0}) == 4.0
    assert estimate("y", {"a": 1.0, "b": 5.0, "c": 9.0}) == 5.0
    assert estimate("y", {}) == 1.0


def test_cli_refuses_a_bad_spec(capsys):
    assert main(["run", "5/3"]) == 2
    assert "k must be between 1 and N" in capsys.readouterr().err
    assert main(["walk", "1/3"]) == 2
    assert cli(["render-it"]) == 2 and "usage: python -m execdocs" in capsys.readouterr().err
