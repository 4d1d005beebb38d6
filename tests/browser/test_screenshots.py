"""Screenshots of every page (light, dark, phone) and of the open explorer, for a person to look
at: `make screenshots` writes them to test-artifacts/screenshots/.  Not part of `make test`
(marker ``screenshots``): a picture is looked at, not asserted on."""
from __future__ import annotations

import struct
from pathlib import PurePosixPath

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.screenshots]


def shot_name(page_name: str, mode: str) -> str:
    return str(PurePosixPath(page_name).with_suffix("")).replace("/", "-") + f"-{mode}.png"


def png_width(path) -> int:
    """The width in a PNG's IHDR header (the shot is a real PNG of the viewport's width)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">I", head[16:20])[0]


def test_screenshots(page, site_url, page_name, bx):
    """<page>-light.png, <page>-dark.png (desktop) and <page>-phone.png (390x844, light):
    one load per page, the palette switched with Material's own toggle."""
    page.goto(site_url + page_name)
    bx.settle(page)
    bx.load_all_images(page)
    bx.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for mode, scheme, viewport in (("light", "default", bx.DESKTOP), ("dark", "slate", bx.DESKTOP),
                                   ("phone", "default", bx.PHONE)):
        page.set_viewport_size(viewport)
        bx.palette(page, scheme)
        out = bx.SCREENSHOTS / shot_name(page_name, mode)
        page.screenshot(path=str(out), full_page=True, animations="disabled")
        assert png_width(out) == viewport["width"], out


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_explorer_screenshots(page, site_url, scheme, bx):
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + "explorer.html")
    bx.settle(page)
    page.get_by_role("button", name="Open the explorer").click()
    page.wait_for_selector("[data-explorer][data-ready=true]", timeout=60_000)
    bx.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = bx.SCREENSHOTS / f"explorer-open-{scheme}.png"
    page.screenshot(path=str(out), full_page=True)
    assert png_width(out) == bx.DESKTOP["width"], out
