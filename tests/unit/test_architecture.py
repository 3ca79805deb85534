"""The import direction of docs/architecture.md holds without anyone remembering it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class TestImportDirection:
    def test_the_import_linter_contracts_are_kept(self) -> None:
        lint_imports = shutil.which("lint-imports")
        assert lint_imports, "import-linter is part of the test extras: pip install -e '.[test]'"
        result = subprocess.run(
            [lint_imports, "--config", str(ROOT / "pyproject.toml")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_the_domain_imports_only_the_standard_library_and_itself(self) -> None:
        # A second, independent check: import-linter only sees modules it can resolve.
        stdlib = set(sys.stdlib_module_names) | {"__future__"}
        offenders = []
        for module in (ROOT / "grantflow" / "domain").glob("*.py"):
            for line in module.read_text(encoding="utf-8").splitlines():
                words = line.split()
                if len(words) >= 2 and words[0] in {"import", "from"}:
                    top = words[1].split(".")[0]
                    if top not in stdlib and not words[1].startswith("grantflow.domain"):
                        offenders.append(f"{module.name}: {line.strip()}")
        assert offenders == []
