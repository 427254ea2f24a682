"""`motivo models`: list, promote against a small trained registry."""

from __future__ import annotations

from click.testing import CliRunner

from service.cli import main


def test_models_list_marks_the_current_version(registry_env):
    result = CliRunner().invoke(main, ["models", "list"])
    assert result.exit_code == 0
    assert f"* {registry_env['version']}" in result.stdout
