"""Compare: decide whether fresh output agrees with what the page or the record says.

Text must match exactly except numbers, which match within a relative tolerance (a
CPU and a GPU print slightly different losses; a changed kernel size prints a
different shape).  Figures are compared with matplotlib's own ``compare_images``
(RMS over pixels), not hand-written pixel maths.
"""
from __future__ import annotations

import difflib
import io
import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")
BASELINE_WIDTH = 320  # baselines are stored small: enough to see a changed plot


@dataclass(frozen=True)
class NumberComparison:
    """How two texts differ once numbers are set aside (what drift and the benchmarks report)."""

    identical: bool
    structural: bool = False  # the text around the numbers differs, or their count does
    integers_changed: int = 0  # integer tokens (shapes, counts) that differ: never tolerated
    decimals_changed: int = 0
    max_rel_diff: float = 0.0  # largest relative difference of a changed decimal
    within_tolerance: bool = True  # every changed decimal within rtol/atol (False if structural)


def tokens(text: str) -> tuple[list[str], list[str]]:
    """The text around the numbers (one more piece than numbers) and the numbers, as written."""
    return NUMBER.split(text), NUMBER.findall(text)


def number_moved(a: str, b: str, rtol: float, atol: float) -> bool:
    """Two number tokens differ beyond tolerance (integers: shapes and counts, never tolerated)."""
    if _is_integer(a) or _is_integer(b):
        return a != b
    return not numbers_close(float(a), float(b), rtol, atol)


def compare_numbers(expected: str, actual: str, rtol: float = 0.0, atol: float = 0.0) -> NumberComparison:
    """Compare text token by token: skeleton exact, integers exact, decimals within tolerance."""
    if expected == actual:
        return NumberComparison(identical=True)
    (skel_e, num_e), (skel_a, num_a) = tokens(expected), tokens(actual)
    if skel_e != skel_a or len(num_e) != len(num_a):
        return NumberComparison(identical=False, structural=True, within_tolerance=False)
    ints = decimals = 0
    worst, close = 0.0, True
    for e, a in zip(num_e, num_a, strict=False):
        if e == a:
            continue
        if _is_integer(e) or _is_integer(a):
            ints += 1
            continue
        decimals += 1
        worst = max(worst, _relative(float(e), float(a)))
        close = close and numbers_close(float(e), float(a), rtol, atol)
    return NumberComparison(False, False, ints, decimals, worst, close and ints == 0)


def numbers_close(a: float, b: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def _relative(a: float, b: float) -> float:
    if a == b or math.isnan(a) or math.isnan(b):
        return 0.0 if a == b or (math.isnan(a) and math.isnan(b)) else math.inf
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else 0.0


def text_matches(expected: str, actual: str, rtol: float, atol: float) -> bool:
    """Equal text, with every integer equal and every decimal equal within tolerance."""
    return compare_numbers(expected, actual, rtol, atol).within_tolerance


def _is_integer(token: str) -> bool:
    return not any(c in token for c in ".eEn")


def text_diff(expected: str, actual: str, label_expected: str = "recorded",
              label_actual: str = "fresh") -> str:
    """A unified diff an author can read in a terminal or a CI log."""
    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                 label_expected, label_actual, lineterm="", n=2)
    return "\n".join(lines) or "(only whitespace differs)"


def ignore_whitespace(text: str) -> str:
    return re.sub(r"\s+", "", text)


def thumbnail(png: bytes, width: int = BASELINE_WIDTH) -> bytes:
    """A small RGB copy of a figure: what the record keeps and what is compared."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    height = max(1, round(image.height * width / image.width))
    small = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_difference(expected_png: bytes, actual_png: bytes) -> tuple[float | None, bytes | None]:
    """matplotlib's RMS difference of two thumbnails and its difference image; (None, None)
    when their sizes differ, (0.0, None) when identical."""
    from matplotlib.testing.compare import compare_images

    with tempfile.TemporaryDirectory() as tmp:
        expected, actual = Path(tmp, "expected.png"), Path(tmp, "actual.png")
        expected.write_bytes(expected_png)
        actual.write_bytes(actual_png)
        try:
            outcome = compare_images(str(expected), str(actual), tol=0, in_decorator=True)
        except Exception as err:  # noqa: BLE001 - "image sizes do not match"
            if "size" in str(err).lower():
                return None, None
            raise
        if outcome is None:
            return 0.0, None
        diff = Path(str(outcome["diff"]))
        return float(outcome["rms"]), diff.read_bytes() if diff.exists() else None
