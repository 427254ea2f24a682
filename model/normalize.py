"""The one text path of the model: what the tokenizer reads, and how words are compared.

`normalize` is the aligned pre-pass every note goes through before spaCy's tokenizer sees it:
personal data masked, lower case, chat and note-taking abbreviations spelled out (vc, pq, dra,
and the slash forms c/, p/, s/), digits as 0. Every character keeps the span of the original
text it stands for, so evidence is shown where the agent wrote it. Accents stay (the
lemmatizer reads them); tokens fold them afterwards (`fold`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from model.alignment import AlignedText
from model.masking import mask_aligned

# Chat and note-taking abbreviations agents and providers use, mapped to the word they stand for
# (after accent folding, so values are unaccented).
ABBREVIATIONS = {
    "vc": "voce",
    "vcs": "voces",
    "q": "que",
    "tb": "tambem",
    "tbm": "tambem",
    "tmb": "tambem",
    "pq": "porque",
    "dra": "doutora",
    "dr": "doutor",
    "drs": "doutores",
    "pct": "paciente",
    "pcte": "paciente",
    "pcts": "pacientes",
    "msg": "mensagem",
    "msgs": "mensagens",
    "hj": "hoje",
    "qdo": "quando",
    "qnd": "quando",
    "td": "tudo",
    "tds": "todos",
    "mt": "muito",
    "mto": "muito",
    "mts": "muitos",
    "dps": "depois",
    "agr": "agora",
    "ngm": "ninguem",
    "obg": "obrigado",
    "ctt": "contato",
    "tel": "telefone",
    "cel": "celular",
    "whats": "whatsapp",
    "wpp": "whatsapp",
    "zap": "whatsapp",
    "clin": "clinica",
    "descred": "descredenciamento",
    "cx": "caixa",
    "pra": "para",
}
# "Dr. Paulo": a title's period is part of the abbreviation, not the end of a sentence.
_TITLE = re.compile(r"\b(dra|drs|dr)\.")
_ABBREVIATION = re.compile(r"\b(?:" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\b")
# "c/ o dr", "p/ sair", "s/ retorno": a lone c, p or s before a slash that a word follows.
_SLASH_ABBREVIATION = re.compile(r"(?<!\w)([scp])/(?=\s|[^\W\d_])")
_SLASH_WORDS = {"s": "sem ", "c": "com ", "p": "para "}
# Digits become "0" so that dates, times and amounts share a few shapes: spaCy's vocabulary
# would otherwise keep every new number a long-running process sees.
_ASCII_DIGIT = re.compile(r"[0-9]")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Every character up to Latin Extended-B (accented Portuguese, Spanish, French...) folded in
# advance: one str.translate instead of a Python step per character.
_FOLD_TABLE = {code: _fold_char(chr(code)) for code in range(0x250)}


def fold(text: str) -> str:
    """Lower case without accents or compatibility forms, for matching ("Régras" -> "regras")."""
    if text.isascii():
        return text.lower()
    folded = text.translate(_FOLD_TABLE)
    if folded.isascii():
        # Every character was in the table (the others are left as they are, and none is ASCII).
        return folded
    return "".join(_fold_char(ch) for ch in text)


def match_key(text: str) -> str:
    """The key two spellings of a label share: folded, punctuation-free, single-spaced."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def _lower_aligned(text: AlignedText) -> AlignedText:
    lowered = text.text.lower()
    if lowered == text.text:
        # Not "no capital letter": a titlecase letter ("ǅ") is not upper case but has a lower one.
        return text
    # Each character lowered on its own: str.lower() gives the same unless a character grows
    # ("İ") or a capital sigma ends a word (str.lower() writes the final form, "ς").
    if len(lowered) == len(text.text) and "Σ" not in text.text:
        return text.replace_text(lowered)
    return text.map_chars({ch: ch.lower() for ch in set(text.text) if ch.lower() != ch})


def _expand_abbreviations(text: AlignedText) -> AlignedText:
    text = text.sub(_TITLE, lambda m: ABBREVIATIONS[m.group(1)])
    text = text.sub(_ABBREVIATION, lambda m: ABBREVIATIONS[m.group(0)])
    return text.sub(_SLASH_ABBREVIATION, lambda m: _SLASH_WORDS[m.group(1)])


def normalize(text: str) -> AlignedText:
    """The text the tokenizer reads: masked, lower case, abbreviations spelled out, digits as 0."""
    aligned = _expand_abbreviations(_lower_aligned(mask_aligned(text)))
    return aligned.replace_text(_ASCII_DIGIT.sub("0", aligned.text))
