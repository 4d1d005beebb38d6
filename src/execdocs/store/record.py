"""Record: the committed, reviewable copy of every executed block's output.

One JSON file per page under ``records/`` (text as lists of lines so ``git diff``
shows the line that changed) plus small PNG baselines of each figure.  The strict
build compares fresh results against it; ``make accept`` rewrites it.  Entries are
keyed by device kind only for blocks marked ``per_device`` (training curves that a GPU
legitimately changes); everything else has one device-independent entry.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

from ..check.compare import image_difference, text_diff, text_matches, thumbnail
from ..errors import Drift
from ..model import Block, BlockResult
from ..problem import FigureDrift
from .files import write_atomic

SHARED = "any"  # device key for blocks whose output must not depend on the device


def record_name(page: str) -> str:
    return page.replace("../", "").replace("/", "__").rsplit(".", 1)[0]


def exception_text(result: BlockResult) -> str | None:
    if result.exception is None:
        return None
    return f"{result.exception.type}: {result.exception.message}"


class PageRecord:
    """The record of one page, loaded from and saved to ``records/<page>.json``."""

    def __init__(self, root: Path, page: str):
        self.root = Path(root)
        self.page = page
        self.path = self.root / f"{record_name(page)}.json"
        self.data: dict[str, Any] = {"page": page, "recorded": None, "versions": {}, "blocks": []}
        self.error: str | None = None
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text())
            if not isinstance(data.get("blocks"), list):
                raise ValueError("no 'blocks' list")
            self.data = data
        except (ValueError, AttributeError) as err:
            self.error = f"record file {self.path} is unreadable ({err}); run `make accept` to rewrite it"

    @property
    def recorded(self) -> str | None:
        return self.data.get("recorded")

    def entry(self, block: Block, device: str) -> dict | None:
        blocks = self.data["blocks"]
        if block.index >= len(blocks) or not isinstance(blocks[block.index], dict):
            return None
        outputs = blocks[block.index].get("outputs", {})
        return outputs.get(device if block.options.per_device else SHARED)

    def compare(self, block: Block, result: BlockResult, device: str) -> list[Drift]:
        """Drifts between a fresh result and this record's entry for the block."""
        try:
            return self._compare(block, result, device)
        except (TypeError, AttributeError, KeyError, ValueError) as err:
            return [Drift(block.page, block.line, "the record entry for this block is malformed",
                          f"{self.path}: {type(err).__name__}: {err}; run `make accept` to rewrite it")]

    def _compare(self, block: Block, result: BlockResult, device: str) -> list[Drift]:
        if self.error:
            return [Drift(block.page, block.line, "the record cannot be read", self.error)]
        entry = self.entry(block, device)
        if entry is None:
            key = device if block.options.per_device else "this block"
            return [Drift(block.page, block.line, f"no recorded output for {key}",
                          "run `make accept` to record it, then review the diff in git")]
        return (self._compare_text(block, entry, result) + self._compare_figures(block, entry, result)
                + self._compare_artifacts(block, entry, result))

    def _compare_artifacts(self, block: Block, entry: dict, result: BlockResult) -> list[Drift]:
        """The set of artifact names is compared; their sizes are informational."""
        recorded = {a["name"]: a.get("bytes") for a in entry.get("artifacts", [])}
        fresh = {a.name: len(a.data) for a in result.artifacts}
        if set(recorded) == set(fresh):
            return []
        diff = text_diff("\n".join(sorted(recorded)), "\n".join(sorted(fresh)))
        return [Drift(block.page, block.line, "the artifacts written to $EXECDOCS_ARTIFACTS changed", diff)]

    def _compare_text(self, block: Block, entry: dict, result: BlockResult) -> list[Drift]:
        drifts = []
        fresh = {"stdout": result.stdout, "stderr": result.stderr,
                 "exception": exception_text(result) or ""}
        for stream, actual in fresh.items():
            expected = "\n".join(entry.get(stream) or [])
            actual = "\n".join(actual.splitlines())
            if not text_matches(expected, actual, block.options.rtol, block.options.atol):
                what = f"{stream} drifted from the record (rtol={block.options.rtol:g})"
                drifts.append(Drift(block.page, block.line, what, text_diff(expected, actual)))
        return drifts

    def _compare_figures(self, block: Block, entry: dict, result: BlockResult) -> list[Drift]:
        recorded = entry.get("figures", [])
        if len(recorded) != len(result.figures):
            return [Drift(block.page, block.line, "number of figures changed",
                          f"recorded {len(recorded)}, fresh {len(result.figures)}")]
        drifts = []
        for n, (meta, figure) in enumerate(zip(recorded, result.figures, strict=False)):
            baseline = self.root / meta["baseline"]
            if meta.get("sha") == _sha_bytes(figure.png) and baseline.exists():
                continue  # byte-identical to the recorded figure: nothing to compare
            if not baseline.exists():
                drifts.append(Drift(block.page, block.line, f"figure {n + 1} has no baseline", str(baseline)))
                continue
            recorded_png, fresh_png = baseline.read_bytes(), thumbnail(figure.png)
            rms, diff_png = image_difference(recorded_png, fresh_png)
            if rms is None or rms > block.options.image_tol:
                shown = "a different shape" if rms is None else f"RMS {rms:.2f}"
                evidence = FigureDrift(n, recorded_png, fresh_png, diff_png, rms, block.options.image_tol)
                drifts.append(Drift(block.page, block.line, f"figure {n + 1} changed ({shown}, "
                                    f"tolerance {block.options.image_tol:g})",
                                    f"baseline: {baseline}\nalt text now: {figure.alt}", figure=evidence))
        return drifts

    def update(self, blocks: list[Block], results: dict[int, BlockResult], device: str) -> bool:
        """Record fresh results (``make accept``); return True if anything changed."""
        old = json.dumps(self.data.get("blocks"), sort_keys=True)
        entries = []
        for block in blocks:
            result = results.get(block.index)
            previous = self._previous(block)
            outputs = dict(previous.get("outputs", {})) if previous else {}
            if block.options.per_device:  # per-device and shared entries never coexist
                outputs.pop(SHARED, None)
            else:
                outputs = {k: v for k, v in outputs.items() if k == SHARED}
            if result is not None:
                key = device if block.options.per_device else SHARED
                outputs[key] = self._entry(block, result, key)
            entries.append({"line": block.line, "code_sha": _sha(block.code),
                            "first_line": block.code.split("\n", 1)[0], "outputs": outputs})
        self.data["blocks"] = entries
        changed = json.dumps(entries, sort_keys=True) != old or self.error is not None
        if changed or not self.data.get("recorded"):
            self.data["recorded"] = datetime.date.today().isoformat()
        return changed

    def _previous(self, block: Block) -> dict | None:
        """Keep other devices' entries only while the block's code is unchanged."""
        blocks = self.data.get("blocks") or []
        if block.index < len(blocks) and blocks[block.index].get("code_sha") == _sha(block.code):
            return blocks[block.index]
        return None

    def _entry(self, block: Block, result: BlockResult, key: str) -> dict:
        figures = []
        for n, figure in enumerate(result.figures):
            name = f"figures/{record_name(self.page)}/{block.index:03d}-{n}.{key}.png"
            write_atomic(self.root / name, thumbnail(figure.png))
            figures.append({"baseline": name, "alt": figure.alt, "sha": _sha_bytes(figure.png)})
        entry = {"stdout": result.stdout.splitlines(), "stderr": result.stderr.splitlines(),
                 "exception": (exception_text(result) or "").splitlines(), "figures": figures}
        if result.artifacts:  # only blocks that write artifacts carry the key (older records unchanged)
            entry["artifacts"] = [{"name": a.name, "bytes": len(a.data)} for a in result.artifacts]
        return entry

    def save(self, versions: dict) -> None:
        self.data["versions"] = versions
        write_atomic(self.path, (json.dumps(self.data, indent=1, ensure_ascii=False) + "\n").encode())
        self._remove_stale_baselines()

    def _remove_stale_baselines(self) -> None:
        """Baselines no entry refers to any more (a removed block, a renamed device key)."""
        wanted = {fig["baseline"] for entry in self.data["blocks"]
                  for output in entry.get("outputs", {}).values() for fig in output.get("figures", [])}
        folder = self.root / "figures" / record_name(self.page)
        for path in folder.glob("*.png") if folder.is_dir() else []:
            if path.relative_to(self.root).as_posix() not in wanted:
                path.unlink()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _sha_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
