"""A notebook page's HTML from mkdocs-jupyter, kept offline: no script from another host.

Why: nbconvert's lab template loads MathJax from cdnjs on every page (mermaid only on demand), and
the site requests nothing from other hosts (privacy, offline use; the browser tests fail on any
foreign request).  The site's notebooks use no LaTeX, so the loader is dropped.  Pure string work.
"""
from __future__ import annotations

import re

# src="https://..." or "//...", and the src="" mkdocs-jupyter writes when custom_mathjax_url is unset
FOREIGN_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="(?:(?:https?:)?//[^"]*)?"[^>]*>\s*</script>\s*', re.I)


def offline(html: str) -> str:
    """``html`` without ``<script src="https://...">`` (or empty ``src``) elements."""
    return FOREIGN_SCRIPT.sub("", html)
