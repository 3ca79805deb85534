"""A non-editable install finds every schema, template and sample it ships."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("grantflow-*.whl")
    return built


class TestTheWheel:
    def test_it_carries_the_schemas_templates_samples_and_flows(self, wheel: Path) -> None:
        names = set(zipfile.ZipFile(wheel).namelist())
        for folder in ("schemas", "templates", "samples"):
            shipped = {n for n in names if n.startswith(f"grantflow/_resources/{folder}/")}
            repo = {
                f"grantflow/_resources/{folder}/{p.relative_to(ROOT / folder).as_posix()}"
                for p in (ROOT / folder).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts
            }
            assert repo <= shipped, sorted(repo - shipped)[:5]
        assert "workflows/intake.py" in names
        assert any(n.startswith("grantflow/locale/pl/") for n in names)

    def test_an_installed_copy_finds_its_resources_away_from_the_checkout(
        self, wheel: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "site"
        zipfile.ZipFile(wheel).extractall(target)
        probe = (
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "from grantflow import resources;"
            "from grantflow.validation import form;"
            "print(resources.root()); print(len(form.load('outline').sheets))"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe, str(target)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        root, sheets = done.stdout.split()
        assert Path(root) == target / "grantflow" / "_resources"
        assert sheets == "5"
