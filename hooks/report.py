"""Report the build's problems; errors make a strict build fail (on_post_build).

With problems, drift-report/index.html (beside mkdocs.yml; ``Settings.report_dir`` moves
it) shows them with diffs and images; a clean build removes an old report.  The guard
(``execdocs.render.site_guard``) adds a problem for every built page with python blocks that
lacks the engine's outputs.
"""
import logging
from pathlib import Path

from execdocs.render import drift_report
from execdocs.render.site_guard import unexecuted
from execdocs.workspace import workspace

log = logging.getLogger("mkdocs.plugins.execdocs")


def on_post_build(config, **kwargs):
    ws = workspace(config.config_file_path)
    ws.finish()
    if ws.build is None or ws.settings is None:
        return
    problems = ws.build.problems + unexecuted(ws.build.pages.values(), Path(config.site_dir))
    for problem in problems:
        log.error("%s\n%s", problem.title, problem.detail)
    report = drift_report.publish(problems, ws.settings.report_dir, Path(config.docs_dir), Path(config.site_dir))
    if report is not None:
        log.warning("drift report: %s", report)
    log.info("execdocs: %s; execution times in %s/execution-times.html", ws.build.summary(), config.site_dir)
