"""Serve onnxruntime-web from the site itself (on_files): its script and .wasm, from node_modules.

Why here: the explorer must request nothing from another host, and only the explorer page
loads these files (on demand), so copying them costs other pages nothing. `make npm`
installs them with `npm ci` from package-lock.json.
"""
import logging
from pathlib import Path

from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.vendor")
ORT_DIST = Path(__file__).resolve().parents[1] / "node_modules" / "onnxruntime-web" / "dist"
# source name in the package -> name on the site (.js: every static host serves it as JavaScript)
ORT_FILES = {"ort.wasm.bundle.min.mjs": "assets/ort/ort.wasm.bundle.min.js",
             "ort-wasm-simd-threaded.wasm": "assets/ort/ort-wasm-simd-threaded.wasm"}


def on_files(files, config, **kwargs):
    for source, target in ORT_FILES.items():
        path = ORT_DIST / source
        if not path.is_file():
            log.warning("onnxruntime-web is not installed (%s missing): run `make npm` (npm ci); "
                        "the explorer page cannot run its model without it", path)
            continue
        files.append(File.generated(config, target, abs_src_path=str(path)))
    return files
