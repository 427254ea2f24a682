"""CSV and XLSX exports as QA receives them: Excel-Brazil CSV (`;`, cp1252), UTF-8 with a BOM,
tabs, forced encodings and separators, and XLSX read as a stream of chunks."""

from __future__ import annotations

import pandas as pd
import pytest

from training.audit import spreadsheets
from training.audit.inputs import AuditRow, BadRow, Columns, read_audit_input
from training.audit.spreadsheets import detect_delimiter, detect_encoding

HEADER = ["Protocolo", "Contato 1", "Obs Geral", "Motivos", "Colaborador"]
ROWS = [
    ["F-1", "Dr. João reclamou das glosas e da redução", "ligação às 10h", "Glosas", "Conceição"],
    ["F-2", "Dra. vai se aposentar; encerra a clínica", "", "Aposentou", "Sebastião"],
]


def write_csv(path, encoding: str, delimiter: str, bom: bool = False) -> None:
    lines = [delimiter.join(HEADER)] + [
        delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row) for row in ROWS
    ]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def audited(rows) -> list[AuditRow]:
    bad = [r for r in rows if isinstance(r, BadRow)]
    assert bad == []
    return rows


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom", "found"),
    [
        ("cp1252", ";", False, "cp1252"),  # Excel in Brazil: "CSV (separado por vírgulas)"
        ("utf-8", ";", True, "utf-8-sig"),  # Excel's "CSV UTF-8"
        ("utf-8", ",", False, "utf-8"),
        ("utf-8", "\t", False, "utf-8"),
        ("latin-1", ",", False, "cp1252"),  # the same bytes as cp1252 for Portuguese text
    ],
)
def test_encoding_and_separator_are_found(tmp_path, encoding, delimiter, bom, found):
    path = tmp_path / "export.csv"
    write_csv(path, encoding, delimiter, bom)
    assert detect_encoding(path) == found
    rows = audited(list(read_audit_input([path])))
    assert [r.case["id"] for r in rows] == ["F-1", "F-2"]
    assert rows[0].case["observations"] == ["Dr. João reclamou das glosas e da redução"]
    assert rows[0].case["general_note"] == "ligação às 10h"
    assert rows[1].case["observations"] == ["Dra. vai se aposentar; encerra a clínica"]  # quoted `;`
    assert [r.agent for r in rows] == ["Conceição", "Sebastião"]
    assert rows[0].case["reasons"] == ["glosas"]


def test_a_late_non_utf8_byte_makes_the_whole_file_cp1252(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "_SCAN_BYTES", 64)  # the byte lies beyond the first block
    path = tmp_path / "late.csv"
    path.write_bytes(
        ("id;obs_1\n" + "".join(f"{i};nota comum\n" for i in range(50))).encode()
        + "9;ação\n".encode("cp1252")
    )
    assert detect_encoding(path) == "cp1252"
    rows = audited(list(read_audit_input([path])))
    assert rows[-1].case["observations"] == ["ação"]


def test_bytes_cp1252_leaves_undefined_mean_latin_1(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"id,obs_1\n1,caf\xe9 \x81\n")
    assert detect_encoding(path) == "latin-1"


def test_the_separator_is_read_from_the_header_line():
    assert detect_delimiter("id;obs_1;motivos\r\n") == ";"
    assert detect_delimiter("id,obs_1,motivos\n") == ","
    assert detect_delimiter("id\tobs_1\tmotivos\n") == "\t"
    assert detect_delimiter('"a;b",c,d\n') == ","  # a quoted `;` is not a separator
    assert detect_delimiter("obs_1\n") == ","


def test_encoding_and_separator_can_be_forced(tmp_path):
    path = tmp_path / "export.csv"
    write_csv(path, "cp1252", ";")
    forced = Columns(encoding="utf-8", delimiter=";")
    (bad,) = read_audit_input([path], forced)
    assert isinstance(bad, BadRow) and bad.whole_input and "cannot read CSV" in bad.reason
    rows = audited(list(read_audit_input([path], Columns(encoding="cp1252", delimiter=";"))))
    assert rows[0].case["general_note"] == "ligação às 10h"
    (unknown,) = read_audit_input([path], Columns(encoding="klingon"))
    assert unknown.reason == "unknown encoding 'klingon'"


def test_xlsx_is_streamed_in_chunks_with_spreadsheet_row_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "CHUNK_ROWS", 2)
    path = tmp_path / "forms.xlsx"
    rows = [{"id": 101 + i, "obs_1": f"Dr. {i} vai se aposentar", "motivos": "Aposentou"} for i in range(5)]
    rows.insert(2, {"id": None, "obs_1": None, "motivos": None})  # a blank row inside the sheet
    pd.DataFrame(rows).to_excel(path, index=False)

    frames = list(spreadsheets.xlsx_frames(path))
    assert [len(f) for f in frames] == [2, 2, 2]  # chunks, never the whole sheet at once
    read = list(read_audit_input([path]))
    good = [r for r in read if isinstance(r, AuditRow)]
    assert [r.case["id"] for r in good] == ["101", "102", "103", "104", "105"]  # integers, not "101.0"
    (blank,) = [r for r in read if isinstance(r, BadRow)]
    assert blank.source.endswith(":4")  # the blank row keeps the numbering


def test_a_corrupt_xlsx_is_one_clear_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    (bad,) = read_audit_input([path])
    assert bad.whole_input and bad.reason.startswith("cannot read XLSX")
