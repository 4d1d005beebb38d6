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
from pathlib import Path

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")
BASELINE_WIDTH = 320  # baselines are stored small: enough to see a changed plot


def split_numbers(text: str) -> tuple[list[str], list[float]]:
    """Text with numbers replaced by a placeholder, and the numbers in order."""
    numbers = [float(m) for m in NUMBER.findall(text)]
    skeleton = NUMBER.split(text)
    return skeleton, numbers


def numbers_close(a: float, b: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def text_matches(expected: str, actual: str, rtol: float, atol: float) -> bool:
    """Equal text, with every number equal within tolerance."""
    if expected == actual:
        return True
    skel_e, num_e = NUMBER.split(expected), NUMBER.findall(expected)
    skel_a, num_a = NUMBER.split(actual), NUMBER.findall(actual)
    if skel_e != skel_a or len(num_e) != len(num_a):
        return False
    return all(_token_close(e, a, rtol, atol) for e, a in zip(num_e, num_a))


def _token_close(expected: str, actual: str, rtol: float, atol: float) -> bool:
    """Integers (shapes, counts, kernel sizes) must be equal; decimals within tolerance."""
    if _is_integer(expected) or _is_integer(actual):
        return expected == actual
    return numbers_close(float(expected), float(actual), rtol, atol)


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
    small = image.resize((width, height), Image.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_rms(expected_png: bytes, actual_png: bytes) -> float | None:
    """matplotlib's RMS difference of two thumbnails; None when sizes differ."""
    from matplotlib.testing.compare import compare_images

    with tempfile.TemporaryDirectory() as tmp:
        expected, actual = Path(tmp, "expected.png"), Path(tmp, "actual.png")
        expected.write_bytes(expected_png)
        actual.write_bytes(actual_png)
        try:
            outcome = compare_images(str(expected), str(actual), tol=0, in_decorator=True)
        except Exception as err:  # noqa: BLE001 - "image sizes do not match"
            if "size" in str(err).lower():
                return None
            raise
    return 0.0 if outcome is None else float(outcome["rms"])
