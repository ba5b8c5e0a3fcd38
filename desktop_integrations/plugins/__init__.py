"""The built-in plugins.

Each module (or package) here is a plugin loaded by the
:class:`~desktop_integrations.extensions.manager.ExtensionManager`, even in safe
mode. It defines an :class:`~desktop_integrations.Extension` subclass whose
``initialize()`` registers its integrations with
:class:`~desktop_integrations.IntegrationHook`, and uses only the public core API.
Names starting with ``_`` are not plugins.
"""
