"""The rows of the configurations list: plain tuples, sorted and checked without Qt."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable
from operator import itemgetter
from typing import Final

from desktop_integrations.config import IntegrationConfig

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
