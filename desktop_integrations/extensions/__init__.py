"""Extensions: how plugins are found, checked and loaded.

``discovery.py`` finds plugin modules and packages (plugin folders, the
built-in plugins, entry points), ``loader.py`` imports them, ``extension.py``
holds :class:`Extension` and :class:`IntegrationHook`, and ``manager.py`` the
:class:`ExtensionManager` that enables and disables them.
"""
