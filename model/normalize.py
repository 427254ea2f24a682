"""Text normalisation shared by training and serving: Unicode, accents, chat abbreviations, digits."""

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
_ABBREVIATION = re.compile(r"\b(?:" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\b")
_SLASH_ABBREVIATION = re.compile(r"\b([scp])/(?=\s|[a-z])")
_SLASH_WORDS = {"s": "sem ", "c": "com ", "p": "para "}
_DIGIT = {str(d): "0" for d in range(10)}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Lower case without accents or compatibility forms, for matching ("Régras" -> "regras")."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


def fold_aligned(text: AlignedText) -> AlignedText:
    """`fold`, keeping the map to the original offsets."""
    if text.text.isascii():
        return AlignedText(text.text.lower(), text.starts, text.ends)
    mapping = {ch: _fold_char(ch) for ch in set(text.text) if _fold_char(ch) != ch}
    return text.map_chars(mapping)


def match_key(text: str) -> str:
    """The key two spellings of a label share: folded, punctuation-free, single-spaced."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def expand_abbreviations(text: AlignedText) -> AlignedText:
    """Spell out chat abbreviations (vc, q, tb, pq, dra, pct, p/ ...) in folded text."""
    text = text.sub(_ABBREVIATION, lambda m: ABBREVIATIONS[m.group(0)])
    return text.sub(_SLASH_ABBREVIATION, lambda m: _SLASH_WORDS[m.group(1)])


def normalize(text: str) -> AlignedText:
    """The text features are built from: masked, folded, abbreviations spelled out, digits as 0.

    Digits become "0" so that dates, times and amounts share a few shapes: the spaCy
    vocabulary of a long-running process would otherwise grow with every new number.
    """
    aligned = fold_aligned(mask_aligned(text))
    return expand_abbreviations(aligned).map_chars(_DIGIT)
