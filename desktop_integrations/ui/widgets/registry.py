"""The type -> widget registry that turns a field description into its editor.

Looking a field up tries, in order: its widget hint
(``json_schema_extra={"widget": "..."}``), its type (and the type's base
classes), then its kind (see :class:`~desktop_integrations.fields.UIField`).
Plugins and other parts of the app add entries with :func:`register_widget`::

    register_widget(Conditions, ConditionsField)      # by type
    register_widget("color", ColorField)              # by widget hint or kind
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop_integrations.conditions import Conditions
from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.check_box_field import CheckBoxField
from desktop_integrations.ui.widgets.check_list_field import CheckListField
from desktop_integrations.ui.widgets.combo_box_field import ComboBoxField
from desktop_integrations.ui.widgets.double_spin_box_field import DoubleSpinBoxField
from desktop_integrations.ui.widgets.field_widget import FieldWidget
from desktop_integrations.ui.widgets.line_edit_field import LineEditField
from desktop_integrations.ui.widgets.optional_field import OptionalField
from desktop_integrations.ui.widgets.path_field import PathField
from desktop_integrations.ui.widgets.secret_field import SecretField
from desktop_integrations.ui.widgets.secret_list_field import SecretListField
from desktop_integrations.ui.widgets.spin_box_field import SpinBoxField
from desktop_integrations.ui.widgets.string_list_field import StringListField
from desktop_integrations.ui.widgets.temporal_field import TemporalField
from desktop_integrations.ui.widgets.text_edit_field import TextEditField

#: Builds the widget for a field: ``factory(field, parent)``.
WidgetFactory = Callable[[UIField, QWidget | None], FieldWidget]


def _conditions_editor(field: UIField, parent: QWidget | None) -> FieldWidget:
    # Imported on use: the editor module imports this package's FieldWidget.
    from desktop_integrations.ui.conditions_editor import ConditionsEditor

    return ConditionsEditor(field, parent)


_WIDGETS: dict[str | type, WidgetFactory] = {
    "str": LineEditField,
    "url": LineEditField,
    "unknown": LineEditField,
    "text": TextEditField,
    "textarea": TextEditField,
    "secret": SecretField,
    "int": SpinBoxField,
    "float": DoubleSpinBoxField,
    "bool": CheckBoxField,
    "choice": ComboBoxField,
    "path": PathField,
    "str_list": StringListField,
    "secret_list": SecretListField,
    "multi_choice": CheckListField,
    "datetime": TemporalField,
    "date": TemporalField,
    "time": TemporalField,
    Conditions: _conditions_editor,
}
#: Kinds whose widgets cannot show "no value"; optional ones get a "Set" box.
_NEED_UNSET_BOX = frozenset({"int", "float", "bool", "datetime", "date", "time"})


def register_widget(key: str | type, factory: WidgetFactory) -> None:
    """Use ``factory`` for fields of a type, a kind, or a widget hint.

    A later registration for the same key replaces the earlier one.

    Args:
        key: A type (matched against the field's type and its base classes),
            or a string matched against the field's widget hint and kind.
        factory: Called as ``factory(field, parent)``; returns a
            :class:`FieldWidget`.
    """
    _WIDGETS[key] = factory


def unregister_widget(key: str | type) -> None:
    """Remove a registration made with :func:`register_widget`, if any."""
    _WIDGETS.pop(key, None)


def find_factory(field: UIField) -> tuple[WidgetFactory, bool]:
    """Return the factory for ``field`` and whether it was chosen by kind."""
    if field.widget is not None and field.widget in _WIDGETS:
        return _WIDGETS[field.widget], False
    annotation: Any = field.annotation
    for cls in getattr(annotation, "__mro__", (annotation,)):
        if cls is not object and cls in _WIDGETS:
            return _WIDGETS[cls], False
    return _WIDGETS.get(field.kind, LineEditField), True


def create_widget(field: UIField, parent: QWidget | None = None) -> FieldWidget:
    """Build the editor for ``field``.

    An optional field whose editor cannot be empty (a number, a date) is
    wrapped in an :class:`OptionalField`.
    """
    factory, by_kind = find_factory(field)
    widget = factory(field, parent)
    if by_kind and field.optional and field.kind in _NEED_UNSET_BOX:
        return OptionalField(field, widget, parent)
    return widget
