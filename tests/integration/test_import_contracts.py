"""The import-linter contracts catch what docs/architecture.md forbids.

Each case copies the packages to tmp_path, adds one forbidden import and
runs ``lint-imports`` on the copy: a contract that cannot fail checks nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lint_with(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    for package in ("grantflow", "workflows"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    lint_imports = shutil.which("lint-imports")
    assert lint_imports, "import-linter is part of the test extras"
    return subprocess.run(
        [lint_imports, "--config", str(tmp_path / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )


class TestTheContractsBite:
    @pytest.mark.parametrize(
        ("module", "line", "reported"),
        [
            # Message formatting is the adapters' job, in validation too.
            (
                "grantflow/validation/sheets.py",
                "import babel",
                "grantflow.validation.sheets -> babel",
            ),
            # Every CLI module is above the engine, not only grantflow.cli.
            (
                "grantflow/domain/names.py",
                "import grantflow.cli.operator",
                "grantflow.domain.names -> grantflow.cli.operator",
            ),
            # The composition root is above the adapters it wires.
            (
                "grantflow/adapters/files.py",
                "import grantflow.bootstrap",
                "grantflow.adapters.files -> grantflow.bootstrap",
            ),
            # No cycle, even inside one layer and through a function-level import:
            # the shared options must not reach into a command module.
            (
                "grantflow/cli/common.py",
                "def _cycle() -> None:\n    import grantflow.cli.flows",
                "allowed in grantflow.cli.",
            ),
            (
                "workflows/store.py",
                "def _cycle() -> None:\n    import workflows.review",
                "allowed in workflows.",
            ),
            # The flows are checked too: they never reach up into the CLI.
            ("workflows/review.py", "import grantflow.cli", "workflows.review -> grantflow.cli"),
            # Nothing in the engine starts a flow.
            (
                "grantflow/samples/outlines.py",
                "import workflows.demo.flow",
                "grantflow.samples.outlines -> workflows.demo.flow",
            ),
            # The engine never reads sample data: only commands, the demo and tests do.
            (
                "grantflow/services/review.py",
                "import grantflow.samples.outlines",
                "grantflow.services.review -> grantflow.samples.outlines",
            ),
            # Validation never reaches up to the wiring that calls it.
            (
                "grantflow/validation/rules.py",
                "import grantflow.checking",
                "grantflow.validation.rules -> grantflow.checking",
            ),
        ],
    )
    def test_a_forbidden_import_breaks_a_contract(
        self, tmp_path: Path, module: str, line: str, reported: str
    ) -> None:
        result = _lint_with(tmp_path, module, line)
        assert result.returncode == 1, result.stdout + result.stderr
        assert reported in result.stdout
