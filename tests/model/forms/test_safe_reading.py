"""Hostile Word files: each is reported with its reason, and the other files of the folder are still read."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from model.forms.files import FailedImport, import_forms
from tests.docx_forms import build_form_docx

ROOT = Path(__file__).parents[3]
# `motivo import-forms FOLDER`, then this process's own peak resident size on stderr's last line.
# VmHWM, not getrusage's ru_maxrss: a child forked from a large pytest process keeps the
# parent's high-water mark in ru_maxrss across exec, and the test then failed when it ran late.
MEASURED_IMPORT = """
import re, sys
from pathlib import Path
from service.cli import main
try:
    main(["import-forms", sys.argv[1]])
finally:
    peak = re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)
    sys.stderr.write(f"\\npeak_kb {peak}")
"""


def rewrite_part(docx: Path, part: str, write) -> Path:
    """A copy of `docx` in which `part` is replaced by what `write(handle)` writes."""
    target = docx.with_name(f"{docx.stem}-{part.replace('/', '_')}.docx")
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename == part:
                with out.open(part, "w", force_zip64=True) as handle:
                    write(handle)
            else:
                out.writestr(item, source.read(item))
    return target


@pytest.fixture
def folder(tmp_path, seed_new_text, seed_old_text) -> Path:
    """A folder with one good .txt, one good .docx and a template .docx to damage."""
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "a_good.txt").write_text(seed_old_text, encoding="utf-8")
    build_form_docx(forms / "b_good.docx", seed_new_text)
    build_form_docx(tmp_path / "template.docx", seed_new_text)
    return forms


def imported(folder: Path) -> tuple[list[str], dict[str, str]]:
    results = list(import_forms([folder]))
    good = [r["id"] for r in results if not isinstance(r, FailedImport)]
    failed = {Path(r.source).name: r.message for r in results if isinstance(r, FailedImport)}
    return good, failed


def test_a_docx_with_truncated_xml_is_reported_and_the_others_imported(folder):
    template = folder.parent / "template.docx"
    with zipfile.ZipFile(template) as archive:
        xml = archive.read("word/document.xml")
    broken = rewrite_part(template, "word/document.xml", lambda h: h.write(xml[: len(xml) // 2]))
    broken.rename(folder / "c_truncated.docx")
    good, failed = imported(folder)
    assert good == ["a_good", "b_good"]
    assert "word/document.xml is not well-formed XML" in failed["c_truncated.docx"]


def test_a_docx_with_an_entity_expansion_is_refused(folder):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(f'<!ENTITY a{i} "{("&a;" if i == 0 else f"&a{i - 1};") * 10}">'.encode() for i in range(9))
        + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&a8;</w:t></w:r></w:p></w:body></w:document>"
    )
    bomb = rewrite_part(folder.parent / "template.docx", "word/document.xml", lambda h: h.write(laughs))
    bomb.rename(folder / "c_laughs.docx")
    good, failed = imported(folder)
    assert good == ["a_good", "b_good"]
    assert "declares a DTD or entities" in failed["c_laughs.docx"]


def test_a_zip_bomb_is_refused_in_bounded_time_and_memory(folder):
    """1 MB that unpacks to 400 MB of XML: refused from the archive's directory, nothing inflated."""

    def write(handle) -> None:
        handle.write(
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        )
        chunk = b"<w:p><w:r><w:t>aaaaaaaaaaaaaaaa</w:t></w:r></w:p>" * 20_000
        for _ in range(400 * 1024 * 1024 // len(chunk)):
            handle.write(chunk)
        handle.write(b"</w:body></w:document>")

    bomb = rewrite_part(folder.parent / "template.docx", "word/document.xml", write)
    bomb.rename(folder / "c_bomb.docx")
    assert (folder / "c_bomb.docx").stat().st_size < 5 * 1024 * 1024
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED_IMPORT, str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    seconds = time.monotonic() - started
    peak_mb = int(done.stderr.rsplit("peak_kb ", 1)[1]) / 1024
    assert done.returncode == 1
    assert "c_bomb.docx" in done.stderr and "zip bomb" in done.stderr
    assert [line.count('"id"') for line in done.stdout.splitlines()] == [1, 1]  # the two good forms
    assert peak_mb <= 500, f"peak resident {peak_mb:.0f} MB"
    assert seconds < 60, f"{seconds:.1f} s"
