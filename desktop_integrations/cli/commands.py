"""Headless subcommands of the command line. None of them imports Qt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop_integrations.cli.opening import open_store, report
from desktop_integrations.errors import IntegrationError
from desktop_integrations.levels import LEVELS
from desktop_integrations.manager import IntegrationManager, set_integration_manager
from desktop_integrations.storage import open_store as open_target

#: A subcommand: its help text, a function adding its arguments to its parser,
#: and a function running it that returns the exit status.
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]

#: Seconds ``notify`` waits for deliveries by default; each has its own timeouts.
NOTIFY_WAIT = 300.0


@contextmanager
def _opened(args: argparse.Namespace, *, needed_only: bool = False) -> Iterator[IntegrationManager]:
    """Open the database and load the plugins, as the app does, without Qt.

    With ``needed_only``, as the app starts: a plugin whose manifest lists its
    integrations is imported only if one of them has an enabled configuration.
    """
    from desktop_integrations.delivery import get_delivery_pool
    from desktop_integrations.extensions.manager import ExtensionManager

    store = open_store()
    manager = IntegrationManager(store)
    set_integration_manager(manager)
    plugin_dirs = [args.plugins_dir] if getattr(args, "plugins_dir", None) else None
    extensions = ExtensionManager(
        manager, plugin_dirs, safe_mode=getattr(args, "safe_mode", False), watch_faults=True
    )
    try:
        if needed_only:
            extensions.discover()
            while extensions.import_next():
                pass
        else:
            extensions.load()
        for name, error in extensions.get_load_errors().items():
            report(f"warning: plugin {name!r} is not working: {error.message}")
        yield manager
    finally:
        extensions.shutdown()
        manager.shutdown()
        get_delivery_pool().shutdown()
        store.close()


def _add_notify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title", required=True, help="a one-line summary")
    parser.add_argument("--body", default="", help="details, in plain text")
    parser.add_argument("--kind", default="notification", help="what happened, e.g. build.failed")
    parser.add_argument("--level", choices=LEVELS, default="info", help="how serious it is")
    parser.add_argument("--url", help="a link to more information")
    parser.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an extra fact to show; may be repeated",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=NOTIFY_WAIT,
        metavar="SECONDS",
        help=f"how long to wait for deliveries in all (default {NOTIFY_WAIT:.0f})",
    )


def _parse_fields(pairs: list[str]) -> dict[str, str]:
    fields = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise ValueError(f"--field {pair!r}: write it as NAME=VALUE")
        fields[name.strip()] = value
    return fields


def _notify(args: argparse.Namespace) -> int:
    # Imported here: pydantic is not needed to start the app or parse arguments.
    from pydantic import ValidationError

    from desktop_integrations.events import Event, emit

    try:
        event = Event(
            kind=args.kind,
            title=args.title,
            body=args.body,
            url=args.url,
            level=args.level,
            fields=_parse_fields(args.field),
        )
    except ValueError as e:
        details = (
            "; ".join(f"--{err['loc'][0]}: {err['msg']}" for err in e.errors())
            if isinstance(e, ValidationError)
            else str(e)
        )
        report(f"notify: {details}")
        return 2
    with _opened(args, needed_only=True):  # the event goes to enabled configurations only
        emission = emit(event)
        deliveries = emission.wait(timeout=args.wait)
        for delivery in deliveries:
            print(delivery.summary())
        unfinished = emission.unfinished()
        for owner in emission.hung_receivers():
            report(f"the receiver of {owner} has not returned; its deliveries are unknown")
        running = unfinished - len(emission.hung_receivers())
        if running > 0:
            report(f"{running} deliveries did not finish within {args.wait:g} s")
        if not deliveries and not unfinished:
            print("No enabled configuration matched the event.")
    return 1 if unfinished or any(not d.ok for d in deliveries) else 0


def _add_deliver_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        type=float,
        default=NOTIFY_WAIT,
        metavar="SECONDS",
        help=f"how long to keep sending in all (default {NOTIFY_WAIT:.0f})",
    )


def _deliver(args: argparse.Namespace) -> int:
    from desktop_integrations.delivery import get_delivery_pool

    with _opened(args) as manager:
        deliveries = get_delivery_pool().drain(manager, timeout=args.wait)
        for delivery in deliveries:
            print(delivery.summary())
        store = manager.store
        installed = {integration.id for integration in manager.get_integrations()}
        waiting = store.count_pending_deliveries(installed)
        unavailable = store.count_pending_deliveries() - waiting
        if waiting:
            report(f"{waiting} deliveries are still pending (retried later or sent elsewhere)")
        if unavailable:
            report(f"{unavailable} deliveries wait for integrations that are not installed")
        if not deliveries and not waiting:
            print("Nothing to deliver.")
    return 1 if waiting or any(not d.ok for d in deliveries) else 0


def _list(args: argparse.Namespace) -> int:
    with _opened(args) as manager:
        configs = manager.get_integration_configs()
        if not configs:
            print("No configurations.")
        rows = [
            (
                str(config.id),
                config.integration_id,
                config.name,
                ("enabled" if config.enabled else "disabled")
                + ("" if config.is_available else ", unavailable")
                + "".join(f"; {problem}" for problem in config.problems),
            )
            for config in configs
        ]
        widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
        for row in rows:
            print(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                + "  "
                + row[3]
            )
    return 0


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", type=Path, metavar="FILE", help="the JSON file to write ('-': standard output)"
    )
    parser.add_argument(
        "--include-secrets",
        action="store_true",
        help="include secret settings (tokens, passwords) in plaintext",
    )


def _export(args: argparse.Namespace) -> int:
    from desktop_integrations.cli.transfer import dump_document, export_configs, write_private

    with _opened(args) as manager:
        document = export_configs(manager, include_secrets=args.include_secrets)
    text = dump_document(document)
    if str(args.file) == "-":
        sys.stdout.write(text)
        return 0
    try:
        write_private(args.file, text)
    except OSError as e:
        report(f"export: cannot write {args.file}: {e.strerror or e}")
        return 1
    count = len(document["configurations"])
    print(f"Exported {count} configurations to {args.file}.")
    return 0


def _add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="a file written by export")
    parser.add_argument(
        "--as-new",
        action="store_true",
        help="add every entry as a new configuration, even one that matches a stored one",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be done, and store nothing"
    )


def _import(args: argparse.Namespace) -> int:
    from desktop_integrations.cli.transfer import ConfigImportError, apply_import, plan_import

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        report(f"import: cannot read {args.file}: {getattr(e, 'strerror', None) or e}")
        return 1
    with _opened(args) as manager:
        try:
            plan = plan_import(manager, text, as_new=args.as_new)
            if args.dry_run and not plan.problems:
                for choice in plan.choices:
                    print(choice.describe())
                print(f"Nothing was stored (--dry-run): {plan.summary()}.")
                return 0
            results = apply_import(manager, plan)
        except ConfigImportError as e:
            report(f"import: {args.file}: {e}")
            for problem in e.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        except IntegrationError as e:
            report(f"import: {e}")
            return 1
        for choice, config in results:
            print(choice.describe(config))
    return 0


def _add_migrate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to",
        required=True,
        metavar="PATH_OR_URL",
        help="the empty database to copy into: an SQLite file or a postgresql:// URL",
    )


def _migrate(args: argparse.Namespace) -> int:
    from desktop_integrations.cli.migrate import copy_store

    source = open_store()
    try:
        target = open_target(args.to)
        try:
            copied = copy_store(source, target)
        finally:
            target.close()
    finally:
        source.close()
    print(
        f"Copied {copied.configs} configurations ({copied.secrets} secrets encrypted with "
        f"the target's key) and {copied.extensions} plugin states from {source.location} "
        f"to {target.location}."
    )
    return 0


def _add_import_apprise_arguments(parser: argparse.ArgumentParser) -> None:
    # Imported here, as each subcommand's own module: opening the app needs none.
    from desktop_integrations.cli import url_import

    url_import.add_arguments(parser)


def _import_apprise(args: argparse.Namespace) -> int:
    from desktop_integrations.cli import url_import

    return url_import.run(args)


#: Subcommands by name, in the order ``--help`` lists them.
COMMANDS: dict[str, Command] = {
    "notify": (
        "send an event through every enabled configuration whose conditions match",
        _add_notify_arguments,
        _notify,
    ),
    "deliver": (
        "send the deliveries waiting in the outbox (left by a process that stopped), then exit",
        _add_deliver_arguments,
        _deliver,
    ),
    "list": ("list the configurations", lambda parser: None, _list),
    "export": ("export the configurations to a JSON file", _add_export_arguments, _export),
    "import": (
        "import a file written by export: adds new entries, updates those with a stored "
        "UID; all or nothing",
        _add_import_arguments,
        _import,
    ),
    "import-apprise": (
        "add a configuration per service of an Apprise configuration file",
        _add_import_apprise_arguments,
        _import_apprise,
    ),
    "migrate": (
        "copy every configuration, secret and plugin state to another database "
        "(SQLite or PostgreSQL); all or nothing",
        _add_migrate_arguments,
        _migrate,
    ),
}
