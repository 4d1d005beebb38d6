/* The network explorer: the experiment's trained SmallCNN, run in the reader's browser.
 *
 * Why plain JavaScript: one page, one widget; the code that matters is the image
 * transforms (they must match cnnlab.explorer exactly, which the browser test checks)
 * and the calls into ONNX Runtime Web, which is loaded only when the reader opens the
 * explorer (it is ~14 MB of WebAssembly, served from this site).
 */
(function () {
  "use strict";
  const SIZE = 32, CHANNELS = 3, PIXELS = SIZE * SIZE;
  const SITE_ROOT = new URL("../", document.currentScript.src);  // this file is assets/explorer.js

  // ---------------------------------------------------------------- pure image transforms (CHW float32)

  /** Move the image dx pixels right and dy down; uncovered pixels become 0 (cnnlab.explorer.shift_image). */
  function shift(image, dx, dy) {
    const out = new Float32Array(image.length);
    for (let c = 0; c < CHANNELS; c++) {
      for (let y = 0; y < SIZE; y++) {
        const sy = y - dy;
        if (sy < 0 || sy >= SIZE) continue;
        for (let x = 0; x < SIZE; x++) {
          const sx = x - dx;
          if (sx >= 0 && sx < SIZE) out[c * PIXELS + y * SIZE + x] = image[c * PIXELS + sy * SIZE + sx];
        }
      }
    }
    return out;
  }

  /** Pixel i of the result is pixel perm[i] of the input, in every channel (the page's permutation). */
  function permute(image, perm) {
    const out = new Float32Array(image.length);
    for (let c = 0; c < CHANNELS; c++) {
      for (let i = 0; i < PIXELS; i++) out[c * PIXELS + i] = image[c * PIXELS + perm[i]];
    }
    return out;
  }

  /** The network input: shift first, then (optionally) permute, as cnnlab.explorer.case_input. */
  function networkInput(base, dx, dy, perm) {
    const moved = shift(base, dx, dy);
    return perm ? permute(moved, perm) : moved;
  }

  function decodeGalleryImage(b64) {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    return Float32Array.from(bytes, (v) => v / 255);
  }

  // ---------------------------------------------------------------- the model (ONNX Runtime Web)

  let ortPromise = null;
  function loadOrt() {
    if (!ortPromise) {
      ortPromise = import(new URL("assets/ort/ort.wasm.bundle.min.js", SITE_ROOT).href).then((ort) => {
        ort.env.wasm.numThreads = 1;  // a static host sends no cross-origin-isolation headers
        // only the .wasm is fetched: the bundle carries its own loader (no .mjs request)
        ort.env.wasm.wasmPaths = { wasm: new URL("assets/ort/ort-wasm-simd-threaded.wasm", SITE_ROOT).href };
        return ort;
      });
    }
    return ortPromise;
  }

  /** Load explorer.json and the models; resolves to {data, run(input, network) -> {probs, conv1, conv2}}. */
  async function loadModel(artifactsUrl) {
    const base = new URL(artifactsUrl, SITE_ROOT);
    const [ort, data] = await Promise.all([loadOrt(), fetch(new URL("explorer.json", base)).then((r) => {
      if (!r.ok) throw new Error(`explorer.json: HTTP ${r.status}`);
      return r.json();
    })]);
    // Each network is fetched on its first use: a reader who never switches to the twin never downloads it.
    const sessions = {};
    const session = (name) => {
      if (!sessions[name]) {
        sessions[name] = ort.InferenceSession.create(new URL(data.models[name], base).href,
                                                     { executionProviders: ["wasm"] });
      }
      return sessions[name];
    };
    await session("small_cnn");
    async function run(input, network = "small_cnn") {
      const feeds = { image: new ort.Tensor("float32", input, [1, CHANNELS, SIZE, SIZE]) };
      const out = await (await session(network)).run(feeds);
      return { probs: out.probs.data, conv1: out.conv1.data, conv2: out.conv2.data,
               dims: { conv1: out.conv1.dims, conv2: out.conv2.dims } };
    }
    return { data, run, base };
  }

  window.cnnExplorer = { shift, permute, networkInput, decodeGalleryImage, loadModel };

  // ---------------------------------------------------------------- drawing helpers

  function paintImage(canvas, image) {
    const ctx = canvas.getContext("2d");
    const pixels = ctx.createImageData(SIZE, SIZE);
    for (let i = 0; i < PIXELS; i++) {
      for (let c = 0; c < CHANNELS; c++) pixels.data[4 * i + c] = Math.round(255 * image[c * PIXELS + i]);
      pixels.data[4 * i + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
  }

  /** One grayscale canvas per channel, scaled by the layer's largest value (0 = black). */
  function paintMaps(container, maps, dims) {
    const [, channels, h, w] = dims;
    let max = 0;
    for (const v of maps) max = Math.max(max, v);
    const canvases = container.querySelectorAll("canvas");
    for (let k = 0; k < channels; k++) {
      const ctx = canvases[k].getContext("2d");
      const img = ctx.createImageData(w, h);
      for (let i = 0; i < w * h; i++) {
        const v = max > 0 ? Math.round(255 * maps[k * w * h + i] / max) : 0;
        img.data.set([v, v, v, 255], 4 * i);
      }
      ctx.putImageData(img, 0, 0);
    }
  }

  // ---------------------------------------------------------------- notes tying actions to the page's claims

  const pct = (p) => `${(100 * p).toFixed(1)}%`;
  function topClass(probs, names) {
    let best = 0;
    probs.forEach((p, k) => { if (p > probs[best]) best = k; });
    return { name: names[best], p: probs[best] };
  }

  function noteFor(action, state, before, after) {
    const change = before ? `Prediction: ${before.name} ${pct(before.p)} → ${after.name} ${pct(after.p)}.` :
      `Prediction: ${after.name} ${pct(after.p)}.`;
    if (action === "shift") {
      return `Shifted ${state.dx} px right and ${state.dy} px down in total. The bright spots of every conv1 map ` +
        "moved by the same amount and conv2's by about half as much (conv2 works after a 2×2 pooling): " +
        `convolution is translation-equivariant, as the experiment page's shift test measured. ${change}`;
    }
    if (action === "permute") {
      return state.permuted
        ? "Same pixel values, fixed scrambled order: neighbours are no longer neighbours, so the 3×3 filters " +
          `see noise and the maps lose the shape. ${change} The experiment page's permutation test shows that ` +
          "a CNN trained on permuted pixels does no better than the wide MLP: its filters need neighbouring pixels."
        : `Pixels back in place: the maps show the shape again. ${change}`;
    }
    if (action === "network") {
      return state.network === "twin"
        ? "Now the twin: the same architecture trained on images permuted with this fixed permutation. " +
          `Its filters never saw neighbouring pixels side by side. ${change} Toggle the permutation to feed it ` +
          "what it was trained on."
        : `Back to the network trained on ordinary images. ${change}`;
    }
    if (state.blank) {
      return "The canvas is blank. No training image was blank (every one shows a pattern), so a blank input is " +
        `outside what the network was trained on and its answer means nothing. ${change} Draw something to see a ` +
        "meaningful prediction.";
    }
    if (action === "draw") return `Your drawing. ${change}`;
    return `${state.caption}. ${change}`;
  }

  // ---------------------------------------------------------------- the widget

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "text") node.textContent = value; else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  };

  function mapFigure(label, channels, size) {
    const grid = el("div", { class: "explorer-maps", role: "img", "aria-label": label });
    for (let k = 0; k < channels; k++) grid.append(el("canvas", { width: size, height: size }));
    return el("figure", {}, grid, el("figcaption", { text: label }));
  }

  function button(text, label) {
    return el("button", { type: "button", class: "md-button explorer-button", ...(label ? { "aria-label": label } : {}),
                          text });
  }

  class Explorer {
    constructor(root, model) {
      this.root = root;
      this.model = model;
      this.data = model.data;
      this.state = { base: null, dx: 0, dy: 0, permuted: false, network: "small_cnn", caption: "", pen: null,
                     last: null };
      this.queue = Promise.resolve();
      this.build();
      this.pick(0);
    }

    build() {
      const d = this.data;
      this.select = el("select", { id: "explorer-pick" });
      d.gallery.forEach((g, k) => this.select.append(el("option", { value: k, text: `${g.label} (validation image ${g.index})` })));
      // Shown (and selected) once the reader clears the canvas: the picker must not name an image no longer there.
      this.drawingOption = el("option", { value: "drawing", text: "Your drawing", hidden: "", disabled: "" });
      this.select.append(this.drawingOption);
      this.canvas = el("canvas", { width: SIZE, height: SIZE, tabindex: 0, class: "explorer-canvas", role: "img",
        "aria-label": "Input image, 32 by 32 pixels", "aria-describedby": "explorer-keys" });
      this.seen = el("canvas", { width: SIZE, height: SIZE, class: "explorer-canvas explorer-seen" });
      this.permBox = el("input", { type: "checkbox", id: "explorer-permute" });
      this.colour = el("input", { type: "color", id: "explorer-colour", value: "#ffffff" });
      const arrows = [["←", "Shift left", -1, 0], ["↑", "Shift up", 0, -1], ["↓", "Shift down", 0, 1], ["→", "Shift right", 1, 0]];
      const shiftButtons = arrows.map(([t, l, dx, dy]) => {
        const b = button(t, l);
        b.addEventListener("click", () => this.shiftBy(dx, dy));
        return b;
      });
      const reset = button("Reset shift"), clear = button("Clear and draw");
      reset.addEventListener("click", () => this.shiftBy(-this.state.dx, -this.state.dy));
      clear.addEventListener("click", () => this.clear());
      this.live = el("p", { class: "explorer-live", role: "status", "aria-live": "polite" });
      this.probs = el("ul", { class: "explorer-probs", "aria-label": "Class probabilities" });
      this.bars = d.class_names.map((name) => {
        const value = el("span", { class: "explorer-value" });
        const bar = el("span", { class: "explorer-bar", "aria-hidden": "true" });
        this.probs.append(el("li", {}, el("span", { class: "explorer-name", text: name }), bar, value));
        return { bar, value };
      });
      this.maps1 = mapFigure("conv1 feature maps (after ReLU), 8 channels, 32×32", 8, 32);
      this.maps2 = mapFigure("conv2 feature maps (after ReLU), 16 channels, 16×16", 16, 16);
      const input = el("div", { class: "explorer-input" },
        el("label", { for: "explorer-pick", text: "Validation image" }), this.select,
        el("figure", {}, this.canvas, el("figcaption", { text: "Input (draw here)" })));
      const controls = el("div", { class: "explorer-controls" },
        el("p", { id: "explorer-keys", class: "explorer-help",
          text: "Draw with the mouse or a finger. With the image focused: arrow keys shift it; P starts the " +
                "keyboard pen (arrows move it, Space paints, Escape stops)." }),
        el("div", { class: "explorer-row", role: "group", "aria-label": "Shift the image" }, ...shiftButtons, reset),
        el("div", { class: "explorer-row" }, el("label", { for: "explorer-colour", text: "Brush colour" }), this.colour, clear),
        el("div", { class: "explorer-row" }, this.permBox,
          el("label", { for: "explorer-permute", text: "Apply the experiment's fixed pixel permutation" })),
        ...this.networkChoice(),
        el("figure", {}, this.seen, el("figcaption", { text: "What the network sees" })));
      // The prediction (probabilities first) sits beside the canvas on wide screens and right under it on phones.
      const output = el("div", { class: "explorer-output" }, this.probs, this.live);
      const maps = el("div", { class: "explorer-layers" }, this.maps1, this.maps2);
      this.root.append(el("div", { class: "explorer-app" }, input, output, controls, maps));
      this.select.addEventListener("change", () => this.pick(Number(this.select.value)));
      this.permBox.addEventListener("change", () => { this.state.permuted = this.permBox.checked; this.update("permute"); });
      this.canvas.addEventListener("keydown", (e) => this.onKey(e));
      this.bindPointer();
    }

    /** A choice of network when the page exported the twin trained on permuted pixels. */
    networkChoice() {
      if (!this.data.models.twin) return [];
      const select = el("select", { id: "explorer-network" },
        el("option", { value: "small_cnn", text: "trained on ordinary images" }),
        el("option", { value: "twin", text: "trained on permuted pixels" }));
      select.addEventListener("change", () => { this.state.network = select.value; this.update("network"); });
      return [el("div", { class: "explorer-row" }, el("label", { for: "explorer-network", text: "Network" }), select)];
    }

    pick(k) {
      const g = this.data.gallery[k];
      this.drawingOption.hidden = this.drawingOption.disabled = true;
      Object.assign(this.state, { base: decodeGalleryImage(g.pixels), dx: 0, dy: 0,
                                  caption: `Validation image ${g.index}, labelled ${g.label}` });
      this.update("pick");
    }

    clear() {
      Object.assign(this.state, { base: new Float32Array(CHANNELS * PIXELS), dx: 0, dy: 0, caption: "Your drawing" });
      this.drawingOption.hidden = this.drawingOption.disabled = false;
      this.select.value = "drawing";
      this.update("draw");
      this.canvas.focus();
    }

    shiftBy(dx, dy) {
      this.state.dx += dx;
      this.state.dy += dy;
      this.update("shift");
    }

    /** Paint one brush dab at displayed pixel (x, y): a plus shape, in base (unshifted) coordinates. */
    paint(x, y) {
      const hex = this.colour.value;
      const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
      for (const [ox, oy] of [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const bx = x + ox - this.state.dx, by = y + oy - this.state.dy;
        if (bx < 0 || by < 0 || bx >= SIZE || by >= SIZE) continue;
        rgb.forEach((v, c) => { this.state.base[c * PIXELS + by * SIZE + bx] = v; });
      }
    }

    bindPointer() {
      let drawing = false;
      const at = (e) => {
        const r = this.canvas.getBoundingClientRect();
        return [Math.floor((e.clientX - r.left) / r.width * SIZE), Math.floor((e.clientY - r.top) / r.height * SIZE)];
      };
      this.canvas.addEventListener("pointerdown", (e) => {
        drawing = true;
        this.canvas.setPointerCapture(e.pointerId);
        this.paint(...at(e));
        this.update("draw");
      });
      this.canvas.addEventListener("pointermove", (e) => { if (drawing) { this.paint(...at(e)); this.update("draw"); } });
      this.canvas.addEventListener("pointerup", () => { drawing = false; });
    }

    onKey(e) {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      const pen = this.state.pen;
      if (moves[e.key]) {
        e.preventDefault();
        e.stopPropagation();
        if (!pen) return this.shiftBy(...moves[e.key]);
        pen[0] = Math.min(SIZE - 1, Math.max(0, pen[0] + moves[e.key][0]));
        pen[1] = Math.min(SIZE - 1, Math.max(0, pen[1] + moves[e.key][1]));
        this.live.textContent = `Pen at column ${pen[0] + 1}, row ${pen[1] + 1}.`;
        return this.paintInput();
      }
      if (e.key === "p" || e.key === "P") {
        e.stopPropagation();  // Material reads "p" as "previous page"
        this.state.pen = pen ? null : [SIZE / 2, SIZE / 2];
        this.live.textContent = pen ? "Keyboard pen off: arrow keys shift the image." :
          "Keyboard pen on at the centre: arrow keys move it, Space paints, Escape stops.";
        this.paintInput();
      } else if (e.key === "Escape" && pen) {
        this.state.pen = null;
        this.live.textContent = "Keyboard pen off: arrow keys shift the image.";
        this.paintInput();
      } else if ((e.key === " " || e.key === "Enter") && pen) {
        e.preventDefault();
        this.paint(pen[0], pen[1]);
        this.update("draw");
      }
    }

    paintInput() {
      paintImage(this.canvas, shift(this.state.base, this.state.dx, this.state.dy));
      const pen = this.state.pen;
      if (pen) {
        const ctx = this.canvas.getContext("2d");
        ctx.strokeStyle = "#ff4081";
        ctx.lineWidth = 0.5;
        ctx.strokeRect(pen[0] - 0.25, pen[1] - 0.25, 1.5, 1.5);
      }
    }

    /** Recompute everything for the current state; runs are queued so they never overlap. */
    update(action) {
      const { base, dx, dy, permuted } = this.state;
      const input = networkInput(base, dx, dy, permuted ? this.data.permutation : null);
      this.state.blank = input.every((v) => v === 0);
      this.paintInput();
      paintImage(this.seen, input);
      const network = this.state.network;
      this.queue = this.queue.then(() => this.model.run(input, network)).then((out) => this.show(action, out));
      return this.queue;
    }

    show(action, out) {
      const names = this.data.class_names;
      const top = topClass(Array.from(out.probs), names);
      this.bars.forEach(({ bar, value }, k) => {
        bar.style.setProperty("--p", out.probs[k].toFixed(4));
        value.textContent = pct(out.probs[k]);
        bar.parentElement.classList.toggle("explorer-top", names[k] === top.name);
      });
      paintMaps(this.maps1.querySelector("div"), out.conv1, out.dims.conv1);
      paintMaps(this.maps2.querySelector("div"), out.conv2, out.dims.conv2);
      const before = action === "pick" ? null : this.state.last;
      this.live.textContent = noteFor(action, this.state, before, top);
      this.state.last = top;
    }
  }

  // ---------------------------------------------------------------- boot: a button, then load on demand

  function boot(root) {
    for (const fallback of root.querySelectorAll(".explorer-fallback")) fallback.hidden = true;
    const start = button("Open the explorer");
    start.classList.add("md-button--primary");
    const status = el("p", { class: "explorer-status", role: "status" });
    root.prepend(el("div", { class: "explorer-start" },
      el("p", { text: "Opening the explorer downloads the trained model and ONNX Runtime Web (about 14 MB, " +
                      "from this site) and runs the network in your browser." }), start, status));
    start.addEventListener("click", async () => {
      start.disabled = true;
      status.textContent = "Loading the model…";
      try {
        const model = await loadModel(root.dataset.artifacts || "artifacts/experiment/");
        root.explorer = new Explorer(root, model);
        await root.explorer.queue;
        status.textContent = "The explorer is ready.";
        root.dataset.ready = "true";
        start.parentElement.hidden = true;
        root.explorer.canvas.focus();
      } catch (err) {
        status.textContent = `The explorer could not start: ${err.message}`;
        start.disabled = false;
        throw err;
      }
    });
  }

  document.querySelectorAll("[data-explorer]").forEach(boot);
})();
