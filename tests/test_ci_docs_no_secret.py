"""docs/ci.md: each report job publishes the merged report and JUnit without the signing secret (audit s22 §1).

A pull request from a fork (GitHub) or an unprotected branch (GitLab: the variable is protected) gets no secret:
the recipes wrote an empty key and ``report --sign`` refused it (GitHub, exit 3), or ``chmod ''`` stopped the job
(GitLab) — no book, no ``junit.xml``. Here the report job's whole script runs, its key lines included, as the CI
runs it (``bash -e``; GitHub's ``$GITHUB_ENV`` carried from step to step), with the secret and without it.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
from pathlib import Path

import pytest
from test_ci_docs import DOC, ROOT, definitions, jobs

SECRET = re.compile(r"\$\{\{\s*secrets\.TESTBENCH_SIGNING_KEY\s*\}\}")  # the step's env value
INSTALL = ("apt-get", "pip install")  # the runner's set-up: testbench is installed here already


@pytest.fixture(scope="module")
def shard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One shard session (one case) for the job to merge, made once."""
    folder = tmp_path_factory.mktemp("shard")
    run = ["testbench", "run", str(ROOT / "casebooks" / "demo.xml"), "--session", "shard-1-try1.tbsession"]
    run += ["--shard", "1/1", "-k", "id:DEMO-FSE-001", "--cards", "inprocess"]
    done = subprocess.run(run, env=environment(folder), cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "shard-1-try1.tbsession"


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_LANG", "TESTBENCH_SIGNING_KEY")}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    env["HOME"] = str(home)
    return env


def github(folder: Path, env: dict[str, str], secret: str) -> list[subprocess.CompletedProcess[str]]:
    """The report job's ``run`` steps in order, each in ``bash -e``, its ``env`` with the secret filled in;
    what a step appends to ``$GITHUB_ENV`` is in the next steps' environment, as on a runner."""
    runner_temp, github_env = folder / "runner-temp", folder / "github-env"
    runner_temp.mkdir()
    github_env.touch()
    env |= {"RUNNER_TEMP": str(runner_temp), "GITHUB_ENV": str(github_env)}
    done = []
    for step in jobs("github")["report"]["steps"]:
        if "run" not in step or any(word in step["run"] for word in INSTALL):
            continue
        own = {name: SECRET.sub(lambda _: secret, value) for name, value in step.get("env", {}).items()}
        assert "${{" not in step["run"] + "".join(own.values()), step
        done.append(_bash(step["run"], folder, env | own))
        if done[-1].returncode != 0:
            break
        env |= dict(line.split("=", 1) for line in github_env.read_text().splitlines() if "=" in line)
    return done


def gitlab(folder: Path, env: dict[str, str], secret: str) -> list[subprocess.CompletedProcess[str]]:
    """The report job's script in one ``bash -e``, as GitLab runs it; the key a File variable (GitLab writes
    its value to a file, the path in the variable), absent when the branch gets no protected variable."""
    script = [line for line in jobs("gitlab")["report"]["script"] if not any(word in line for word in INSTALL)]
    if secret:
        env = env | {"TESTBENCH_SIGNING_KEY": str(_file_variable(folder, secret))}
    return [_bash("\n".join(script), folder, env)]


def gitlab_base64(folder: Path, env: dict[str, str], secret: str) -> list[subprocess.CompletedProcess[str]]:
    """The same job with the doc's masked Base64 variant: its decoding lines in place of the ``chmod`` line."""
    (decode,) = [b for b in re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S) if "_B64" in b]
    script = [line for line in jobs("gitlab")["report"]["script"] if not any(word in line for word in INSTALL)]
    script = [decode if "chmod" in line else line for line in script]
    if secret:
        env = env | {"TESTBENCH_SIGNING_KEY_B64": base64.b64encode(secret.encode()).decode()}
    return [_bash("\n".join(script), folder, env)]


def _file_variable(folder: Path, secret: str) -> Path:
    key = folder / "gitlab-file-variable"
    key.write_text(secret, encoding="utf-8")
    key.chmod(0o644)  # the runner's file: the job makes it its owner's only
    return key


def _bash(script: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("signed", [True, False], ids=["secret", "no-secret"])
@pytest.mark.parametrize("ci", ["github", "gitlab", "gitlab-base64"])
def test_the_report_job_publishes_the_book_and_junit_with_or_without_the_secret(
    ci: str, signed: bool, shard: Path, tmp_path: Path
) -> None:
    assert definitions()[ci.split("-")[0]]  # both definitions are in the doc
    (tmp_path / shard.name).write_bytes(shard.read_bytes())  # the shard job's artifact, downloaded
    env = environment(tmp_path)
    secret = ""
    if signed:  # the CI's secret: the PEM of testbench keys init
        key = tmp_path / "made" / "signer.pem"
        keys = ["testbench", "keys", "init", "--key", str(key)]
        subprocess.run(keys, env=env, cwd=tmp_path, check=True, capture_output=True)
        secret = key.read_text(encoding="utf-8")
    done = {"github": github, "gitlab": gitlab, "gitlab-base64": gitlab_base64}[ci](tmp_path, env, secret)
    said = "".join(d.stdout + d.stderr for d in done)
    assert all(d.returncode == 0 for d in done), said
    assert (tmp_path / "exam-report" / "index.html").is_file() and (tmp_path / "junit.xml").is_file(), said
    if signed:
        assert "INTÈGRE" in said and "NON SIGNÉ" not in said
    else:
        assert "NON SIGNÉ" in said and "INTÈGRE" not in said
        assert "clé" not in said.replace("NON SIGNÉ", "")  # no refused key on the way
