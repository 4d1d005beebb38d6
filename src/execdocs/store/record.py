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
import platform
from pathlib import Path
from typing import Any

from ..check.compare import image_difference, text_diff, thumbnail
from ..check.noise import Verdict, image_tolerance, judge, measure, without_ticks
from ..errors import Drift
from ..lines import output_lines
from ..model import Block, BlockResult
from ..problem import FigureDrift
from .cache import package_versions
from .files import remove_leftovers, write_atomic
from .names import record_name

SHARED = "any"  # device key for blocks whose output must not depend on the device
STREAMS = ("stdout", "stderr", "exception")
Variants = dict[str, dict[int, BlockResult]]  # variant name -> block index -> its result


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
        """Load and validate the whole file first: a malformed record is treated as empty (and
        reported), so neither a comparison nor ``make accept`` trips over it half-way."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            malformed = record_shape_error(data)
            if malformed:
                raise ValueError(malformed)
            self.data = data
        except (ValueError, OSError) as err:
            self.error = (f"record file {self.path} is unreadable ({err}); rewrite it with "
                          f"`make accept PAGES=\"{accept_path(self.page)}\"`")

    @property
    def recorded(self) -> str | None:
        return self.data.get("recorded")

    def entry(self, block: Block, device: str) -> dict | None:
        blocks = self.data["blocks"]
        if block.index >= len(blocks) or not isinstance(blocks[block.index], dict):
            return None
        outputs = blocks[block.index].get("outputs", {})
        if not block.options.per_device:
            return outputs.get(SHARED)
        # a GPU (or MPS) build without its own entry is compared against the CPU's bands
        return outputs.get(device) or outputs.get("cpu")

    def made_on(self) -> str:
        """Where the record was made, in words (drift messages say it)."""
        return describe_platform(self.data.get("made_on"))

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
        drifts = (self._compare_text(block, entry, result) + self._compare_figures(block, entry, result)
                  + self._compare_artifacts(block, entry, result))
        if block.options.per_device and device not in self.data["blocks"][block.index].get("outputs", {}):
            drifts = [Drift(d.page, d.line, d.what + f" (no {device} entry: compared against the CPU record's "
                            "bands)", d.diff, d.figure) for d in drifts]
        hint = (f"; if the change is intended, run `make accept PAGES=\"{accept_path(self.page)}\"` "
                "and review `git status records/` and `git diff records/`")
        return [Drift(d.page, d.line, d.what + hint, d.diff, d.figure) for d in drifts]

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
        bands = entry.get("bands") or {}
        for stream, actual in fresh_streams(result).items():
            expected = "\n".join(entry.get(stream) or [])
            actual = "\n".join(output_lines(actual))
            verdict = judge(expected, actual, bands.get(stream) or [], block.options.rtol, block.options.atol)
            if not verdict.ok:
                drifts.append(Drift(block.page, block.line, self._drift_what(stream, verdict, bool(bands.get(stream))),
                                    drift_evidence(verdict, expected, actual)))
        return drifts

    def _drift_what(self, subject: str, verdict: Verdict, banded: bool) -> str:
        kind = ("its text changed" if verdict.structural else
                f"{len(verdict.outside)} number(s) outside the noise measured at accept: drift, not noise"
                if banded else f"{len(verdict.outside)} exact number(s) changed")
        noisy = f"; {verdict.inside} other number(s) moved within their bands (noise)" if verdict.inside else ""
        return (f"{subject} drifted from the record ({kind}{noisy}; recorded on {self.made_on()}, "
                f"built on {describe_platform(here())})")

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
            tolerance = max(block.options.image_tol, float(meta.get("image_tol") or 0))
            evidence = FigureDrift(n, recorded_png, fresh_png, diff_png, rms, tolerance)
            text = _figure_text_diff(block, meta, figure)
            if rms is None or rms > tolerance:
                shown = "a different shape" if rms is None else f"RMS {rms:.2f}"
                also = " and its text" if text else ""
                measured = " measured between variants at accept" if meta.get("image_tol") else ""
                drifts.append(Drift(block.page, block.line, f"figure {n + 1}{also} changed ({shown}, tolerance "
                                    f"{tolerance:g}{measured}; baseline {baseline}; recorded on {self.made_on()}, "
                                    f"built on {describe_platform(here())})", text, figure=evidence))
            elif text:
                drifts.append(Drift(block.page, block.line, f"figure {n + 1}'s text changed (rtol="
                                    f"{block.options.rtol:g}; the pixels are within tolerance, {shown_rms(rms)})",
                                    text, figure=evidence))
        return drifts

    def update(self, blocks: list[Block], results: dict[int, BlockResult], device: str,
               variants: Variants | None = None) -> bool:
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
                others = [v[block.index] for v in (variants or {}).values() if block.index in v]
                outputs[key] = self._entry(block, result, key, others)
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

    def _entry(self, block: Block, result: BlockResult, key: str, others: list[BlockResult]) -> dict:
        figures = []
        for n, figure in enumerate(result.figures):
            name = f"figures/{record_name(self.page)}/{block.index:03d}-{n}.{key}.png"
            small = thumbnail(figure.png)
            write_atomic(self.root / name, small)
            meta = {"baseline": name, "alt": figure.alt, "sha": _sha_bytes(figure.png), "text": list(figure.text)}
            figures.append(meta | figure_noise(block, figure, small, [o.figures[n] for o in others
                                                                      if len(o.figures) > n]))
        entry = {"stdout": output_lines(result.stdout), "stderr": output_lines(result.stderr),
                 "exception": output_lines(exception_text(result) or ""), "figures": figures}
        bands = stream_bands(result, others, block.options.rtol)
        if others:  # recorded under variants: say which outputs are exact and which banded
            entry["noise"] = "banded" if bands or any("image_tol" in f for f in figures) else "exact"
        if bands:
            entry["bands"] = bands
        if result.artifacts:  # only blocks that write artifacts carry the key (older records unchanged)
            entry["artifacts"] = [{"name": a.name, "bytes": len(a.data)} for a in result.artifacts]
        return entry

    def save(self, versions: dict, made_on: dict | None = None) -> None:
        self.data["versions"] = versions
        if made_on is not None:
            self.data["made_on"] = made_on
        write_atomic(self.path, (json.dumps(self.data, indent=1, ensure_ascii=False) + "\n").encode())
        self._remove_stale_baselines()

    def remove_leftovers(self) -> None:
        """``.tmp-*`` files a killed ``make accept`` left beside this record and its baselines."""
        remove_leftovers(self.root)
        remove_leftovers(self.root / "figures" / record_name(self.page))

    def _remove_stale_baselines(self) -> None:
        """Baselines no entry refers to any more (a removed block, a renamed device key)."""
        wanted = {fig["baseline"] for entry in self.data["blocks"]
                  for output in entry.get("outputs", {}).values() for fig in output.get("figures", [])}
        folder = self.root / "figures" / record_name(self.page)
        for path in folder.glob("*.png") if folder.is_dir() else []:
            if path.relative_to(self.root).as_posix() not in wanted:
                path.unlink()


def _figure_text_diff(block: Block, meta: dict, figure) -> str:
    """A diff of the figure's recorded and fresh text, or "" when they match (numbers within rtol).
    Records made before the text was recorded have no "text": nothing to compare."""
    if not isinstance(meta.get("text"), list):
        return ""
    expected, actual = "\n".join(meta["text"]), "\n".join(figure.text)
    if meta.get("ticks") == "vary":
        expected, actual = without_ticks(expected), without_ticks(actual)
    verdict = judge(expected, actual, meta.get("bands") or [], block.options.rtol, block.options.atol)
    return "" if verdict.ok else drift_evidence(verdict, expected, actual)


def fresh_streams(result: BlockResult) -> dict[str, str]:
    return {"stdout": result.stdout, "stderr": result.stderr, "exception": exception_text(result) or ""}


def stream_bands(result: BlockResult, others: list[BlockResult], rtol: float) -> dict[str, list]:
    """Each noisy stream's bands (streams the variants printed identically are left out); a
    stream whose text differs between variants is reported by ``check.variants`` first."""
    if not others:
        return {}
    found = {}
    for stream, text in fresh_streams(result).items():
        texts = ["\n".join(output_lines(text))] + ["\n".join(output_lines(fresh_streams(o)[stream]))
                                                  for o in others]
        bands = measure(texts, rtol)
        if bands:
            found[stream] = [list(b) for b in bands]
    return found


def figure_noise(block: Block, figure, small: bytes, others: list) -> dict:
    """A figure the variants drew differently: bands for its text, an image tolerance measured
    from the variants' own differences (identical everywhere: nothing, today's tolerance)."""
    if not others or all(o.png == figure.png for o in others):
        return {}
    rms = [image_difference(small, thumbnail(o.png))[0] for o in others]
    extra: dict = {"image_tol": image_tolerance(block.options.image_tol,
                                                      [r if r is not None else 255.0 for r in rms])}
    texts = ["\n".join(figure.text)] + ["\n".join(o.text) for o in others]
    bands = measure(texts, block.options.rtol)
    if bands is None:  # the axes got other ticks: compare the rest of the text, ticks by the image
        extra["ticks"] = "vary"
        bands = measure([without_ticks(t) for t in texts], block.options.rtol)
    if bands:
        extra["bands"] = [list(b) for b in bands]
    return extra


def drift_evidence(verdict: Verdict, expected: str, actual: str) -> str:
    """The numbers out of band, then the diff (what a reader of a CI log needs first)."""
    listed = "".join(f"  {line}\n" for line in verdict.outside)
    return (f"outside the band:\n{listed}" if listed else "") + text_diff(expected, actual)


def here() -> dict:
    """This build's machine, without importing torch (the parent stays light)."""
    return {"cpu": cpu_name(), "torch": package_versions().get("torch", "?")}


def cpu_name() -> str:
    """``AuthenticAMD AMD EPYC``: the vendor and model the kernel reports (else the machine)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            info = dict(line.split(":", 1) for line in file if ":" in line)
    except OSError:
        return platform.machine()
    fields = {key.strip(): value.strip() for key, value in info.items()}
    return f"{fields.get('vendor_id', '')} {fields.get('model name', platform.machine())}".strip()


def describe_platform(made_on) -> str:
    """``AMD EPYC (AVX2, mkl, 1 thread, torch 2.14.1; variants host, scalar, sse41)``."""
    if not isinstance(made_on, dict):
        return "an unrecorded machine (record made before platforms were recorded)"
    variants = made_on.get("variants") or {}
    host = variants.get("host") or {}
    details = [d for d in (host.get("capability"), host.get("blas")) if d]
    if made_on.get("threads"):
        details.append(f"{made_on['threads']} thread(s)")
    details.append(f"torch {made_on.get('torch', '?')}")
    if variants:
        details.append("variants " + ", ".join(variants))
    return f"{made_on.get('cpu', '?')} ({', '.join(details)})"


def shown_rms(rms: float | None) -> str:
    return "a different shape" if rms is None else f"RMS {rms:.2f}"


def record_shape_error(data) -> str | None:
    """What is wrong with a record's structure (None when every entry has the expected shape)."""
    if not isinstance(data, dict) or not isinstance(data.get("blocks"), list):
        return "no 'blocks' list"
    for n, entry in enumerate(data["blocks"]):
        outputs = entry.get("outputs", {}) if isinstance(entry, dict) else None
        if not isinstance(outputs, dict) or not all(isinstance(o, dict) for o in outputs.values()):
            return f"blocks[{n}] is not an entry with 'outputs'"
        for output in outputs.values():
            texts = [output.get(k) or [] for k in ("stdout", "stderr", "exception")]
            figures = output.get("figures") or []
            if not all(isinstance(t, list) and all(isinstance(x, str) for x in t) for t in texts) or \
                    not isinstance(figures, list) or not all(isinstance(f, dict) and isinstance(f.get("baseline"), str)
                                                             for f in figures):
                return f"blocks[{n}] has malformed outputs"
    return None


def accept_path(page: str) -> str:
    """The path ``make accept PAGES=...`` takes for a page: docs/<page>.md or snippets/<name>.py."""
    return page.removeprefix("../") if page.startswith("../") else f"docs/{page}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _sha_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
