"""Errors a person can cause.

Every refusal names the field (in Chinese, as the user sees it) and what is wrong, so the GUI can put
the message next to the field and the CLI can print it as is.
"""

from __future__ import annotations


class ValidationError(ValueError):
    """A value a person typed is not acceptable.

    ``field`` is the user-visible field label (e.g. "案号"), ``message`` says what is wrong with it.
    ``str(err)`` is the full sentence "案号：……".
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}：{message}")
        self.field = field
        self.message = message
