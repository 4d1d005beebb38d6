"""The explorer in Chromium: the page's own transforms and model reproduce PyTorch (max |diff| <= 1e-4),
it works with the keyboard and at phone width, and it loads onnxruntime-web only when opened.

The reference cases (20 validation images, each original, shifted, permuted, shifted then permuted)
were written at build time by ``cnnlab.explorer.export_for_browser`` next to the model.
"""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

PAGE = "explorer.html"
TOLERANCE = 1e-4

# Runs inside the page: every reference case through window.cnnExplorer (the page's own code).
COMPARE_JS = """async () => {
  const root = document.querySelector('[data-explorer]');
  const x = window.cnnExplorer;
  const model = await x.loadModel(root.dataset.artifacts);
  const index = await (await fetch(new URL(model.data.reference, model.base))).json();
  const blob = new Float32Array(await (await fetch(new URL(index.binary, model.base))).arrayBuffer());
  const arr = (e) => blob.subarray(e.offset, e.offset + e.shape.reduce((a, b) => a * b, 1));
  const size = 3 * 32 * 32, base = arr(index.base_images);
  const worst = {probs: 0, conv1: 0, conv2: 0, input: 0};
  const counts = {cases: 0, maps: 0, shifted: 0, permuted: 0, images: new Set(), networks: new Set()};
  for (const c of index.cases) {
    const image = base.subarray(c.image * size, (c.image + 1) * size);
    const input = x.networkInput(image, c.dx, c.dy, c.permuted ? model.data.permutation : null);
    if (c.input) { const want = arr(c.input); for (let i = 0; i < size; i++)
      worst.input = Math.max(worst.input, Math.abs(input[i] - want[i])); }
    for (const network of Object.keys(model.data.models)) {  // the SmallCNN and, if exported, its twin
      const got = await model.run(input, network);
      for (const [name, entry] of Object.entries(c[network])) {
        const want = arr(entry), have = got[name];
        if (have.length !== want.length) throw new Error(`${name}: ${have.length} values, want ${want.length}`);
        for (let i = 0; i < want.length; i++) worst[name] = Math.max(worst[name], Math.abs(have[i] - want[i]));
      }
      counts.networks.add(network);
    }
    counts.cases++; counts.images.add(c.image);
    if ('conv1' in c.small_cnn) counts.maps++;
    if (c.dx || c.dy) counts.shifted++;
    if (c.permuted) counts.permuted++;
  }
  return {worst, counts: {...counts, images: counts.images.size, networks: [...counts.networks]}};
}"""


def _open_explorer(page, site_url, bx, navigate=True):
    if navigate:
        page.goto(site_url + PAGE)
        bx.settle(page)
    page.get_by_role("button", name="Open the explorer").click()
    page.wait_for_selector("[data-explorer][data-ready=true]", timeout=60_000)


def test_browser_matches_pytorch(watched, site_url, bx):
    page, w = watched
    page.goto(site_url + PAGE)
    bx.settle(page)
    result = page.evaluate(COMPARE_JS)
    counts, worst = result["counts"], result["worst"]
    print("explorer max |browser - PyTorch|:", json.dumps(worst))
    assert counts["images"] >= 20 and counts["shifted"] >= 20 and counts["permuted"] >= 20, counts
    assert counts["maps"] >= 8 and "small_cnn" in counts["networks"], counts
    assert worst["input"] == 0, "the page's shift/permutation differ from cnnlab.explorer's"
    for name in ("probs", "conv1", "conv2"):
        assert worst[name] <= TOLERANCE, f"{name}: browser differs from PyTorch by {worst[name]:.3g}"
    assert not w.problems(), w.problems()


def test_onnxruntime_loads_only_when_opened(watched, site_url, bx):
    page, w = watched
    page.goto(site_url + PAGE)
    bx.settle(page)
    assert not [u for u in w.requests if "/assets/ort/" in u or u.endswith(".onnx")]
    assert page.locator(".explorer-fallback").is_hidden()  # JS on: the static fallback gives way
    _open_explorer(page, site_url, bx, navigate=False)
    loaded = [u for u in w.requests if "/assets/ort/" in u or u.endswith(".onnx")]
    assert any(u.endswith(".wasm") for u in loaded) and any(u.endswith(".onnx") for u in loaded)
    assert not w.problems(), w.problems()


def _prediction(page) -> str:
    return page.locator(".explorer-live").inner_text()


def test_keyboard_shift_and_permutation_update_the_prediction(watched, site_url, bx):
    page, w = watched
    _open_explorer(page, site_url, bx)
    canvas = page.locator(".explorer-canvas").first
    assert canvas.evaluate("c => c === document.activeElement")  # focus lands on the image
    first = _prediction(page)
    assert first.startswith("Validation image") and "Prediction:" in first
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.explorer-live').textContent.startsWith('Shifted 2 px right')")
    page.get_by_label("Apply the experiment's fixed pixel permutation").check()
    page.wait_for_function("() => document.querySelector('.explorer-live').textContent.startsWith('Same pixel values')")
    if page.locator("#explorer-network").count():  # the twin trained on permuted pixels was exported
        page.get_by_label("Network", exact=True).select_option("twin")
        page.wait_for_function("() => document.querySelector('.explorer-live').textContent.startsWith('Now the twin')")
    bars = page.locator(".explorer-probs li").count()
    assert bars == 10
    canvas.focus()
    page.keyboard.press("p")  # keyboard pen: move and paint
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.explorer-live').textContent.startsWith('Your drawing')")
    assert not w.problems(), w.problems()


def test_drawing_with_a_pointer_and_phone_width(watched, site_url, bx):
    page, w = watched
    page.set_viewport_size(bx.PHONE)
    _open_explorer(page, site_url, bx)
    page.get_by_role("button", name="Clear and draw").click()
    box = page.locator(".explorer-canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.5, steps=8)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('.explorer-live').textContent.startsWith('Your drawing')")
    painted = page.evaluate("""() => { const c = document.querySelector('.explorer-canvas');
        const d = c.getContext('2d').getImageData(0, 0, 32, 32).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] > 200) n++; return n; }""")
    assert painted >= 10
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"sideways scroll of {overflow}px at phone width"
    bx.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(bx.SCREENSHOTS / "explorer-open-phone.png"), full_page=True)
    assert not w.problems(), w.problems()


def test_transfer_sizes(page, site_url, bx):
    """Bytes on the wire for the explorer page: first view, then after opening the explorer (printed)."""
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]
                                                           + r.sizes()["responseHeadersSize"]))
    page.goto(site_url + PAGE)
    bx.settle(page)
    page.wait_for_load_state("networkidle")
    first = sum(sizes.values())
    _open_explorer(page, site_url, bx, navigate=False)
    page.wait_for_load_state("networkidle")
    opened = sum(sizes.values())
    bx.SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (bx.SCREENSHOTS.parent / "explorer-transfer.txt").write_text(
        f"first view: {first} bytes\nafter opening the explorer: {opened} bytes\n")
    print(f"explorer page transfer: first view {first / 1024:.0f} KiB, after opening {opened / 1024:.0f} KiB")
    assert first < 2 * 1024 * 1024 and opened > first + 10 * 1024 * 1024


def test_without_javascript_the_build_figure_is_shown(browser, site_url, bx):
    context = browser.new_context(java_script_enabled=False, viewport=bx.DESKTOP)
    page = context.new_page()
    images = []
    page.on("response", lambda r: images.append((r.url, r.status)) if r.url.endswith(".png") else None)
    page.goto(site_url + PAGE)
    page.wait_for_load_state("load")
    fallback = page.locator(".explorer-fallback")
    assert fallback.is_visible() and "needs JavaScript" in fallback.inner_text()
    figure = fallback.locator("img")
    figure.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    assert figure.get_attribute("alt") and "explorer_static.png" in figure.get_attribute("src")
    assert any(url.endswith("explorer_static.png") and status == 200 for url, status in images), images
    assert page.get_by_role("button", name="Open the explorer").count() == 0
    bx.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(bx.SCREENSHOTS / "explorer-nojs.png"), full_page=True)
    context.close()
