"""Masking of personal data (phones, CPF, CNPJ, e-mails, CRO and guide/protocol numbers).

Masked text keeps a map back to the original offsets, and masking is idempotent:
placeholders hold no digits, so masking masked text changes nothing.
"""

from __future__ import annotations

import re
from operator import mul

from model.alignment import AlignedText

PLACEHOLDERS = {
    "email": "<EMAIL>",
    "cnpj": "<CNPJ>",
    "cpf": "<CPF>",
    "phone": "<PHONE>",
    "cro": "<CRO>",
    "guide": "<GUIDE>",
    "protocol": "<PROTOCOL>",
    "number": "<NUMBER>",
    "name": "<NAME>",
}

# Every pattern here runs on whatever a client sends, so each must take time linear in the text
# (tests/model/test_masking.py feeds them 100,000-character pathological inputs).
# Invisible characters (zero-width spaces and joiners, soft hyphen, BOM) are dropped and other
# Unicode spaces (no-break, thin, figure...) read as a space, so that "529\u200b982..." or
# "98765\u00a04321" are the numbers they look like.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]+")
_SPACES = dict.fromkeys(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
)
# Most notes have none: one scan for them is ~15x cheaper than translating every note.
_ODD_SPACE = re.compile("[" + "".join(_SPACES) + "]")
_AT = r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|arroba)\s*[)\]}]\s*|\s+(?:at|arroba)\s+)"
_DOT = r"(?:\.|\s*[(\[{]\s*(?:dot|ponto)\s*[)\]}]\s*|\s+(?:dot|ponto)\s+)"
# Plain and spelled-out addresses: joao@x.com, joao @ x.com, joao(at)x(dot)com, joao arroba x ponto com.
_EMAIL = re.compile(
    rf"(?P<email>(?<![\w.+\-])[\w.+\-]*\w{_AT}[\w\-]+(?:{_DOT}[A-Za-z]{{2,}}\b)+)", re.IGNORECASE
)
# People's names: capitalised words after a title (Dr., Dra., Sr., Dona...), after a role
# (secretária, filha, advogado...) or after "falei com (a)". A name written in lower case, or
# without such a word before it, is not recognised (the model's vocabulary drops it anyway:
# features.py leaves out every word seen as a name anywhere in the training texts).
_NAME_WORD = r"[A-ZÁÉÍÓÚÂÊÔÃÕÇ][a-záéíóúâêôãõçü]+"
# The titles a name may follow ("Dra. Ana", "Profª Lia"); model.segments never cuts a note after one.
TITLE = r"(?:[Dd]r[aª]?|[Dd]outora?|[Ss]r[at]?a?|[Ss]enhora?|[Dd]ona|[Pp]rof[aª]?|[Pp]rofessora?)"
# The lookahead (the first letters of the words before a name) lets the engine skip most
# positions at once.
_NAME = re.compile(
    r"\b(?=[DdSsPpRrFfEeMmIiAaGgCcLl])"
    rf"(?:\b{TITLE}\.?\s+"
    r"|\b(?:secret[áa]ri[oa]|recepcionista|filh[oa]|espos[oa]|marido|irm[ãa]o?|s[óo]ci[oa]|assistente|auxiliar"
    r"|gerente|analista|administrador[a]?|advogad[oa]|atendente|dentista)\s+(?:[oa]\s+)?"
    r"|\b(?:fal(?:ei|ou|amos)|convers(?:ei|ou|amos)|contatei|liguei\s+para)\s+com\s+(?:[oa]\s+)?)"
    rf"(?P<name_no>{_NAME_WORD}(?:\s+(?:d[aeo]s?\s+)?{_NAME_WORD}){{0,3}})"
)
_EMAIL_HINT = re.compile(r"@|\b(?:at|arroba)\b", re.IGNORECASE)
# Every alternative starts with a digit, "(", "+" or, at a word's start, one of the keywords'
# first letters; the lookahead lets the engine skip all other positions at once. Runs of space
# are possessive (`\s*+`): nothing after one can start with a space, so giving some back never
# helps a match, and trying every split of a long run among three of them took time cubic in
# its length.
_PATTERN = re.compile(
    r"""
    (?=[\d(+]|\b[cgsaptCGSAPT])
    (?: (?P<cro>\bCRO\s*+[-/]?\s*+(?:[A-Z]{2}\b)?\s*+[-/:]?\s*+(?:n[º°o]?\.?\s*+)?(?P<cro_no>\d[\d.\-]*\d))
    | (?P<guide>\b(?:guias?|gto|senha|autoriza[çc][ãa]o)\s*+(?:n[º°o]?\.?|n[úu]mero|nr\.?)?\s*+[:#]?\s*+(?P<guide_no>\d[\d.\-/]{2,}\d))
    | (?P<protocol>\b(?:protocolos?|prot\.?|ticket|chamado|atendimento)\s*+(?:n[º°o]?\.?|n[úu]mero|nr\.?)?\s*+[:#]?\s*+(?P<protocol_no>\d[\d.\-/]{2,}\d))
    | (?P<cnpj>(?<![\w/])\d{2}\.?\d{3}\.?\d{3}\s?/\s?\d{4}-?\d{2}(?!\w))
    | (?P<cpf>(?<![\w/])\d{3}\.\d{3}\.\d{3}-?\d{2}(?!\w))
    | (?P<grouped>(?<![\w/+])\+?\d{2,5}(?:[ .\-]\d{2,5}){2,5}(?![\w/]))
    | (?P<phone>
        (?<![\w/+])
        (?:
          0800[ \-]?\d{3}[ \-]?\d{4}
        | (?:\+\s?55\s?[ .\-]?)?(?:\(\s?0?\d{2}\s?\)|0?\d{2})?\s?(?:9\s?[ .]?\d{4}|\d{4})[ .\-]?\d{4}
        )
        (?![\w/])
      )
    | (?P<number>(?:(?<![\w/+])\+\s?|(?<![\w/]))\d[\d.\-]{4,}\d(?![\w/]))
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_BARE_14 = re.compile(r"\d{14}")
_CPF_CONTEXT = re.compile(r"cpf\W{0,3}$", re.IGNORECASE)


def _cpf_is_valid(digits: str) -> bool:
    if len(digits) != 11 or digits == digits[0] * 11:
        return False
    values = [int(d) for d in digits]
    for size in (9, 10):
        total = sum(map(mul, values[:size], range(size + 1, 1, -1)))
        if (total * 10 % 11) % 10 != values[size]:
            return False
    return True


def _grouped_kind(text: str, digits: str) -> str:
    """Digits in groups of 2-5 (spaced CPF/CNPJ, international phones): told apart by their count."""
    if len(digits) == 14:
        return "cnpj"
    if len(digits) == 11 and _cpf_is_valid(digits) and not text.startswith("+"):
        return "cpf"
    if text.startswith("+") or 8 <= len(digits) <= 13:
        return "phone"
    return ""  # a time, a list of small numbers


def _kind(match: re.Match[str]) -> str:
    kind = match.lastgroup or "number"
    digits = re.sub(r"\D", "", match.group(0))
    if kind == "grouped":
        before = match.string[max(0, match.start() - 8) : match.start()]
        return "cpf" if _CPF_CONTEXT.search(before) else _grouped_kind(match.group(0), digits)
    before = match.string[max(0, match.start() - 8) : match.start()]
    if kind in ("phone", "number") and _CPF_CONTEXT.search(before):
        return "cpf"
    if kind == "phone" and len(digits) == 11 and _cpf_is_valid(digits) and not digits.startswith("55"):
        # An 11-digit bare run is a mobile or a CPF; a valid check digit decides.
        return "cpf"
    if kind == "number" and match.group(0).startswith("+"):
        return "phone"
    if kind == "number" and _BARE_14.fullmatch(digits):
        return "cnpj"
    if kind == "number" and len(digits) < 6:
        return ""
    return kind


def _replace(match: re.Match[str]) -> str | tuple[int, int, str]:
    kind = _kind(match)
    if not kind:
        return match.group(0)
    if kind in ("cro", "guide", "protocol"):
        # Keep the keyword ("guia", "CRO"): it carries meaning; only the number is personal.
        start, end = match.span(f"{kind}_no")
        return start, end, PLACEHOLDERS[kind]
    return PLACEHOLDERS[kind]


def _name_replacement(match: re.Match[str]) -> tuple[int, int, str]:
    start, end = match.span("name_no")
    return start, end, PLACEHOLDERS["name"]


def names_in(text: str) -> set[str]:
    """The words recognised as people's names in `text` (for keeping them out of a vocabulary)."""
    return {word for match in _NAME.finditer(text) for word in re.findall(_NAME_WORD, match.group("name_no"))}


def mask_aligned(text: AlignedText | str) -> AlignedText:
    """Replace personal data by typed placeholders, keeping the map to the original."""
    aligned = AlignedText.of(text) if isinstance(text, str) else text
    aligned = aligned.sub(INVISIBLE, "")
    if _ODD_SPACE.search(aligned.text):
        aligned = aligned.map_chars(_SPACES)
    if _EMAIL_HINT.search(aligned.text):
        aligned = aligned.sub(_EMAIL, lambda m: PLACEHOLDERS["email"])
    aligned = aligned.sub(_NAME, _name_replacement)
    # A replacement can expose a new boundary next to leftover digits; repeat to a fixed point.
    for _ in range(4):
        if not _DIGIT.search(aligned.text):
            break
        masked = aligned.sub(_PATTERN, _replace)
        if masked.text == aligned.text:
            break
        aligned = masked
    return aligned


def mask(text: str) -> str:
    """The text with personal data replaced by typed placeholders (`<PHONE>`, `<CPF>`, ...)."""
    return mask_aligned(text).text
