"""The GitHub Actions workflow, checked by real validators and by the facts the site relies on.

``check-jsonschema``'s built-in GitHub-workflow schema catches syntax and shape errors a YAML
parse would accept; ``zizmor`` (offline) audits security: least-privilege permissions,
injectable expressions, unpinned actions, credentials left in checkouts.  Each validator is
also shown a deliberately broken copy, so a validator that silently passes everything fails
the test.  The Makefile's CI switches (CPU torch index, shard, targeted accept) are checked
with ``make -n``: what would run, without running it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
BIN = Path(sys.executable).parent
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
MAIN_PUSH = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def load(text: str | None = None) -> dict:
    return yaml.safe_load(WORKFLOW.read_text() if text is None else text)


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in the virtualenv (pinned in requirements.lock; run make env)")
    return str(path)


def check_schema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True)


def zizmor(path: Path) -> list[dict]:
    proc = subprocess.run([tool("zizmor"), "--offline", "--no-progress", "--format", "json", str(path)],
                          capture_output=True, text=True)
    assert proc.stdout.strip(), f"zizmor printed nothing (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout)


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = WORKFLOW.read_text()
    assert old in text, f"the workflow no longer contains {old!r}; update this test's mutation"
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    path = folder / "site.yml"
    path.write_text(text.replace(old, new, 1))
    return path


# --------------------------------------------------------------------------- validators

def test_workflow_matches_githubs_schema():
    proc = check_schema(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_validator_rejects_a_broken_workflow(tmp_path):
    bad = broken_copy(tmp_path, "runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04")
    assert check_schema(bad).returncode != 0


def test_zizmor_finds_nothing_of_high_severity():
    findings = zizmor(WORKFLOW)
    high = [f"{f['ident']}: {f['desc']}" for f in findings if f["determinations"]["severity"] == "High"]
    assert not high, high
    assert not findings, [f"{f['ident']} ({f['determinations']['severity']}): {f['desc']}" for f in findings]


def test_zizmor_catches_an_injectable_expression(tmp_path):
    bad = broken_copy(tmp_path, 'run: make site SHARD="$SHARD"',
                      'run: echo "${{ github.event.pull_request.title }}" && make site SHARD="$SHARD"')
    findings = zizmor(bad)
    assert any(f["ident"] == "template-injection" and f["determinations"]["severity"] == "High"
               for f in findings), findings


# --------------------------------------------------------------------------- structure

def test_every_action_is_pinned_to_a_commit():
    uses = re.findall(r"uses:\s*([^\s#]+)", WORKFLOW.read_text())
    assert uses
    unpinned = [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", u)]
    assert not unpinned, unpinned


def test_permissions_are_least_privilege():
    wf = load()
    assert wf["permissions"] == {}
    for name, job in wf["jobs"].items():
        granted = job.get("permissions", {})
        writes = {k for k, v in granted.items() if v == "write"}
        assert writes <= ({"pages", "id-token"} if name == "deploy" else set()), (name, granted)


def test_shards_are_a_matrix_whose_size_matches_their_k_of_n():
    shard = load()["jobs"]["shard"]
    shards = shard["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) >= 2
    step = next(s for s in shard["steps"] if "SHARD" in s.get("env", {}))
    assert step["env"]["SHARD"] == "${{ matrix.shard }}/%d" % len(shards)
    assert "make site SHARD=" in step["run"]
    upload = next(s for s in shard["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert "matrix.shard" in upload["with"]["name"]
    assert upload["with"]["path"].rstrip("/") == load()["env"]["EXECDOCS_CACHE"]


def test_merge_job_needs_every_shard_then_builds_strictly_and_tests():
    site = load()["jobs"]["site"]
    assert site["needs"] in ("shard", ["shard"])
    assert site["if"] == "${{ !cancelled() }}"  # a failed shard still gets its drift report
    runs = [s.get("run", "") for s in site["steps"]]
    merge = next(i for i, r in enumerate(runs) if "cp -a shards/" in r)
    build = next(i for i, r in enumerate(runs) if r.strip() == "make site")
    tests = next(i for i, r in enumerate(runs) if "make test" in r)
    download = next(i for i, s in enumerate(site["steps"]) if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download < merge < build < tests
    report = next(s for s in site["steps"] if s.get("with", {}).get("path") == "drift-report/")
    assert report["if"] == "failure()"


def test_deploy_only_from_main_after_the_site_job():
    wf = load()
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] in ("site", ["site"])
    assert deploy["if"] == MAIN_PUSH
    pages = next(s for s in wf["jobs"]["site"]["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert pages["if"] == MAIN_PUSH
    assert set(triggers(wf)) == {"pull_request", "push", "workflow_dispatch"}
    assert triggers(wf)["push"]["branches"] == ["main"]


def test_runners_use_cpu_torch_and_playwrights_chromium():
    wf = load()
    text = WORKFLOW.read_text()
    assert wf["env"]["TORCH_INDEX"] == CPU_INDEX
    assert "apt-get install" not in text  # Ubuntu's chromium is a snap shim that does not run there
    assert "playwright install --with-deps chromium" in text
    test_step = next(s for s in wf["jobs"]["site"]["steps"] if "make test" in s.get("run", ""))
    assert "EXECDOCS_CHROMIUM" in test_step["run"] and "executable_path" in test_step["run"]


# --------------------------------------------------------------------------- Makefile switches

def make_dry(*args: str) -> str:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    proc = subprocess.run(["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_torch_index_switch_installs_cpu_wheels_and_drops_cuda_packages(tmp_path):
    default = make_dry("env", f"VENV={tmp_path}/v")
    assert "--index-url" not in default and "cat requirements.lock" in default
    ci = make_dry("env", f"VENV={tmp_path}/v", f"TORCH_INDEX={CPU_INDEX}")
    torch_line = next(line for line in ci.splitlines() if "torch==" in line)
    assert f"--index-url {CPU_INDEX}" in torch_line and "torchvision==" in torch_line
    filter_line = next(line for line in ci.splitlines() if "requirements.lock >" in line)
    filtered = subprocess.run(filter_line.split(" > ")[0], shell=True, cwd=ROOT, capture_output=True,
                              text=True).stdout.splitlines()
    assert "torch==2.14.1" in filtered and "torchvision==0.29.1" in filtered
    assert not [p for p in filtered if re.match(r"(nvidia-|cuda-|triton==)", p)]
    assert len(filtered) > 50  # everything else of the lock stays


def test_shard_and_targeted_accept_reach_the_engine():
    assert "-m execdocs shard run 2/3" in make_dry("site", "SHARD=2/3")
    assert "mkdocs build --strict" in make_dry("site")
    accept = make_dry("accept", "PAGES=docs/a.md docs/sub/b.md snippets/c.py")
    assert 'EXECDOCS_ACCEPT_PAGES="a.md sub/b.md ../snippets/c.py"' in accept  # the engine's page names
    assert "EXECDOCS_ACCEPT=1" in accept and "build --strict" in accept
    assert 'EXECDOCS_ACCEPT_PAGES=""' in make_dry("accept")  # without PAGES: every page


def test_lock_pins_the_validators():
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    for name in ("check-jsonschema", "zizmor"):
        assert any(re.fullmatch(rf"{name}==[\w.]+", line) for line in lock), name


def test_chromium_target_uses_the_browser_ci_names_instead_of_apt():
    """On GitHub's runners EXECDOCS_CHROMIUM names Playwright's Chromium: `make chromium` (a
    prerequisite of `make test`) must check it and never reach for apt-get."""
    def chromium(path: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "-s", "chromium"], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, EXECDOCS_CHROMIUM=path, PATH="/usr/bin:/bin"))

    if not shutil.which("make"):
        pytest.skip("make is not installed")
    assert chromium(shutil.which("true") or "/bin/true").returncode == 0
    missing = chromium("/nonexistent/chrome")
    assert missing.returncode != 0 and "EXECDOCS_CHROMIUM=/nonexistent/chrome is not executable" in missing.stdout
