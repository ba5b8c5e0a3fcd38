"""SecretUrl: a URL that is a credential.

A chat service's webhook URL carries its token in the path, and any URL may
carry ``user:password@``. Such a URL is stored encrypted, masked in the dialog
and left out of exports, like a ``SecretStr``; where it has to be named (a log
line, an error message) it shows as ``scheme://host/…`` at most.
"""

from __future__ import annotations

from typing import Any

from pydantic import GetCoreSchemaHandler, SecretStr
from pydantic_core import core_schema

from desktop_integrations.redaction import redact_url, redact_urls

__all__ = ["SecretUrl", "redact_url", "redact_urls"]


class SecretUrl(SecretStr):
    """An http or https URL that is a credential, such as a chat webhook's URL.

    It validates as a URL and behaves as a ``SecretStr``: the value is
    encrypted at rest, masked in the dialog (with a Show button) and left out
    of exports unless secrets are asked for. ``get_secret_value()`` returns
    the URL; ``str()`` and ``repr()`` show only ``scheme://host/…``::

        webhook_url: SecretUrl = Field(title="Webhook URL")
    """

    def _display(self) -> str:
        return redact_url(self.get_secret_value())

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Validate the text (or a secret holding it) as an http(s) URL."""

        def unwrap(value: Any) -> Any:
            return value.get_secret_value() if isinstance(value, SecretStr) else value

        url = core_schema.url_schema(allowed_schemes=["http", "https"], host_required=True)
        validate = core_schema.no_info_before_validator_function(
            unwrap, core_schema.no_info_after_validator_function(lambda u: cls(str(u)), url)
        )
        return core_schema.json_or_python_schema(
            python_schema=validate,
            json_schema=validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value, info: str(value) if info.mode == "json" else value,
                info_arg=True,
                when_used="unless-none",
            ),
        )
