"""Screenshots of every page (light, dark, phone) for a human to look at, and the image
weight of each page (bytes of the <img> files it loads), written to test-artifacts/."""
from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

MAX_IMAGE_BYTES = 1_000_000


def shot_name(page_name: str, mode: str) -> str:
    return str(PurePosixPath(page_name).with_suffix("")).replace("/", "-") + f"-{mode}.png"


def _scheme(page, want: str) -> None:
    if page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") != want:
        page.locator('form[data-md-component="palette"] label:visible').first.click()
    page.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') === '{want}'")


def test_screenshots(page, site_url, page_name, bx):
    """<page>-light.png, <page>-dark.png (desktop) and <page>-phone.png (390x844, light):
    one load per page, the palette switched with Material's own toggle."""
    page.goto(site_url + page_name)
    bx.settle(page)
    bx.load_all_images(page)
    bx.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = []
    for mode, scheme, viewport in (("light", "default", bx.DESKTOP), ("dark", "slate", bx.DESKTOP),
                                   ("phone", "default", bx.PHONE)):
        page.set_viewport_size(viewport)
        _scheme(page, scheme)
        out = bx.SCREENSHOTS / shot_name(page_name, mode)
        page.screenshot(path=str(out), full_page=True, animations="disabled")
        shots.append(out)
    assert all(p.stat().st_size > 0 for p in shots)


def test_image_weight_per_page(page, site_url, site_dir, bx):
    """Sum the sizes of the image files each page loads; every page stays under 1 MB."""
    rows = []
    for name in bx.site_pages(site_dir):
        page.goto(site_url + name)
        bx.settle(page)
        bx.load_all_images(page)
        srcs = page.evaluate("() => Array.from(new Set(Array.from(document.images).map(i => i.currentSrc || i.src)))")
        total = 0
        for src in srcs:
            parts = urlsplit(src)
            if parts.scheme == "data":
                total += len(src)
                continue
            path = site_dir / unquote(parts.path).lstrip("/")
            assert path.is_file(), f"{name}: image {src} is not a file of the site"
            total += path.stat().st_size
        rows.append((name, len(srcs), total))
    lines = ["# Image weight per page", "",
             "Sum of the sizes of the `<img>` files each page loads (written by "
             "`tests/browser/test_screenshots.py`; limit 1 MB per page).", "",
             "| page | images | bytes | KiB |", "|---|---:|---:|---:|"]
    lines += [f"| {n} | {c} | {b} | {b / 1024:.1f} |" for n, c, b in rows]
    lines.append(f"| **total** | {sum(r[1] for r in rows)} | {sum(r[2] for r in rows)} | "
                 f"{sum(r[2] for r in rows) / 1024:.1f} |")
    report = bx.ROOT / "test-artifacts" / "image-weight.md"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(lines) + "\n")
    heavy = [f"{n}: {b} bytes" for n, _, b in rows if b >= MAX_IMAGE_BYTES]
    assert not heavy, "pages over 1 MB of images:\n  " + "\n  ".join(heavy)
