"""gettext through babel: ``_()`` marks every user-facing string for extraction.

The source language is Simplified Chinese; catalogues in resources/locale may translate it (e.g. for
a Uyghur or Tibetan interface). Without a catalogue ``_()`` returns the text unchanged.
"""

from __future__ import annotations

import gettext

from desktop import paths

DOMAIN = "tribunal_desk"


def _load() -> gettext.NullTranslations:
    try:
        localedir = paths.resources_dir() / "locale"
    except FileNotFoundError:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(localedir), fallback=True)


_translations = _load()


def _(message: str) -> str:
    return _translations.gettext(message)
