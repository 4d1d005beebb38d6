"""Noise bands: how far a number may move between machines, measured at accept.

Why: a training run's printed numbers depend on the floating-point kernels of the CPU that
ran it, so one machine's record drifts on the next.  ``make accept`` runs each chain under
several numeric variants of the recording machine (``run.variants``).  A text that is equal
in every variant stays exact; in one that differs, every changed number and every decimal
after the first change gets a band ``[lo, hi]`` (its values across the variants) and a
margin.  A later build passes when each number lies in its band widened by its margin.

The margin (stated once, here): ``MARGIN`` times the number's noise scale, recorded at accept:
the larger of the number's own spread and the largest relative spread anywhere in the same
text (times the number's size), and never less than one unit of the last printed digit or the
block's rtol.  The record holds the scale, the build applies ``MARGIN``, so the margin can be
re-chosen without re-recording (``benchmarks/margin_sweep.py`` measures each choice).  Why pooled over the text:
three variants are a small sample, and two of them often agree on a number that a fourth
machine prints differently (measured: host and scalar kernels agree on a loss to 1e-6 that
oneDNN's AVX path moves by 8e-4), so one number's own spread underestimates its noise.  In a
noisy text every decimal is banded; integers (shapes, counts) stay exact unless the variants
disagree on them.

What a band cannot catch: a change whose effect on every printed number is smaller than the
noise between machines (say, a learning rate moved by 1 %).  Claims and the exact numbers
before the first noisy one catch the larger ones (``tests/test_noise.py``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .compare import _is_integer, number_moved, tokens

SPACE = re.compile(r"[ \t]+")
BARE_NUMBER = re.compile(r"^\s*[-+\u2212]?[\d.,]+(?:[eE][-+]?\d+)?\s*%?\s*$")

# The band is widened by MARGIN times its noise scale on each side.  Measured with
# benchmarks/margin_sweep.py (held-out oneDNN AVX variant, whole site; mutation test):
#   x1: 6 problems (7 numbers) outside under the held-out variant; mutations caught 16/18
#   x1.5: 3 problems outside; 15/18 (AdamW's weight decay now inside the noise)
#   x2, x3, x4: 0 outside; 15/18, the same table
# and against another machine's records (AMD EPYC with AVX-512): x1 1 number outside, x2 0.
# x3: the middle of the range where nothing false fails and the catch table does not change
# (x2 passes the held-out variant by 0.001 on one recall).
MARGIN = 3.0

Band = tuple[int, float, float, float]  # (number's index in the text, lo, hi, noise scale)


@dataclass(frozen=True)
class Verdict:
    """A fresh text against its recorded text and bands."""

    ok: bool
    structural: bool = False  # the text around the numbers (or their count) changed
    inside: int = 0  # banded numbers inside their band (noise)
    outside: tuple[str, ...] = ()  # one line per number out of band or changed exactly


def unit(token: str) -> float:
    """One step of the last printed digit: 81.0 -> 0.1, 0.374 -> 0.001, 1e-3 -> tiny."""
    if _is_integer(token):
        return 1.0
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def measure(texts: list[str], rtol: float = 0.0) -> list[Band] | None:
    """Bands for one output as printed by each variant (first: the published one); None when the
    variants print different text around the numbers (the output is fragile, not noisy)."""
    split = [tokens(t) for t in texts]
    if any(not same_skeleton(s[0], split[0][0]) or len(s[1]) != len(split[0][1]) for s in split):
        return None
    columns = [list(c) for c in zip(*(s[1] for s in split), strict=True)]
    if all(len(set(c)) == 1 for c in columns):
        return []
    spans = [_span(c) for c in columns]
    pooled = max(spread / size for _, _, spread, size, _ in spans)  # the output's noise, relative
    bands: list[Band] = []
    for index, (column, (lo, hi, spread, size, step)) in enumerate(zip(columns, spans, strict=True)):
        if len(set(column)) == 1 and _is_integer(column[0]):
            continue  # exact: an integer (shape, count) the variants agree on
        scale = max(spread, pooled * size, step, rtol * size)
        bands.append((index, lo, hi, _round(scale)))
    return bands


def same_skeleton(a: list[str], b: list[str]) -> bool:
    """The text around the numbers agrees, spaces aside: a table pads a column to its widest
    number, so ``-0.5`` and ``0.0`` are printed with different padding."""
    return [SPACE.sub(" ", x) for x in a] == [SPACE.sub(" ", x) for x in b]


def without_ticks(text: str) -> str:
    """A figure's text without its bare-number lines (tick labels): how many ticks an axis gets
    depends on its data range, so a noisy figure's ticks are left to the image comparison."""
    return "\n".join(line for line in text.split("\n") if not BARE_NUMBER.match(line))


def _span(column: list[str]) -> tuple[float, float, float, float, float]:
    """(lo, hi, spread, size, unit) of one number's values across the variants."""
    values = [float(v) for v in column]
    lo, hi = min(values), max(values)
    step = max(unit(v) for v in column)
    return lo, hi, hi - lo, max(abs(lo), abs(hi), step), step


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def judge(expected: str, actual: str, bands: list[Band], rtol: float, atol: float) -> Verdict:
    """Exact numbers within rtol/atol, banded ones within their band and margin."""
    (skel_e, num_e), (skel_a, num_a) = tokens(expected), tokens(actual)
    skeleton_ok = same_skeleton(skel_e, skel_a) if bands else skel_e == skel_a
    if not skeleton_ok or len(num_e) != len(num_a):
        return Verdict(False, structural=True)
    banded = {b[0]: b for b in bands}
    inside, outside = 0, []
    for index, (e, a) in enumerate(zip(num_e, num_a, strict=True)):
        band = banded.get(index)
        if band is None:
            if e != a and number_moved(e, a, rtol, atol):
                outside.append(f"{a} (recorded {e}, exact: the variants agreed on it)")
            continue
        _, lo, hi, scale = band
        margin, value = MARGIN * scale, float(a)
        if not math.isnan(value) and lo - margin - 1e-12 <= value <= hi + margin + 1e-12:
            inside += e != a
        else:
            outside.append(f"{a} outside its band {_show(lo)}…{_show(hi)} ± {_show(margin)} "
                           f"(recorded {e})")
    return Verdict(not outside, False, inside, tuple(outside))


def _show(x: float) -> str:
    return f"{x:.6g}"


def image_tolerance(default: float, rms_between_variants: list[float]) -> float:
    """A figure the variants draw differently: tolerance from their own differences."""
    measured = max(rms_between_variants, default=0.0)
    return _round(max(default, 2 * measured))
