"""What a block prints, made safe to publish: control bytes shown, not passed through raw.

Why: output text is published in a fence, but a fence shows ANSI colour escapes, BEL and NUL
bytes raw (a NUL even ends some readers' text).
"""
from __future__ import annotations

import re

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not TAB, LF, CR


def _picture(match: re.Match) -> str:
    code = ord(match.group())
    return "\u2421" if code == 0x7F else chr(0x2400 + code)  # U+2400..U+241F: NUL, BEL... as symbols


def visible(text: str) -> str:
    """ANSI escape sequences removed (colours mean nothing here); other control bytes shown as
    their Unicode control pictures (␀, ␇), so a reader sees they were printed."""
    return CONTROL.sub(_picture, ANSI.sub("", text))
