"""``import-apprise``: configurations from a file of URLs, through a registered URL format."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.url_formats import ParsedUrl, UrlFormat, UrlFormatError, url_formats

#: The format ``import-apprise`` reads.
APPRISE = "Apprise URL"


def _unique_name(wanted: str, taken: set[str]) -> str:
    name, number = wanted, 2
    while name.casefold() in taken:
        name, number = f"{wanted} {number}", number + 1
    taken.add(name.casefold())
    return name


def import_parsed(
    manager: IntegrationManager, found: list[ParsedUrl]
) -> tuple[list[IntegrationConfig], list[str]]:
    """Save an enabled configuration per parsed URL whose settings validate.

    Returns:
        The saved configurations, and a message per URL that was not saved.
    """
    taken = {config.name.casefold() for config in manager.get_integration_configs()}
    saved: list[IntegrationConfig] = []
    problems: list[str] = []
    for number, parsed in enumerate(found, start=1):
        integration = parsed.integration
        name = _unique_name(parsed.name or integration.name, taken)
        form = integration.build_config_form(data={**parsed.data, "name": name, "enabled": True})
        if not form.is_valid():
            details = "; ".join(f"{f}: {' '.join(m)}" for f, m in form.errors.items())
            problems.append(f"service {number} ({integration.name}): {details}")
            continue
        saved.append(form.save())
    return saved, problems


def find_format(name: str) -> UrlFormat | None:
    """Return the registered URL format called ``name``, if a plugin registered it."""
    return next((f for f in url_formats() if f.name == name), None)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``import-apprise``."""
    parser.add_argument(
        "file", type=Path, metavar="FILE", help="an Apprise configuration file (text or YAML)"
    )


def run(args: argparse.Namespace) -> int:
    """Import every service of an Apprise configuration file; 1 if any was not imported."""
    from desktop_integrations.cli.commands import _opened
    from desktop_integrations.cli.opening import report

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        report(f"import-apprise: cannot read {args.file}: {getattr(e, 'strerror', None) or e}")
        return 1
    with _opened(args) as manager:
        url_format = find_format(APPRISE)
        if url_format is None:
            report(
                "import-apprise: Apprise is not installed; install it with "
                "pip install 'desktop-integrations[apprise]'"
            )
            return 1
        try:
            saved, problems = import_parsed(manager, url_format.read_file(text))
        except UrlFormatError as e:
            report(f"import-apprise: {args.file}: {e}")
            return 1
        for config in saved:
            print(f"Imported {config.name!r} ({config.integration_id}) as #{config.id}.")
        for problem in problems:
            report(f"import-apprise: not imported: {problem}")
    return 1 if problems else 0
