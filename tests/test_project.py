"""The project's own promises: CI runs the README's command, ruff is clean,
the command line and the tour work."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ml2learn.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    readme = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", readme)


def test_readme_has_two_setup_commands_installing_torch_first():
    commands = _readme_commands()
    assert len(commands) == 2
    for command in commands:
        assert command.startswith("python -m pip install torch==2.13.0 && ")
    assert commands[0].endswith("python -m ml2learn tour")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_unchanged():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _readme_commands()[1] in ci


def test_ruff_is_clean():
    pytest.importorskip("ruff", reason="ruff is in the [dev] extra")
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "ruff",
                *args,
                "ml2learn",
                "tests",
                "benchmarks",
                "examples",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_tour_quick_prints_a_table(capsys):
    # family names match in any case
    assert main(["tour", "--quick", "--only", "Boosting", "--no-progress"]) == 0
    captured = capsys.readouterr()
    out = captured.out  # the table only; messages go through logging to stderr
    assert captured.err.startswith("ml2learn ") and " tour on " in captured.err
    assert "AdaBoost (stumps): accuracy" in captured.err and "total" in captured.err
    header = next(line for line in out.splitlines() if line.startswith("method"))
    assert re.split(r"\s{2,}", header.strip()) == [
        "method", "data set", "CV score", "metric", "fit seconds", "best",
    ]  # fmt: skip
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("---"))
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[start + 1 :]]
    assert len(rows) == 7  # the boosting family only
    assert all(float(row[2]) > 0.3 for row in rows)
    assert {row[3] for row in rows} == {"accuracy", "R^2"}
    assert all("=" in row[5] and "__" not in row[5] for row in rows)


def test_tour_rejects_unknown_family_before_the_banner(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["tour", "--only", "nonsense", "--no-progress"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "invalid choice: 'nonsense'" in captured.err and "boosting" in captured.err
    assert "tour on" not in captured.out + captured.err


def test_version_and_program_name(capsys, monkeypatch):
    import ml2learn

    with pytest.raises(SystemExit):
        main(["--version"])
    assert (
        capsys.readouterr().out.strip() == f"python -m ml2learn {ml2learn.__version__}"
    )
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/ml2learn", "--version"])
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("ml2learn ")


def test_module_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "ml2learn", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "tour" in result.stdout


def test_readme_python_examples_run_as_printed():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.+?)\n```", readme, re.S)
    assert len(blocks) == 3
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
