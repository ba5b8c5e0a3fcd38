"""Configuration forms built when first needed, for integrations declared in bulk.

A plugin that registers many integrations generated from a catalogue (the
Apprise services) would pay for one pydantic model per integration at
start-up. Declaring ``config_form_cls = LazyConfigForm(build)`` instead defers
that to the first use of the form (a dialog, a save, a delivery); the form is
then checked as registration checks a plain one, with the same error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_integrations.forms import IntegrationConfigForm


class LazyConfigForm:
    """A class attribute that builds an integration's form on first access.

    Args:
        build: Returns the :class:`~desktop_integrations.forms.IntegrationConfigForm`
            subclass; called once.
    """

    def __init__(self, build: Callable[[], type[IntegrationConfigForm]]) -> None:
        self._build = build
        self._form: type[IntegrationConfigForm] | None = None
        self._error: Exception | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        """Whether the form has been built."""
        return self._form is not None

    def __get__(self, instance: Any, owner: type) -> type[IntegrationConfigForm]:
        form = self._form
        if form is not None:
            return form
        with self._lock:
            if self._form is None:
                if self._error is not None:
                    raise self._error
                # Imported here: the registration checks import this module to spot lazy forms.
                from desktop_integrations.registration import check_config_form

                try:
                    form = self._build()
                    check_config_form(owner, form)
                except Exception as e:
                    self._error = e
                    raise
                self._form = form
            return self._form


def is_lazy(integration_cls: type) -> bool:
    """Return whether an integration class declares its form with :class:`LazyConfigForm`."""
    for cls in integration_cls.__mro__:
        if "config_form_cls" in cls.__dict__:
            return isinstance(cls.__dict__["config_form_cls"], LazyConfigForm)
    return False
