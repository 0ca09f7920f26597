"""docs/ci.md: the GitHub Actions and GitLab CI definitions' testbench commands work, in order (issue 16 §5)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ci.md"
SHARDS = 2  # the matrix, smaller than the documented one

#: each definition's matrix variables: (the shard's number, the number of shards)
VARIABLES = {
    "github": (r"\$\{\{ matrix\.shard \}\}", r"\$\{\{ strategy\.job-total \}\}"),
    "gitlab": (r"\$CI_NODE_INDEX", r"\$CI_NODE_TOTAL"),
}


def definitions() -> dict[str, str]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return {"github" if "runs-on:" in b else "gitlab": b for b in blocks}


def commands(definition: str) -> list[str]:
    """The definition's testbench command lines, in order (``- run: testbench …`` or ``- testbench …``)."""
    lines = [re.sub(r"^- (run: )?", "", line.strip()) for line in definition.splitlines()]
    return [line for line in lines if line.startswith("testbench ")]


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_documented_pipeline_runs_and_its_report_verifies(ci: str, tmp_path: Path) -> None:
    definition = definitions()[ci]
    index, total = VARIABLES[ci]
    (tmp_path / "casebooks").symlink_to(ROOT / "casebooks")  # the repository's checkout
    key = tmp_path / "signer.pem"
    env = {k: v for k, v in os.environ.items() if k != "TESTBENCH_LANG"}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    env["TESTBENCH_SIGNING_KEY"] = str(key)  # the CI's secret
    subprocess.run(["testbench", "keys", "init"], env=env, cwd=tmp_path, check=True, capture_output=True)
    ran = []
    for line in commands(definition):
        shards = range(1, SHARDS + 1) if re.search(index, line) else [None]
        for k in shards:
            command = re.sub(total, str(SHARDS), re.sub(index, str(k), line))
            done = subprocess.run(
                ["bash", "-c", command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
            )
            # the shard with the demo's case that fails on purpose exits 1; everything else must succeed
            assert done.returncode in ((0, 1) if k else (0,)), f"{command}\n{done.stdout}{done.stderr}"
            ran.append(command.split()[1])
    assert ran == ["run"] * SHARDS + ["merge", "report", "verify"]
    assert "INTÈGRE" in done.stdout and "NON SIGNÉ" not in done.stdout  # the last command: verify
    assert (tmp_path / "junit.xml").is_file()


def jobs(definition: str) -> dict[str, str]:
    """The definition's top-level jobs (a line ``name:`` at the jobs' indentation) and their text."""
    body = definition.split("\njobs:\n", 1)[-1]  # GitHub's jobs sit under ``jobs:``, GitLab's at the top
    indent = "  " if "\njobs:\n" in definition else ""
    parts = re.split(rf"^{indent}([a-z][\w-]*):\n", body, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_merge_and_report_job_runs_even_when_a_shard_failed() -> None:
    """A failing case makes its shard's job fail; the report job must still run, on every shard's session
    (the failure is what the report must show), and the shards must upload their sessions anyway."""
    github = jobs(definitions()["github"])
    assert set(github) == {"shard", "report"}
    assert re.search(r"^    needs: shard\n    if: always\(\)$", github["report"], re.M)
    upload = github["shard"].split("actions/upload-artifact")[1]
    assert re.match(r"@v\d+\n\s+if: always\(\)\n", upload) and "shard-${{ matrix.shard }}.tbsession" in upload
    assert "fail-fast: false" in github["shard"]  # one failing shard does not cancel the others
    gitlab = jobs(definitions()["gitlab"])
    assert {"shard", "report"} <= set(gitlab)
    assert re.search(r"^  when: always$", gitlab["report"], re.M) and "needs: [shard]" in gitlab["report"]
    artifacts = gitlab["shard"].split("artifacts:")[1]
    assert re.match(r"\n    when: always\n", artifacts) and "shard-*.tbsession" in artifacts
