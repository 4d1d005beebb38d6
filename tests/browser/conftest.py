"""Browser tests: headless Debian Chromium against the built site, served from 127.0.0.1.

The site is ``$EXECDOCS_SITE`` when set, else the one ``make site`` left in ``site/`` when it is newer than every file in
``docs/``; otherwise it is built (not strict) into a temporary directory once per session.
Pages are discovered from the built site, so new pages are tested without editing a list.
Every request to another host is aborted and recorded: the tests never touch the network.

Checks that look at every page run during ONE visit of each page (``page_visits``): write a
new one as a function of the loaded page, registered with ``pagevisit.per_page(state)``::

    from pagevisit import per_page

    @per_page("phone")                  # "light" (desktop), "dark" (palette toggled) or "phone"
    def test_tables_fit(view):          # view.page, view.name, view.url, view.site_dir, view.watch
        assert view.page.evaluate("() => ...") , f"{view.name}: what is wrong and where"

It becomes a test per page (``page_name``), reported under its own name; see pagevisit.py.
A check that must navigate, reload or click through a flow is an ordinary test with the
``page`` (or ``watched``) fixture.  Screenshots are not tests: ``make screenshots``
(``-m screenshots``) writes them to test-artifacts/screenshots/.
"""
from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pagevisit import Visits

ROOT = Path(__file__).resolve().parents[2]
MAIN_PAGES = ("index.html", "challenge.html", "inside.html", "experiment.html", "purpose.html", "metrics.html")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM = os.environ.get("EXECDOCS_CHROMIUM", "/usr/bin/chromium")


# --------------------------------------------------------------------------- the site

def _newest_mtime(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


def _fresh_site() -> Path | None:
    index = ROOT / "site" / "index.html"
    if index.exists() and index.stat().st_mtime >= _newest_mtime(ROOT / "docs"):
        return index.parent
    return None


_SCRATCH_DIRS: list[Path] = []


def pytest_unconfigure(config):
    """The one-off site build belongs to this test session: nothing is left in the temp dir."""
    while _SCRATCH_DIRS:
        shutil.rmtree(_SCRATCH_DIRS.pop(), ignore_errors=True)


@functools.cache
def built_site() -> Path:
    """The built site: ``site/`` when fresh, else a one-off (non-strict) build in a tmp dir."""
    override = os.environ.get("EXECDOCS_SITE")  # an already built site, e.g. from CI's `make site`
    if override:
        return Path(override).resolve()
    fresh = _fresh_site()
    if fresh is not None:
        return fresh
    scratch = Path(tempfile.mkdtemp(prefix="execdocs-browser-"))
    _SCRATCH_DIRS.append(scratch)  # removed in pytest_unconfigure, also after a failure or Ctrl-C
    out = scratch / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH="src")
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "-d", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not (out / "index.html").exists():
        raise RuntimeError(f"mkdocs build failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return out


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the built site (relative, POSIX), the 404 page excluded."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.name != "404.html" and "assets" not in p.relative_to(site).parts)


def _deselecting_browser(config) -> bool:
    expr = config.getoption("markexpr", "") or ""
    return "not browser" in expr


def pytest_generate_tests(metafunc):
    """``page_name`` (every page) and ``badge_page`` (the pages with a quiz badge) come from the
    built site's HTML files."""
    wanted = {"page_name", "badge_page"} & set(metafunc.fixturenames)
    if not wanted:
        return
    site = None if _deselecting_browser(metafunc.config) else built_site()
    pages = site_pages(site) if site else list(MAIN_PAGES)  # not going to run: no build just to collect
    if "page_name" in wanted:
        metafunc.parametrize("page_name", pages)
    if "badge_page" in wanted:
        with_badge = [p for p in pages if site and '<div class="quiz-badge"' in (site / p).read_text()]
        metafunc.parametrize("badge_page", with_badge or ["(none built)"])


@pytest.fixture(scope="session")
def site_dir() -> Path:
    return built_site()


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".ipynb": "application/x-ipynb+json", ".py": "text/x-python"}

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def site_url(site_dir: Path):
    """Serve the site from 127.0.0.1 on a free port for the whole session."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site_dir)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/"
    server.shutdown()
    server.server_close()


# --------------------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's chromium; pytest-playwright must never try to download a browser."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (make chromium)")
    return {"executable_path": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": DESKTOP, "color_scheme": "light", "service_workers": "block"}


@dataclass
class Watch:
    """What one page did on the wire and in its console."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console_errors]
                + [f"failed request: {m}" for m in self.failed]
                + [f"request to another host: {u}" for u in self.foreign])


def _local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or f"{parts.scheme}://{parts.netloc}" == origin


def watch(page, site_url: str) -> Watch:
    """Record console errors, failed/>=400 requests and requests to other hosts (aborted)."""
    origin = site_url.rstrip("/")
    w = Watch(origin)

    def on_route(route):
        url = route.request.url
        if _local(url, origin):
            route.continue_()
        else:
            w.foreign.append(url)
            route.abort()

    page.route("**/*", on_route)
    page.on("console", lambda m: w.console_errors.append(f"{m.text} @ {m.location}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: w.console_errors.append(f"uncaught: {e}"))
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("requestfailed", lambda r: w.failed.append(f"{r.url} ({r.failure})")
            if _local(r.url, origin) else None)
    page.on("response", lambda r: w.failed.append(f"{r.url} -> HTTP {r.status}") if r.status >= 400 else None)
    return w


@pytest.fixture
def watched(page, site_url):
    """``(page, watch)``: a fresh page whose console and network are being recorded."""
    return page, watch(page, site_url)


def load_all_images(page) -> None:
    """Images are ``loading=lazy``: make them eager and wait until each has settled."""
    page.evaluate("""async () => {
        const imgs = Array.from(document.images);
        imgs.forEach(i => { i.loading = 'eager'; });
        await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
            i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true});
        })));
    }""")


def settle(page) -> None:
    """Wait for load and for Material's JS to have set the page up."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.body && document.body.dataset.mdColorScheme !== undefined")


def _palette(page, want: str) -> None:
    """Put Material's palette on ``want`` ("default" or "slate") with its own toggle."""
    scheme = "() => document.body.getAttribute('data-md-color-scheme')"
    if page.evaluate(scheme) != want:
        page.locator('form[data-md-component="palette"] label:visible').first.click()
    page.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') === '{want}'",
                           timeout=10_000)


def _to_phone(page) -> None:
    _palette(page, "default")
    page.set_viewport_size(PHONE)
    page.wait_for_function(f"() => document.scrollingElement.clientWidth <= {PHONE['width']}")


VISIT_STATES = {
    "light": lambda page: _palette(page, "default"),  # as loaded: desktop, light
    "dark": lambda page: _palette(page, "slate"),  # the reader's toggle
    "phone": _to_phone,  # back to light, 390x844
}


@pytest.fixture(scope="session")
def page_visits(browser, browser_context_args, site_url, site_dir):
    """Each page loaded once for every ``per_page`` check (see pagevisit.py)."""
    def open_page(name: str):
        context = browser.new_context(**browser_context_args)
        try:
            page = context.new_page()
            w = watch(page, site_url)
            page.goto(site_url + name)
            settle(page)
            load_all_images(page)
        except BaseException:
            context.close()
            raise
        return page, w, context.close

    return Visits(open_page, VISIT_STATES, site_url, site_dir)


@pytest.fixture(scope="session")
def bx():
    """The helpers above, for test modules (importing ``conftest`` by name is ambiguous here:
    ``tests/conftest.py`` exists too)."""
    from types import SimpleNamespace
    return SimpleNamespace(MAIN_PAGES=MAIN_PAGES, PHONE=PHONE, DESKTOP=DESKTOP, SCREENSHOTS=SCREENSHOTS,
                           ROOT=ROOT, load_all_images=load_all_images, settle=settle,
                           site_pages=site_pages, watch=watch, palette=_palette)

