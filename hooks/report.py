"""Report the build's problems; errors make a strict build fail (on_post_build).

With problems, drift-report/index.html (beside mkdocs.yml; EXECDOCS_DRIFT_REPORT moves
it) shows them with diffs and images; a clean build removes an old report.
"""
import logging
import os
from pathlib import Path

from execdocs.render import drift_report
from execdocs.workspace import workspace

log = logging.getLogger("mkdocs.plugins.execdocs")


def on_post_build(config, **kwargs):
    ws = workspace(config.config_file_path)
    ws.finish()
    if ws.session is None:
        return
    for problem in ws.session.problems:
        log.error("%s\n%s", problem.title, problem.detail)
    folder = os.environ.get("EXECDOCS_DRIFT_REPORT") or Path(config.config_file_path).parent / "drift-report"
    report = drift_report.publish(ws.session.problems, Path(folder), Path(config.docs_dir), Path(config.site_dir))
    if report is not None:
        log.warning("drift report: %s", report)
    log.info("execdocs: %s; execution times in %s/execution-times.html", ws.session.summary(), config.site_dir)
