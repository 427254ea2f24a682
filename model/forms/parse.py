"""Reading a "Formulário - Processo de Retenção" exported as text into a structured case."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from model.normalize import match_key
from model.taxonomy import Taxonomy, UnknownLabelError, load_taxonomy

TICKED = "☒☑✓✔■⊠"
UNTICKED = "☐□"
_GLYPHS = TICKED + UNTICKED
_OPTION = re.compile(rf"([{_GLYPHS}])[ \t]*([^{_GLYPHS}\n]*)")


class FormParseError(ValueError):
    """The file is not a retention form, or is cut short."""


def _anchor(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


TITLE = _anchor(r"Formul[aá]rio\s*-\s*Processo\s+de\s+Reten[cç][aã]o")
# The sections every complete form prints, in order; a missing one means a truncated file.
SECTIONS = {
    "status": _anchor(r"Status\s+reten[cç][aã]o"),
    "acao": _anchor(r"A[cç][aã]o\s+(?:de\s+)?Reten[cç][aã]o"),
    "motivo": _anchor(r"Motivos?\s+(?:de\s+|do\s+)?desligamento"),
    "protocolo": _anchor(r"Necess[aá]rio\s+abertura\s+de\s+protocolo"),
    "geral": _anchor(r"Obs\.?\s*Geral"),
    "setor": _anchor(r"Se[c]?tor\s+respons[aá]vel"),
}
# A contact's heading line. Linear: it starts only on the heading's own line (`^\s*` started at
# every blank line before it, quadratic in a run of blank lines) and takes the whole rest of the
# line as the date; callers strip both, so the blank lines around it change nothing.
CONTACT = _anchor(r"(?m)^[^\S\n]*+([1-5])\s*+[º°o]?\s*+contato\b[ \t]*+(?:Data)?[ \t]*+(?P<date>[^\n]*+)\n")
OBS = _anchor(r"Obs\.?\s*:")
ATENDE = _anchor(r"Atende\s+outros\s+conv[eê]nios")
# The printed rule before the justification; only where it ends matters. Linear: it starts at the
# word itself (a leading `\**\s*` was tried from every position of a run of spaces or
# asterisks) and looks at most 200 characters ahead for "OUTROS" (the printed line has 30).
JUSTIFICATION = _anchor(r"OBR?IGAT[OÓ]RIO\s++JUSTIFICATIVA[^\n]{0,200}?OUTROS\W*+")

# Header labels in the order the form prints them, with the key each value gets.
HEADER_FIELDS = [
    (r"Qtd\.?\s+CRO\(?s\)?", "qtd_cros"),
    (r"Colaborador", "colaborador"),
    (r"Data", "data"),
    (r"Operadora", "operadora"),
    (r"CRO", "cro"),
    (r"UF", "cro_uf"),
    (r"Nome\s+dentista", "nome_dentista"),
    (r"CNPJ", "cnpj"),
    (r"CPF", "cpf"),
    (r"Data\s+inclus[aã]o", "data_inclusao"),
    (r"Tipo", "tipo"),
    (r"Demandado\s+por\??", "demandado_por"),
    (r"N[º°o]?\s*do\s+protocolo", "numero_protocolo"),
    (r"Dt\.?\s+abertura\s+protocolo", "data_abertura_protocolo"),
    (r"UF", "uf"),
    (r"Cidade", "cidade"),
    (r"n[º°o]?\s*de\s+vidas", "numero_vidas"),
    (r"n[º°o]?\s*CRO\(?S\)?\s+[uú]nicos\s+divulgados", "numero_cros_unicos_divulgados"),
    (r"Atende\s+outros\s+conv[eê]nios", None),
    (r"Quais\?", "outros_convenios_quais"),
    (r"Moeda", "moeda"),
    (r"[UÚ]ltima\s+produ[cç]\.?(?:[aã]o)?", "ultima_producao"),
    (r"Valor\s+[uú]ltima\s+prod\.?(?:u[cç][aã]o)?", "valor_ultima_producao"),
    (r"Data\s+in[ií]cio", "data_inicio"),
    (r"Data\s+final", "data_final"),
    (r"Tempo\s+finaliza[cç][aã]o", "tempo_finalizacao"),
]
_HEADER = [(re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE), key) for p, key in HEADER_FIELDS]
SECTOR_OPTIONS = {
    "t i": "ti",
    "central de atendimento": "central_de_atendimento",
    "analise tecnica": "analise_tecnica",
    "comercial": "comercial",
}


@dataclass(frozen=True)
class _Option:
    start: int
    ticked: bool
    text: str


def _clean(text: str) -> str:
    """Field text without checkbox runs and with runs of blank space folded."""
    text = _OPTION.sub(" ", text) if any(g in text for g in _GLYPHS) else text
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\u00a0", " ")


def _find_sections(text: str) -> dict[str, re.Match[str]]:
    if not text.strip():
        raise FormParseError("the file is empty")
    title = TITLE.search(text)
    if title is None:
        raise FormParseError("not a retention form: no 'Formulário - Processo de Retenção' title")
    found: dict[str, re.Match[str]] = {}
    position = title.end()
    missing = []
    for name, pattern in SECTIONS.items():
        match = pattern.search(text, position)
        if match is None:
            missing.append(name)
            continue
        found[name] = match
        position = match.end()
    if missing:
        raise FormParseError(f"truncated form: sections not found: {', '.join(missing)}")
    return found


def _options(text: str, start: int, end: int) -> list[_Option] | None:
    """The checkbox options printed in text[start:end], or None when the boxes carry no marks."""
    options = [
        _Option(m.start(), m.group(1) in TICKED, m.group(2).strip())
        for m in _OPTION.finditer(text, start, end)
        if m.group(2).strip()
    ]
    return options or None


def _ticked(options: list[_Option] | None) -> list[str] | None:
    return None if options is None else [o.text for o in options if o.ticked]


def _yes_no(options: list[_Option] | None) -> bool | None:
    ticked = _ticked(options)
    if not ticked:
        return None
    keys = {match_key(t) for t in ticked}
    return None if keys == {"sim", "nao"} else "sim" in keys


def _contacts(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    dates: list[str] = []
    matches = list(CONTACT.finditer(text, start, end))
    for i, match in enumerate(matches):
        stop = matches[i + 1].start() if i + 1 < len(matches) else end
        body = text[match.end() : stop]
        obs = OBS.search(body)
        notes.append(_clean(body[obs.end() :] if obs else body))
        dates.append(_clean(match.group("date") or ""))
    return notes, dates


def _header(text: str, start: int, end: int) -> dict[str, str]:
    """Header values: the text between one printed label and the next."""
    located = []
    position = start
    for pattern, key in _HEADER:
        match = pattern.search(text, position, end)
        if match is None:
            continue
        located.append((match, key))
        position = match.end()
    fields: dict[str, str] = {}
    for i, (match, key) in enumerate(located):
        stop = located[i + 1][0].start() if i + 1 < len(located) else end
        if key is not None:
            fields[key] = _clean(text[match.end() : stop])
    return fields


def _reasons(options: list[_Option] | None, taxonomy: Taxonomy) -> tuple[list[str] | None, bool | None]:
    if options is None:
        return None, None
    reasons: list[str] = []
    flag = False
    for option in options:
        try:
            code = taxonomy.code(option.text)
        except UnknownLabelError as error:
            raise FormParseError(f"unknown box {option.text!r} under 'Motivo desligamento'") from error
        if code == taxonomy.flag.code:
            flag = option.ticked
        elif code in taxonomy.reason_codes:
            if option.ticked:
                reasons.append(code)
        else:
            raise FormParseError(f"box {option.text!r} does not belong under 'Motivo desligamento'")
    return reasons, flag


def _status(options: list[_Option] | None, taxonomy: Taxonomy) -> str | None:
    ticked = _ticked(options) or []
    codes = []
    for text in ticked:
        try:
            codes.append(taxonomy.code(text))
        except UnknownLabelError as error:
            raise FormParseError(f"unknown box {text!r} under 'Status retenção'") from error
    if any(code not in taxonomy.status_codes for code in codes):
        raise FormParseError(f"boxes {ticked} do not belong under 'Status retenção'")
    return codes[0] if len(codes) == 1 else None


def _version(text: str, start: int, end: int, taxonomy: Taxonomy) -> str:
    """v2 when the reasons section prints a box only the newer form has."""
    printed = match_key(text[start:end])
    newer_only = set(taxonomy.codes_of_version("v2")) - set(taxonomy.codes_of_version("v1"))
    labels = [match_key(taxonomy.label(code)) for code in newer_only]
    return "v2" if any(re.search(rf"\b{re.escape(label)}\b", printed) for label in labels) else "v1"


def parse_form(text: str, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The case a form's text holds: notes, general note, ticked boxes (None when unmarked), other fields.

    Raises FormParseError for text that is not a retention form or is cut short.
    """
    taxonomy = taxonomy or load_taxonomy()
    text = _prepare(text)
    sections = _find_sections(text)
    title_end = TITLE.search(text).end()
    status_at, acao_at, motivo_at = (sections[k] for k in ("status", "acao", "motivo"))
    protocolo_at, geral_at, setor_at = (sections[k] for k in ("protocolo", "geral", "setor"))

    notes, dates = _contacts(text, status_at.end(), acao_at.start())
    if not notes:
        raise FormParseError(
            "truncated form: no 'Nº contato' boxes between 'Status retenção' and 'Ação Retenção'"
        )
    first_contact = CONTACT.search(text, status_at.end(), acao_at.start())
    reasons, flag = _reasons(_options(text, motivo_at.end(), protocolo_at.start()), taxonomy)

    acao_text = text[acao_at.end() : motivo_at.start()]
    justification = JUSTIFICATION.search(acao_text)
    atende = ATENDE.search(text, title_end, status_at.start())
    atende_options = _options(text, atende.end(), status_at.start()) if atende else None
    sector = _ticked(_options(text, setor_at.end(), len(text)))

    form: dict[str, Any] = {
        "version": _version(text, motivo_at.end(), protocolo_at.start(), taxonomy),
        "fields": _header(text, title_end, status_at.start()),
        "contact_dates": dates,
        "atende_outros_convenios": _yes_no(atende_options),
        "acao_retencao": _ticked(_options(text, acao_at.end(), motivo_at.start())),
        "acao_retencao_justificativa": _clean(acao_text[justification.end() :]) if justification else "",
        "necessario_abertura_protocolo": _yes_no(_options(text, protocolo_at.end(), geral_at.start())),
        "setor_responsavel": None
        if sector is None
        else [SECTOR_OPTIONS.get(match_key(s), s) for s in sector],
    }
    return {
        "observations": notes,
        "general_note": _clean(text[geral_at.end() : setor_at.start()]),
        "reasons": reasons,
        "judicializacao": flag,
        "status": _status(_options(text, status_at.end(), first_contact.start()), taxonomy),
        "form": form,
    }
