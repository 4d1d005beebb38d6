"""Report the build's problems; errors make a strict build fail (on_post_build)."""
import logging

from execdocs.workspace import workspace

log = logging.getLogger("mkdocs.plugins.execdocs")


def on_post_build(config, **kwargs):
    ws = workspace(config.config_file_path)
    ws.finish()
    if ws.session is None:
        return
    for problem in ws.session.problems:
        log.error("%s\n%s", problem.title, problem.detail)
    log.info("execdocs: %s; execution times in %s/execution-times.html", ws.session.summary(), config.site_dir)
