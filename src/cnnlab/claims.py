"""Claims checked by execution: a sentence about a result, and the check that backs it.

Why: the engine guarantees that every *output* is real, but prose around it ("the
CNN loses more than 40 points", "stays near chance") is typed by a person and can
silently go stale when an experiment changes. Writing each such sentence as a
``claim`` in the executed block makes the build check it: when it stops holding,
the block raises ``ClaimFailed`` whose message is the claim, so the build fails
with ``page.md:line`` and the sentence that is no longer true.

    from cnnlab.claims import claim
    claim(drop >= 40, "the CNN loses at least 40 points under permutation",
          measured=f"{drop:.1f} points")
"""
from __future__ import annotations


class ClaimFailed(AssertionError):
    """A claim of the page no longer holds; the message is the claim and what was measured.

    A subclass of ``AssertionError`` so that pytest (and pytest-codeblocks) treat
    it as the failed check it is.
    """


def claim(holds, text: str, measured: str | None = None) -> None:
    """Check that ``holds`` is true; print ``✓ text (measured)`` or raise ``ClaimFailed``.

    ``holds`` is usually a comparison of measured numbers (anything with a
    truth value; a one-element tensor or numpy bool works). ``text`` is the
    sentence as the page states it; ``measured`` says what was measured, so a
    failure explains itself without re-running anything.
    """
    detail = f"{text} (measured: {measured})" if measured else text
    if not bool(holds):
        raise ClaimFailed(f"claim does not hold: {detail}")
    print(f"✓ {detail}")
