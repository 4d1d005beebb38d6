"""Run every page's code blocks before MkDocs renders anything (on_pre_build).

The engine's state lives in ``execdocs.workspace`` (keyed by the config file), so the
warm zygote survives ``mkdocs serve`` rebuilds; ``make serve`` also watches the project
code and snippets the pages import.  ``Settings.disabled`` builds without executing anything
(``execdocs.settings`` lists every setting).
"""
import logging
from pathlib import Path

from execdocs import workspace

log = logging.getLogger("mkdocs.plugins.execdocs")


def on_pre_build(config, **kwargs):
    workspace.workspace(config.config_file_path).run(config.docs_dir, config.site_dir, log.info)


def on_serve(server, config, builder, **kwargs):
    workspace.workspace(config.config_file_path).zygote.warm_up()
    root = Path(config.config_file_path).resolve().parent
    for name in ("src", "snippets"):
        if (root / name).is_dir():
            server.watch(str(root / name))
    return server


def on_shutdown(**kwargs):
    workspace.close_all()
