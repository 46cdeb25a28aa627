"""plantrack.core must stay plain Python: no module under it may import Django."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "src" / "plantrack" / "core"


def django_imports(source: str) -> list[str]:
    """Return the Django modules ``source`` imports (``import``/``from … import``, any depth)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.extend(name for name in names if name.split(".")[0] == "django")
    return found


def test_the_checker_catches_every_import_form() -> None:
    source = (
        "import os\n"
        "import django\n"
        "from django.db import models\n"
        "def f():\n"
        "    import django.conf as c\n"
        "from djangoish import x\n"
    )
    assert django_imports(source) == ["django", "django.db", "django.conf"]


def test_core_package_is_where_the_walker_looks() -> None:
    assert (CORE / "__init__.py").is_file()
    assert len(list(CORE.rglob("*.py"))) >= 6


def test_no_core_module_imports_django() -> None:
    offenders = {
        str(path.relative_to(CORE)): imports
        for path in sorted(CORE.rglob("*.py"))
        if (imports := django_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
