"""The interface's commands run the same with or without typer (cli/launch.py's quick launch)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_tui import settings
from audit_tui.cli import app as cli
from audit_tui.cli import launch
from db.reporting.demo import build_demo

runner = CliRunner()


@pytest.fixture
def runs(monkeypatch):
    """What the interface would be started with, instead of starting it."""
    calls: list[tuple[Path | None, str | None, str | None]] = []

    def run_app(path, inspector=None, passphrase=None, reopened=False):
        calls.append((path, inspector, passphrase))

    monkeypatch.setattr(launch, "run_app", run_app)
    return calls


@pytest.fixture
def demo_file(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite", cases=3)


def plain_forms(demo: Path, secret: Path) -> list[list[str]]:
    return [
        [],
        ["open", str(demo)],
        ["open", str(demo), "--inspector", "km"],
        ["open", "--inspector=KM", str(demo)],
        ["open", str(demo), "--passphrase-file", str(secret)],
        ["open", f"--passphrase-file={secret}", "--inspector", "AB", str(demo)],
        ["open", str(demo.with_name("missing.sqlite"))],
        ["demo", "--path", str(demo)],
        ["demo", "--inspector", "jd", f"--path={demo}"],
        ["demo", "--path", str(demo.with_name("nowhere") / "demo.sqlite")],
    ]


def test_plain_command_lines_run_as_typer_runs_them(tmp_path, demo_file, runs, capsys):
    secret = tmp_path / "secret"
    secret.write_text("a long passphrase\n", encoding="utf-8")
    secret.chmod(0o600)
    settings.save(last_file=str(demo_file))
    for argv in plain_forms(demo_file, secret):
        assert launch.plain_command(argv) is not None, argv
        quick_code = launch.quick_launch(argv)
        quick_err = capsys.readouterr().err
        quick_runs = list(runs)
        runs.clear()
        result = runner.invoke(cli, argv)
        assert (quick_code, quick_runs) == (result.exit_code, list(runs)), argv
        assert quick_err == result.stderr, argv
        runs.clear()


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["open", "--help"],
        ["open"],
        ["open", "a.sqlite", "b.sqlite"],
        ["open", "a.sqlite", "--inspector"],
        ["open", "a.sqlite", "--inspector", "AB", "--inspector", "CD"],
        ["open", "a.sqlite", "--insp", "AB"],
        ["open", "a.sqlite", "--inspector", "-x"],
        ["open", "--", "a.sqlite"],
        ["open", "a.sqlite", "--path", "x"],
        ["demo", "extra"],
        ["demo", "--passphrase-file", "x"],
        ["scores", "a.sqlite"],
        ["cases", "list", "a.sqlite"],
    ],
)
def test_anything_else_goes_to_typer(argv):
    assert launch.plain_command(argv) is None


def test_opening_a_file_quickly_loads_neither_typer_nor_pydantic_before_the_app(demo_file):
    code = (
        "import sys\n"
        "import audit_tui.cli.launch as launch\n"
        "def run_app(path, inspector=None, passphrase=None):\n"
        "    heavy = ('typer', 'pydantic', 'sqlite_utils', 'sqlcipher3', 'yaml')\n"
        "    print(sorted(m for m in heavy if m in sys.modules))\n"
        "launch.run_app = run_app\n"
        f"sys.exit(launch.quick_launch(['open', {str(demo_file)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
