"""The rows of the configurations list: plain tuples, sorted and checked without Qt."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable
from operator import itemgetter
from typing import Final

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.manager import IntegrationManager

logger = logging.getLogger(__name__)

#: A row: (id, integration ID, name, enabled, casefolded name). Plain tuples,
#: straight from one query, so that 100,000 rows cost no object of our own each.
Row = tuple[int, str, str, int, str]
ROW_ID: Final = 0
ROW_INTEGRATION: Final = 1
ROW_NAME: Final = 2
ROW_ENABLED: Final = 3
ROW_FOLDED: Final = 4

#: The sort key of an integration: its casefolded name, then its ID.
IntegrationKey = tuple[str, str]


def row_of(config: IntegrationConfig) -> Row:
    """Return the row showing ``config`` (which has been saved)."""
    assert config.id is not None
    return (
        config.id,
        config.integration_id,
        config.name,
        int(config.enabled),
        config.name.casefold(),
    )


def sort_rows(rows: list[Row], integration_key: Callable[[str], IntegrationKey]) -> list[Row]:
    """Return ``rows`` by integration name, then name, then ID, sorting only in C.

    Args:
        rows: The rows, in any order; sorted in place by name on the way.
        integration_key: The sort key of an integration ID.
    """
    # Stable sorts keyed by itemgetter: by ID, by name (ties keep the ID
    # order), then by integration ID, which leaves one run per integration.
    rows.sort(key=itemgetter(ROW_ID))
    rows.sort(key=itemgetter(ROW_FOLDED))
    rows.sort(key=itemgetter(ROW_INTEGRATION))
    runs = []
    start = 0
    while start < len(rows):
        integration_id = rows[start][ROW_INTEGRATION]
        end = bisect.bisect_right(rows, integration_id, start, key=itemgetter(ROW_INTEGRATION))
        runs.append((integration_key(integration_id), start, end))
        start = end
    # The runs, a few, are put in order of their integrations' names.
    runs.sort()
    ordered: list[Row] = []
    for _, start, end in runs:
        ordered += rows[start:end]
    return ordered


#: What a reload read: the sorted rows, the rows by ID, and the integrations' sort keys.
Reloaded = tuple[list[Row], dict[int, Row], dict[str, IntegrationKey]]


def read_rows(manager: IntegrationManager, name_of: Callable[[str], str]) -> Reloaded:
    """Read and sort every row, in any thread; ``name_of`` gives an integration's name."""
    keys: dict[str, IntegrationKey] = {}

    def key(integration_id: str) -> IntegrationKey:
        found = keys.get(integration_id)
        if found is None:
            found = keys[integration_id] = (name_of(integration_id).casefold(), integration_id)
        return found

    rows = [
        (id_, integration_id, name, enabled, name.casefold())
        for id_, integration_id, name, enabled in manager.store.config_summaries()
    ]
    rows = sort_rows(rows, key)
    return rows, {row[ROW_ID]: row for row in rows}, keys


#: A row's sort key: (integration key, casefolded name, ID).
SortKey = Callable[[Row], tuple[IntegrationKey, str, int]]


def position_of(rows: list[Row], row: Row, key: SortKey) -> int:
    """Return where ``row`` is in the sorted ``rows`` (``row`` itself, not an equal one), or -1."""
    position = bisect.bisect_left(rows, key(row), key=key)
    return position if position < len(rows) and rows[position] is row else -1


def merge_rows(rows: list[Row], removed: list[Row], added: list[Row], key: SortKey) -> list[Row]:
    """Return the sorted ``rows`` without ``removed`` and with ``added``, in sort order.

    The rows are cut and joined around the changed ones (list slices, in C),
    so a burst of changes costs its own size, not the list's.
    """
    kept: list[Row] = []
    start = 0
    for position in sorted(position_of(rows, row, key) for row in removed):
        if position < 0:
            continue
        kept += rows[start:position]
        start = position + 1
    kept += rows[start:]
    merged: list[Row] = []
    start = 0
    for row in sorted(added, key=key):
        position = bisect.bisect_left(kept, key(row), lo=start, key=key)
        merged += kept[start:position]
        merged.append(row)
        start = position
    merged += kept[start:]
    return merged


def check_config(config: IntegrationConfig) -> list[str]:
    """Return why the stored settings of ``config`` cannot be used as they are (empty: none)."""
    integration = config.manager.find_integration(config.integration_id)
    if integration is None:
        return []
    # Imported here: validating needs the forms, which the first paint does not.
    from desktop_integrations.forms import BoundConfigForm

    try:
        form = BoundConfigForm(integration, config)
        errors = form.errors
    except Exception as e:
        logger.exception("Checking %r failed", config)
        return [f"The stored settings could not be checked: {e}"]
    fields = integration.config_form_cls.model_fields
    messages = [
        f"{fields[name].title or name if name in fields else 'Settings'}: {' '.join(msgs)}"
        for name, msgs in errors.items()
    ]
    return list(config.problems) + messages


def row_tooltip(
    row: Row,
    integration_name: str,
    available: bool,
    loading: bool,
    problems: Callable[[], list[str]],
) -> str:
    """Return the tooltip of a configuration's row.

    Args:
        row: The row.
        integration_name: The name its integration is listed under.
        available: Whether its integration is registered or declared.
        loading: Whether plugins are still loading (an unknown integration may come).
        problems: Returns why its stored settings cannot be used (asked only when available).
    """
    if not available:
        if loading:
            return f"{row[ROW_NAME]}: its integration is loading."
        return (
            f"The integration {integration_name} ({row[ROW_INTEGRATION]}) is not "
            "installed. This configuration is kept and comes back with its plugin."
        )
    found = problems()
    if found:
        return "Its stored settings need attention:\n" + "\n".join(found)
    return f"{row[ROW_NAME]} ({integration_name})"
