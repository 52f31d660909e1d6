"""The console's words in English, Dutch and Spanish.

Every page module adds its own strings with `add({key: (en, nl, es)})`; a key given twice
with different words is a mistake and raises. `t(lang, key, **values)` formats one."""

from __future__ import annotations

LANGUAGES = ("en", "nl", "es")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "es": "Español"}

_STRINGS: dict[str, tuple[str, str, str]] = {}


def add(strings: dict[str, tuple[str, str, str]]) -> None:
    """Register `strings` (key -> (English, Dutch, Spanish))."""
    for key, words in strings.items():
        if len(words) != 3 or not all(isinstance(w, str) and w for w in words):
            raise ValueError(f"console string {key!r} needs English, Dutch and Spanish")
        if _STRINGS.get(key, words) != words:
            raise ValueError(f"console string {key!r} is defined twice")
        _STRINGS[key] = words


def t(lang: str, key: str, **values: object) -> str:
    """The words for `key` in `lang` (English when `lang` is unknown), formatted."""
    words = _STRINGS[key][LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    return words.format(**values) if values else words


def keys() -> list[str]:
    return sorted(_STRINGS)
