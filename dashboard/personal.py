"""Personal data kept out of views that do not need it: contact fields and phone numbers."""

from __future__ import annotations

import re
from typing import Any, Final

from dashboard.console import mask_phone

# Fields that hold personal data whatever their value; elsewhere, anything phone-like.
PERSONAL: Final = frozenset({"contact", "phone", "mobile", "tel", "reporter", "name", "id_card"})
PHONE_LIKE = re.compile(r"\+?\d[\d \-]{5,}\d")


def mask_text(value: str) -> str:
    """Phone-like digit runs masked (138****1111); the rest as it was."""
    return PHONE_LIKE.sub(lambda m: mask_phone(m.group(0)), value)


def mask_fields(fields: Any) -> Any:
    """A dead letter's fields without personal data: contact fields starred, phones masked."""
    if isinstance(fields, dict):
        return {
            k: ("***" if str(k).lower() in PERSONAL and v not in (None, "") else mask_fields(v))
            for k, v in fields.items()
        }
    if isinstance(fields, list):
        return [mask_fields(v) for v in fields]
    if isinstance(fields, str):
        return mask_text(fields)
    return fields
