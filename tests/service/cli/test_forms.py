"""`motivo import-forms`: one JSON line per form, per-file errors, an exit code that tells."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from service.cli import main
from tests.conftest import SEED_NEW, SEED_OLD


def test_import_of_the_seed_folder_prints_two_valid_lines():
    result = CliRunner().invoke(main, ["import-forms", str(SEED_NEW.parent)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["000_adf6e87cc6378ee1", "001_2f660eb100fe042a"]
    assert records[1]["judicializacao"] is True and records[1]["reasons"] == []
    assert set(records[0]) == {
        "id",
        "source",
        "observations",
        "general_note",
        "reasons",
        "judicializacao",
        "status",
        "form",
    }


def test_a_bad_file_is_named_and_the_rest_still_imported(tmp_path):
    shutil.copy(SEED_OLD, tmp_path / "a.txt")
    (tmp_path / "b.txt").write_text("isto não é um formulário", encoding="utf-8")
    shutil.copy(SEED_NEW, tmp_path / "c.txt")
    result = CliRunner().invoke(main, ["import-forms", str(tmp_path)])
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "c"]
    assert "b.txt: not a retention form" in result.stderr


def test_a_missing_path_fails_with_its_name(tmp_path):
    result = CliRunner().invoke(main, ["import-forms", str(tmp_path / "none.txt")])
    assert result.exit_code == 1
    assert "none.txt: no such file" in result.stderr
