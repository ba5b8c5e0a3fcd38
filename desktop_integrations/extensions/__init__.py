"""Extensions: how plugins are found, checked, probed and loaded.

``discovery.py`` finds plugin modules and packages (plugin folders, the
built-in plugins, entry points) and checks their owner and permissions,
``gate.py`` decides what may be imported: the safety check, ``guard.py`` (the
crash guard: a plugin that crashed the app is skipped at the next start) and
``probe.py`` (a new or changed plugin is imported in a child process first).
``loader.py`` imports them, ``extension.py`` holds :class:`Extension` and
:class:`IntegrationHook`, and ``manager.py`` the :class:`ExtensionManager`
that enables and disables them.
"""
