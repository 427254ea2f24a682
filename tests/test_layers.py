"""The layers depend one way: service -> training -> model. Every import counts, also inside
functions and relative ones (resolved against the module's package)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
# A package and the top-level packages it must never import.
FORBIDDEN = {"model": {"training", "service"}, "training": {"service"}}


def imported_packages(path: Path) -> set[str]:
    """The top-level packages `path` imports anywhere in its body."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer):
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[layer])
        for path in sorted((ROOT / layer).rglob("*.py"))
    }
    assert not {k: v for k, v in offending.items() if v}


def test_the_check_sees_function_local_and_relative_imports(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    module = tmp_path / "model" / "sub" / "thing.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f():\n    from service import db\n\nfrom ...training import x\n")
    assert imported_packages(module) == {"service", "training"}
