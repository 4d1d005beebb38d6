"""records/durations.json: what shards are planned from; stable under timing noise."""
from __future__ import annotations

import json

from execdocs.store.durations import DURATIONS, load_durations, save_durations
from execdocs.model import BlockResult
from execdocs.parse.page import parse
from execdocs.scale.shard import chain_id as _chain_id


def chain_id(codes):
    return _chain_id(c + "\n" for c in codes)  # block code keeps its final newline

A = "# A\n\n```python\nx = 1\n```\n\n<!--pytest-codeblocks:cont-->\n```python\nprint(x)\n```\n\n```python\nprint(2)\n```\n"
B = "# B\n\n```python\nprint('b')\n```\n"


def results(page, seconds):
    return {b.key: BlockResult(duration=s) for b, s in zip(page.blocks, seconds)}


def test_round_trip_by_chain(tmp_path):
    a, b = parse(A, "a.md"), parse(B, "b.md")
    found = {**results(a, [1.0, 2.0, 0.5]), **results(b, [3.0])}
    assert save_durations(tmp_path, [a, b], found)
    durations = load_durations(tmp_path)
    assert durations == {chain_id(["x = 1", "print(x)"]): 3.0, chain_id(["print(2)"]): 0.5,
                         chain_id(["print('b')"]): 3.0}
    data = json.loads((tmp_path / DURATIONS).read_text())["chains"]
    assert {v["where"] for v in data.values()} == {"a.md:3", "a.md:12", "b.md:3"}


def test_noise_within_a_quarter_does_not_rewrite(tmp_path):
    a = parse(A, "a.md")
    save_durations(tmp_path, [a], results(a, [1.0, 2.0, 0.5]))
    before = (tmp_path / DURATIONS).read_bytes()
    assert not save_durations(tmp_path, [a], results(a, [1.2, 2.1, 0.45]))
    assert (tmp_path / DURATIONS).read_bytes() == before
    assert save_durations(tmp_path, [a], results(a, [3.0, 2.0, 0.5]))  # 3.0 -> 5.0: rewritten
    assert load_durations(tmp_path)[chain_id(["x = 1", "print(x)"])] == 5.0


def test_only_the_named_pages_change(tmp_path):
    a, b = parse(A, "a.md"), parse(B, "b.md")
    save_durations(tmp_path, [a, b], {**results(a, [1.0, 2.0, 0.5]), **results(b, [3.0])})
    save_durations(tmp_path, [a, b], {**results(a, [9.0, 9.0, 9.0]), **results(b, [30.0])}, only={"a.md"})
    durations = load_durations(tmp_path)
    assert durations[chain_id(["print('b')"])] == 3.0
    assert durations[chain_id(["print(2)"])] == 9.0


def test_chains_without_results_and_removed_chains(tmp_path):
    a, b = parse(A, "a.md"), parse(B, "b.md")
    save_durations(tmp_path, [a, b], {**results(a, [1.0, 2.0, 0.5]), **results(b, [3.0])})
    save_durations(tmp_path, [b], results(b, [3.0]))  # a.md deleted: its chains go
    assert set(load_durations(tmp_path)) == {chain_id(["print('b')"])}


def test_unreadable_file_is_no_history(tmp_path):
    (tmp_path / DURATIONS).write_text("{not json")
    assert load_durations(tmp_path) == {}
    (tmp_path / DURATIONS).write_text('{"chains": {"x": {"seconds": "slow"}}}')
    assert load_durations(tmp_path) == {}
    assert load_durations(tmp_path / "missing") == {}
