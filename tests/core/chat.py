"""The integration the store tests save: a chat service with a secret token."""

from __future__ import annotations

from pydantic import SecretStr

from desktop_integrations import Integration, IntegrationConfigForm


class TokenForm(IntegrationConfigForm):
    token: SecretStr = SecretStr("")
    room: str = "general"


class Chat(Integration):
    integration_id = "test.chat"
    name = "Chat"
    config_form_cls = TokenForm
