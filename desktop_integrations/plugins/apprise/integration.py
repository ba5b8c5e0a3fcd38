"""The integration class of an Apprise service, generated from its schema."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import SecretStr

from desktop_integrations.delivery import DeliveryError, DeliveryPool, Outcome, ServiceIntegration
from desktop_integrations.delivery.context import DELIVERY_ID_HEADER, delivery_id
from desktop_integrations.events import Event
from desktop_integrations.icon_tile import LetterTile, letter_tile
from desktop_integrations.integration import static
from desktop_integrations.lazy_form import LazyConfigForm
from desktop_integrations.plugins.apprise import delivery, url
from desktop_integrations.plugins.apprise.schema import Service


def secret_values(values: Mapping[str, Any]) -> list[str]:
    """Return the plain values of the secret settings among cleaned form values.

    A secret list's entries (``Name: value`` headers) count whole and by their value.
    """
    found = []
    for value in values.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, SecretStr):
                text = item.get_secret_value()
                found.append(text)
                if isinstance(value, list) and ":" in text:
                    found.append(text.partition(":")[2].strip())
    return found


class AppriseIntegration(ServiceIntegration):
    """Sends events to one Apprise service.

    Attributes:
        service: The Apprise service, as its schema describes it.
    """

    service: ClassVar[Service]

    @property
    def icon_static_urls(self) -> Mapping[str, str]:
        """The icons the app ships for this service (``apprise-<scheme>.png``), if any."""
        name = f"apprise-{self.service.protocol}"
        paths = {"1x": static(f"{name}.png"), "2x": static(f"{name}@2x.png")}
        return paths if Path(paths["1x"]).is_file() else {}

    @property
    def icon_tile(self) -> LetterTile:
        """The service's letter on a colour derived from its ID, when no icon is shipped."""
        return letter_tile(self.id, self.name)

    def apprise_url(self, values: Mapping[str, Any]) -> str:
        """Return the Apprise URL of a configuration's cleaned form values.

        Raises:
            AppriseUrlError: The settings make no URL of this service.
        """
        return url.compose(self.service, values)

    def parse_apprise_url(self, text: str) -> dict[str, Any]:
        """Return the form data that an Apprise URL of this service holds.

        Raises:
            AppriseUrlError: The URL is not one of this service's.
        """
        return url.parse(self.service, text)

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """Send the event through Apprise, to the URL the settings make."""
        secrets = secret_values(settings)
        try:
            target = self.apprise_url(settings)
        except url.AppriseUrlError as e:
            raise DeliveryError(delivery.redact(str(e), secrets), attempts=0) from None
        if self.service.takes_headers:  # lets a receiver drop a repeated delivery
            glue = "&" if "?" in target else "?"
            target += f"{glue}+{DELIVERY_ID_HEADER}={quote(delivery_id(), safe='')}"
        return delivery.deliver(target, event, secrets, self.service.name, pool.http.retry)


def _build_form(service: Service) -> Any:
    from desktop_integrations.plugins.apprise.form import build_form

    return build_form(service)


def integration_class(service: Service) -> type[AppriseIntegration]:
    """Return a new integration class for ``service``; its form is built on first use."""
    schemes = " or ".join(f"{scheme}://" for scheme in service.schemes)
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"Sends events to {service.name} through Apprise.",
        "integration_id": service.integration_id,
        "name": service.name,
        "description": f"Sends events to {service.name} through Apprise ({schemes}).",
        "keywords": (*service.schemes, "apprise"),
        "service": service,
        "config_form_cls": LazyConfigForm(lambda: _build_form(service)),
    }
    name = "Apprise" + "".join(c for c in service.protocol.title() if c.isalnum())
    return type(name, (AppriseIntegration,), namespace)
