"""Masking of personal data (phones, CPF, CNPJ, e-mails, CRO and guide/protocol numbers).

Masked text keeps a map back to the original offsets, and masking is idempotent:
placeholders hold no digits, so masking masked text changes nothing.
"""

from __future__ import annotations

import re

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
}

_SEP = r"[ .\-]?"
# Every pattern here runs on whatever a client sends, so each must take time linear in the text.
# An e-mail starts only where a run of local-part characters starts: a match tried from inside
# the run reaches the same "@" and fails the same way, and trying it from every position made
# 'a' * 20,000 + '@' take 1.2 s.
_EMAIL = re.compile(r"(?<![\w.+\-])(?P<email>[\w.+\-]++@[\w\-]++(?:\.[\w\-]++)+)")
# Every alternative starts with a digit, "(", "+" or one of the keywords' first letters; the
# lookahead lets the engine skip all other positions at once. Runs of space are possessive
# (`\s*+`): nothing after one can start with a space, so giving some back never helps a match,
# and trying every split of a long run among three of them took time cubic in its length.
_PATTERN = re.compile(
    r"""
    (?=[\d(+cgsaptCGSAPT])
    (?: (?P<cro>\bCRO\s*+[-/]?\s*+(?:[A-Z]{2}\b)?\s*+[-/:]?\s*+(?:n[º°o]?\.?\s*+)?(?P<cro_no>\d[\d.\-]*\d))
    | (?P<guide>\b(?:guias?|gto|senha|autoriza[çc][ãa]o)\s*+(?:n[º°o]?\.?|n[úu]mero|nr\.?)?\s*+[:#]?\s*+(?P<guide_no>\d[\d.\-/]{2,}\d))
    | (?P<protocol>\b(?:protocolos?|prot\.?|ticket|chamado|atendimento)\s*+(?:n[º°o]?\.?|n[úu]mero|nr\.?)?\s*+[:#]?\s*+(?P<protocol_no>\d[\d.\-/]{2,}\d))
    | (?P<cnpj>(?<![\w/])\d{2}\.?\d{3}\.?\d{3}\s?/\s?\d{4}-?\d{2}(?!\w))
    | (?P<cpf>(?<![\w/])\d{3}\.\d{3}\.\d{3}-?\d{2}(?!\w))
    | (?P<phone>
        (?<![\w/+])
        (?:
          0800[ \-]?\d{3}[ \-]?\d{4}
        | (?:\+\s?55\s?[ .\-]?)?(?:\(\s?0?\d{2}\s?\)|0?\d{2})?\s?(?:9\s?[ .]?\d{4}|\d{4})[ .\-]?\d{4}
        )
        (?![\w/])
      )
    | (?P<number>(?<![\w/])\d[\d.\-]{4,}\d(?![\w/]))
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
    for size in (9, 10):
        total = sum(int(d) * w for d, w in zip(digits[:size], range(size + 1, 1, -1), strict=True))
        if (total * 10 % 11) % 10 != int(digits[size]):
            return False
    return True


def _kind(match: re.Match[str]) -> str:
    kind = match.lastgroup or "number"
    digits = re.sub(r"\D", "", match.group(0))
    before = match.string[max(0, match.start() - 8) : match.start()]
    if kind in ("phone", "number") and _CPF_CONTEXT.search(before):
        return "cpf"
    if kind == "phone" and len(digits) == 11 and _cpf_is_valid(digits) and not digits.startswith("55"):
        # An 11-digit bare run is a mobile or a CPF; a valid check digit decides.
        return "cpf"
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


def mask_aligned(text: AlignedText | str) -> AlignedText:
    """Replace personal data by typed placeholders, keeping the map to the original."""
    aligned = AlignedText.of(text) if isinstance(text, str) else text
    if "@" in aligned.text:
        aligned = aligned.sub(_EMAIL, lambda m: PLACEHOLDERS["email"])
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
