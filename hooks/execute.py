"""Run every page's code blocks before MkDocs renders anything (on_pre_build).

EXECDOCS_DISABLE=1 builds the same pages without executing anything (benchmarks).
"""
import logging
import os

from execdocs import lock
from execdocs.build import prepare
from execdocs.state import settings_from_env, stop

log = logging.getLogger("mkdocs.plugins.execdocs")


def on_pre_build(config, **kwargs):
    if os.environ.get("EXECDOCS_DISABLE"):
        stop()
        return
    settings = settings_from_env(config.docs_dir, config.config_file_path)
    lock.acquire(settings.cache_dir, log.info)
    prepare(settings, log.info)
