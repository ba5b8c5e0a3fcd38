"""ServiceIntegration: the base of integrations that send events to a service."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import Future
from typing import Any, ClassVar

from pydantic import Field, ValidationError

from desktop_integrations.conditions import Conditions
from desktop_integrations.config import IntegrationConfig
from desktop_integrations.delivery.outbox import start_routing, stop_routing
from desktop_integrations.delivery.pool import DeliveryPool, get_delivery_pool
from desktop_integrations.delivery.record import Delivery, Outcome
from desktop_integrations.events import Event
from desktop_integrations.forms import IntegrationConfigForm
from desktop_integrations.hooks import Hook
from desktop_integrations.integration import Integration, static

logger = logging.getLogger(__name__)

#: The event "Send test event" sends.
TEST_EVENT_KIND = "desktop_integrations.test"


def make_test_event() -> Event:
    """Return the event sent by "Send test event"."""
    return Event(
        kind=TEST_EVENT_KIND,
        title="Test event from desktop-integrations",
        body="If you can read this, the configuration works.",
        fields={"Sent by": "desktop-integrations"},
    )


def service_fieldsets(
    where_fields: tuple[str, ...],
    where_description: str,
    what_description: str = "Choose which events are sent: every one, or those that "
    "match the rules.",
) -> tuple[Any, ...]:
    """Return the fieldsets of a service form: "What To Post", then "Where To Post"."""
    return (
        ("What To Post", {"description": what_description, "fields": ("conditions",)}),
        ("Where To Post", {"description": where_description, "fields": where_fields}),
    )


class ServiceConfigForm(IntegrationConfigForm):
    """Base of the forms of service integrations: adds the ``conditions`` field."""

    conditions: Conditions = Field(
        default_factory=Conditions,
        title="Conditions",
        description="Which events to send: always, or only those that match all or any "
        "of the rules.",
    )


class OutboxHook(Hook):
    """Routes emitted events to the owner's configurations through the outbox.

    While the hook is active, :func:`~desktop_integrations.events.emit` queues
    one delivery per enabled configuration of the owner whose conditions
    match; the delivery pool's workers send them with :meth:`ServiceIntegration.send`.
    """

    def initialize(self) -> None:
        """Start routing events to the owner."""
        start_routing(self.owner)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        """Stop routing events to the owner."""
        stop_routing(self.owner)  # type: ignore[arg-type]


class ServiceIntegration(Integration):
    """An integration that sends every emitted event to its service.

    While enabled, each emitted event is queued in the store's outbox for every
    enabled configuration whose ``conditions`` match, and the delivery pool's
    workers send it with the configuration's validated settings (settings that
    no longer validate make a failed delivery). Subclasses implement
    :meth:`send`.

    Attributes:
        icon_name: The name of its icons in the application's resources:
            ``<icon_name>.png`` and ``<icon_name>@2x.png``.
    """

    icon_name: ClassVar[str] = ""

    @property
    def icon_static_urls(self) -> Mapping[str, str]:
        """The 1x and 2x icons named after :attr:`icon_name`."""
        if not self.icon_name:
            return {}
        return {"1x": static(f"{self.icon_name}.png"), "2x": static(f"{self.icon_name}@2x.png")}

    def initialize(self) -> None:
        """Start receiving emitted events through the outbox."""
        OutboxHook(self)

    def accepts(self, config: IntegrationConfig, event: Event) -> bool:
        """Return whether ``config``'s conditions send ``event``.

        Runs in the emitting thread. Conditions that do not validate send the
        event, so the delivery fails and the log names the problem.
        """
        raw = config.get("conditions")
        if raw is None:
            return True
        cache: dict[int, tuple[Any, Conditions | None]] = self.__dict__.setdefault(
            "_conditions_cache", {}
        )
        key = id(config)
        cached = cache.get(key)
        if cached is None or cached[0] is not raw:
            try:
                conditions = raw if isinstance(raw, Conditions) else Conditions.model_validate(raw)
            except ValidationError:
                conditions = None
            if len(cache) > 4096:  # configurations reloaded many times over
                cache.clear()
            cached = cache[key] = (raw, conditions)
        return cached[1] is None or cached[1].matches(event)

    def deliver(
        self,
        config: IntegrationConfig,
        event: Event,
        *,
        check_conditions: bool = False,
        pool: DeliveryPool | None = None,
    ) -> Future[Delivery] | None:
        """Send ``event`` through ``config`` at once, outside the outbox.

        For a configuration that may not be saved (the dialog's Send Test
        Event); emitted events go through the outbox instead. Settings that no
        longer validate make a failed delivery that names the fields at fault,
        so the problem shows in the delivery log.

        Args:
            config: The configuration (saved or not).
            event: The event.
            check_conditions: Skip the event if the configuration's conditions
                do not match it.
            pool: The pool to use (default: the process-wide one).

        Returns:
            The delivery's future, or None if the conditions skipped it.
        """
        pool = pool or get_delivery_pool()
        store = self.integration_mgr.store
        form = self.build_config_form(config)
        if not form.is_valid():
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in form.errors.items()
            )
            return pool.fail(store, config, event, f"The settings are not valid ({problems})")
        settings = form.cleaned_data
        conditions = settings.get("conditions")
        if (
            check_conditions
            and isinstance(conditions, Conditions)
            and not conditions.matches(event)
        ):
            logger.debug("Conditions of %r skip event %r", config.name, event.kind)
            return None
        return pool.submit(store, config, event, lambda: self.send(settings, event, pool))

    def send_test_event(self, config: IntegrationConfig) -> Future[Delivery]:
        """Send the test event through ``config``, whatever its conditions."""
        future = self.deliver(config, make_test_event())
        assert future is not None
        return future

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """Send ``event`` to the service; runs on a delivery worker.

        Args:
            settings: The configuration's validated form values.
            event: The event.
            pool: Holds the HTTP and SMTP transports to send with.

        Returns:
            The service's answer.

        Raises:
            DeliveryError: The service could not be reached or refused it.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement send()")
