"""Claims tied to their prose sentence: neither the check nor the sentence can change alone.

Why: ``cnnlab.claims.claim(holds, "text", measured)`` checks the *code's* statement, but the
reader reads the prose.  Changing only the sentence ("at least 40 points" -> "60 points")
used to build cleanly.  ``make accept`` now records, for each claim a block prints
(``✓ text (measured: ...)``), the page sentence that states it (the one sharing most of its
words); a strict build fails when that sentence is no longer in the page, and names the
claim, the sentence it was tied to and what the page says now.  A changed claim text is a
stdout drift already.
"""
from __future__ import annotations

import re

from ..errors import Drift
from ..model import Block, BlockResult, Page
from ..parse.fences import fence_mask
from ..store.record import PageRecord, accept_path

CLAIM_MARK = "✓ "
MEASURED = " (measured: "
WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
MIN_OVERLAP = 0.5  # share of the claim's words the sentence must hold to be its sentence


def printed_claims(stdout: str) -> list[str]:
    """The texts of the claims a block printed (cnnlab.claims.claim's success line)."""
    found = []
    for line in stdout.split("\n"):
        if line.startswith(CLAIM_MARK):
            text = line[len(CLAIM_MARK):]
            found.append(text.rpartition(MEASURED)[0] if text.endswith(")") and MEASURED in text else text)
    return found


def sentences(markdown: str) -> list[str]:
    """The page's prose sentences (outside fences and HTML comments), whitespace collapsed."""
    lines = markdown.split("\n")
    mask = fence_mask(lines)
    paragraphs: list[str] = []
    current: list[str] = []
    for line, in_fence in zip(lines, mask, strict=True):
        text = line.strip()
        if in_fence or not text or text.startswith("<!--"):
            paragraphs.append(" ".join(current))
            current = []
        else:
            current.append(text)
    paragraphs.append(" ".join(current))
    return [s for p in paragraphs if p for s in re.split(r"(?<=[.!?])\s+", p) if s]


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def best_sentence(claim: str, prose: list[str]) -> str | None:
    """The sentence sharing most of the claim's words (at least MIN_OVERLAP of them), or None."""
    wanted = _words(claim)
    if not wanted or not prose:
        return None
    score, sentence = max((len(wanted & _words(s)) / len(wanted), -len(s), s) for s in prose)[0::2]
    return sentence if score >= MIN_OVERLAP else None


def tie(record: PageRecord, page: Page, results: dict[int, BlockResult], device: str) -> bool:
    """Store each claim's sentence in the record's entries (``make accept``); True if that changed."""
    prose, changed = sentences(page.markdown), False
    for block in page.blocks:
        entry, result = record.entry(block, device), results.get(block.index)
        if entry is None or result is None:
            continue
        ties = [{"claim": c, "sentence": best_sentence(c, prose)} for c in printed_claims(result.stdout)]
        if ties != entry.get("claims", []):
            entry["claims"] = ties
            changed = True
        if not ties:
            entry.pop("claims", None)
    return changed


def sentence_drifts(page: Page, block: Block, record: PageRecord, device: str) -> list[Drift]:
    """Claims whose recorded sentence is no longer in the page's prose."""
    entry = record.entry(block, device) if not record.error else None
    claims = entry.get("claims") if isinstance(entry, dict) else None
    if not isinstance(claims, list):
        return []
    prose, drifts = sentences(page.markdown), []
    for tied in claims:
        sentence = tied.get("sentence") if isinstance(tied, dict) else None
        if not sentence or sentence in prose:
            continue
        now = best_sentence(tied.get("claim", ""), prose)
        drifts.append(Drift(block.page, block.line, f"the sentence checked by the claim {tied.get('claim')!r} changed",
                            f"tied to: {sentence}\npage now: {now or '(no sentence states it)'}\n"
                            f"Make the claim check what the sentence now says (or restore the sentence), then run "
                            f"`make accept PAGES=\"{accept_path(page.name)}\"` to tie them again."))
    return drifts

