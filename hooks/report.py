"""Report the build's problems; errors make a strict build fail (on_post_build)."""
import logging

from execdocs import lock
from execdocs.state import current

log = logging.getLogger("mkdocs.plugins.execdocs")


def on_post_build(config, **kwargs):
    session = current()
    if session is None:
        return
    for problem in session.problems:
        log.error("%s\n%s", problem.title, problem.detail)
    log.info("execdocs: %s; execution times in %s/execution-times.html", session.summary(), config.site_dir)
    lock.release()
