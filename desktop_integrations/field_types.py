"""Field types for configuration forms that pydantic does not provide."""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

__all__ = ["REQUIRED", "RequiredText"]


class _RequiredMarker:
    """Marks a field that refuses an empty value even when it has a default."""

    def __repr__(self) -> str:
        return "REQUIRED"


#: Found in a field's metadata when the field must not be left empty.
REQUIRED: Final = _RequiredMarker()


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise PydanticCustomError("required", "This field is required.")
    return value


RequiredText = Annotated[str, AfterValidator(_not_blank), REQUIRED]
"""Text that must be filled in, as a Django ``CharField(required=True)``.

Surrounding whitespace is stripped, and an empty or whitespace-only value is
refused with "This field is required." (``min_length=1`` lets ``" "``
through). The dialog marks the field as required even when it has a default::

    client_id: RequiredText = Field(title="Client ID")
"""
