"""Extra buttons and sections for configuration dialogs, added from outside the dialog.

Other parts of the app and plugins use this to put, for instance, a "Send
test event" button or a "Recent deliveries" list into every
:class:`~desktop_integrations.ui.config_dialog.ConfigDialog`::

    def send_test(dialog: ConfigDialog, form: BoundConfigForm) -> None:
        deliver(test_event, dialog.current_config())

    register_dialog_action(DialogAction("Send Test Event", send_test))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop_integrations.forms import BoundConfigForm
from desktop_integrations.integration import Integration

if TYPE_CHECKING:
    from desktop_integrations.ui.config_dialog import ConfigDialog

#: Called with the dialog and its validated form when the button is clicked.
ActionHandler = Callable[["ConfigDialog", BoundConfigForm], None]
#: Builds a widget to show under the fields, or returns None to add nothing.
SectionFactory = Callable[["ConfigDialog"], QWidget | None]


@dataclass(frozen=True)
class DialogAction:
    """A button in the configuration dialog's button row.

    Attributes:
        text: The button's text.
        handler: Called with the dialog and a :class:`BoundConfigForm` holding
            the values shown. With ``needs_valid`` the form is valid (its
            ``cleaned_data`` filled); otherwise the dialog's errors are not
            shown and the form may be invalid.
        tooltip: The button's tooltip.
        icon: The name of an app icon (``"action-send"``), or None.
        needs_valid: Validate first, showing errors and skipping the handler
            if the values are not valid.
        applies_to: Whether to add the button for an integration; None: all.
    """

    text: str
    handler: ActionHandler
    tooltip: str = ""
    icon: str | None = None
    needs_valid: bool = True
    applies_to: Callable[[Integration], bool] | None = None


_actions: list[DialogAction] = []
_sections: list[SectionFactory] = []


def register_dialog_action(action: DialogAction) -> None:
    """Add ``action``'s button to every configuration dialog opened from now on."""
    _actions.append(action)


def unregister_dialog_action(action: DialogAction) -> None:
    """Remove an action added with :func:`register_dialog_action`, if present."""
    if action in _actions:
        _actions.remove(action)


def register_dialog_section(factory: SectionFactory) -> None:
    """Add the widget ``factory(dialog)`` below the fields of every dialog opened from now on."""
    _sections.append(factory)


def unregister_dialog_section(factory: SectionFactory) -> None:
    """Remove a section added with :func:`register_dialog_section`, if present."""
    if factory in _sections:
        _sections.remove(factory)


def dialog_actions(integration: Integration) -> list[DialogAction]:
    """Return the registered actions that apply to ``integration``."""
    return [a for a in _actions if a.applies_to is None or a.applies_to(integration)]


def dialog_sections() -> list[SectionFactory]:
    """Return the registered section factories."""
    return list(_sections)
