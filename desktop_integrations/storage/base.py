"""The store interface: what the manager, forms, UI and command line rely on.

Two backends keep it: :class:`~desktop_integrations.storage.sqlite.ConfigStore`
(a local SQLite file) and
:class:`~desktop_integrations.storage.postgres.PostgresStore` (a PostgreSQL
database a team shares). :func:`desktop_integrations.storage.open_store` picks
one from a path or a URL.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pathlib import Path

    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.delivery.record import Delivery
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage.outbox_entries import OutboxEntry, PlannedDelivery
    from desktop_integrations.storage.secrets import SecretBox
    from desktop_integrations.storage.settings_codec import SettingsCodec


class StoreChange(NamedTuple):
    """A change another process made, as a live backend reports it.

    Attributes:
        generation: The configuration generation after the change; None when
            changes may have been missed (after a reconnection) and
            everything should be read again.
        integration_id: The integration whose configuration changed, if known.
        config_id: The configuration that changed, if known.
    """

    generation: int | None
    integration_id: str | None = None
    config_id: int | None = None


#: Called with each change a live backend reports, on the backend's own thread.
ChangeListener = Callable[[StoreChange], None]


class Connection(Protocol):
    """The connection a :meth:`Store.transaction` block writes through.

    SQL uses ``?`` placeholders on both backends; rows are read by index or
    by column name.
    """

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ..., /) -> Any:
        """Run one statement and return its cursor."""
        ...


@runtime_checkable
class Store(Protocol):
    """A database of configurations, extension state and the delivery log.

    Attributes:
        location: Where the data is, for messages (a path, or a URL
            without its password).
        secrets: Encrypts secret settings before they reach the database.
        codec: Encodes settings for the database and back.
        recovered_from: Where an unreadable database was moved, or None.
        warnings: One-line messages about the opening the user should see,
            such as a read-only data folder or a damaged write-ahead log.
        live: Whether changes by other processes are pushed to
            :meth:`subscribe` listeners (else :meth:`generation` is polled).
    """

    location: str
    secrets: SecretBox
    codec: SettingsCodec
    recovered_from: Path | None
    warnings: list[str]
    live: bool

    def transaction(self, action: str) -> AbstractContextManager[Connection]:
        """Run a block of writes as one transaction (a savepoint when nested)."""
        ...

    def outbox_transaction(
        self, action: str, *, durable: bool = True
    ) -> AbstractContextManager[Connection]:
        """Run outbox writes as one transaction; without ``durable`` a machine crash may undo it."""
        ...

    def outbox_flush(self, *, wait: bool = True) -> None:
        """Make every outbox commit made so far durable (``wait=False``: in the background)."""
        ...

    def query(self, sql: str, params: tuple[Any, ...] | Mapping[str, Any] = ()) -> list[Any]:
        """Run a read query (``?`` placeholders) and return its rows."""
        ...

    def generation(self) -> int:
        """A counter that changes whenever any process changes a configuration."""
        ...

    def close(self) -> None:
        """Close the connections."""
        ...

    def load_configs(
        self, manager: IntegrationManager, integration_id: str | None = None
    ) -> list[IntegrationConfig]:
        """Load configurations, of one integration or of all, oldest first."""
        ...

    def load_config(self, manager: IntegrationManager, config_id: int) -> IntegrationConfig | None:
        """Load one configuration by its ID; None if there is none."""
        ...

    def config_summaries(self) -> list[tuple[int, str, str, int]]:
        """Return ``(id, integration_id, name, enabled)`` of every configuration."""
        ...

    def enabled_integration_ids(self) -> set[str]:
        """Return the IDs of integrations with at least one enabled configuration."""
        ...

    def has_enabled_config(self, integration_id: str) -> bool:
        """Return whether an integration has at least one enabled configuration."""
        ...

    def save_config(
        self,
        config: IntegrationConfig,
        secret_keys: frozenset[str] | set[str],
        *,
        force: bool = False,
    ) -> int:
        """Insert or update a configuration; return the generation after it."""
        ...

    def delete_config(self, config: IntegrationConfig, *, force: bool = False) -> int:
        """Delete a configuration; return the generation after it.

        Raises:
            ConfigConflictError: It changed since it was loaded (unless ``force``).
        """
        ...

    def extension_enabled(self, extension_id: str) -> bool | None:
        """Return whether the user enabled an extension, or None if never set."""
        ...

    def set_extension_enabled(self, extension_id: str, enabled: bool) -> None:
        """Remember whether an extension is enabled."""
        ...

    def extension_states(self) -> dict[str, bool]:
        """Return every remembered extension state, by extension ID."""
        ...

    def subscribe(self, listener: ChangeListener) -> None:
        """Call ``listener`` with each change another process makes (live backends)."""
        ...

    def unsubscribe(self, listener: ChangeListener) -> None:
        """Stop calling ``listener``."""
        ...

    # The outbox and the delivery log (documented in ``outbox.py``).

    def enqueue_deliveries(self, batch: Sequence[tuple[str, Sequence[PlannedDelivery]]]) -> None:
        """Write events and their pending deliveries in one transaction."""
        ...

    def claim_deliveries(
        self,
        owner: str,
        integration_ids: Collection[str],
        *,
        limit: int,
        lease: float,
        now: float,
        share: int = 1,
    ) -> list[OutboxEntry]:
        """Lease up to ``limit`` due deliveries to ``owner`` (``share``: see outbox.py)."""
        ...

    def defer_deliveries(self, deferred: Sequence[tuple[str, float, int]]) -> None:
        """Give leased deliveries back, each to be tried again from a given time."""
        ...

    def finish_deliveries(self, deliveries: Sequence[Delivery]) -> list[int]:
        """Log outcomes and delete their deliveries from the outbox."""
        ...

    def release_deliveries(self, owner: str) -> int:
        """End every lease of ``owner``; return how many deliveries it held."""
        ...

    def lease_owners(self, now: float) -> list[str]:
        """Return who holds a lease that has not expired."""
        ...

    def count_pending_deliveries(
        self,
        integration_ids: Collection[str] | None = None,
        *,
        owner: str | None = None,
        now: float = 0.0,
    ) -> int:
        """Return how many deliveries wait in the outbox."""
        ...

    def find_deliveries(self, delivery_ids: Collection[str]) -> list[Any]:
        """Return the delivery-log rows of these deliveries."""
        ...

    def prune_deliveries(
        self, config_ids: Collection[int | None], *, keep_per_config: int, keep_total: int
    ) -> int:
        """Delete the oldest log rows beyond the limits; return how many."""
        ...


class PolledChanges:
    """A backend that pushes no changes: other processes' are found by polling.

    :meth:`Store.generation` is compared by ``IntegrationManager.check_expired()``;
    listeners are accepted and never called.
    """

    live = False

    def subscribe(self, listener: ChangeListener) -> None:
        """Accept a change listener; it is never called."""

    def unsubscribe(self, listener: ChangeListener) -> None:
        """Forget a change listener (none is kept)."""
