"""Core workload on Djblets' integrations (a child of core.py, run in bench/.venv-djblets).

Django is configured in this script: a file SQLite database made as durable as
the project's (WAL, ``synchronous = FULL``, autocommit: each ``save()`` is
committed when it returns), a local-memory cache for Djblets' generation
synchroniser, and ``djblets.integrations`` with its test configuration model.

Djblets keeps its configuration cache correct through ``check_expired()``,
which its ``IntegrationsMiddleware`` runs at the start of every request: a
read that must see a change made since is therefore ``check_expired()``
followed by ``get_configs()`` here, exactly what a Djblets application does.

Usage: bench/.venv-djblets/bin/python bench/core_djblets.py WORKDIR PARAMS_JSON
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from child_result import emit


def configure(database: Path) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SITE_ID=1,
        SECRET_KEY="bench",
        USE_TZ=True,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sites",
            "djblets.integrations",
            "djblets.integrations.tests",
        ],
        MIDDLEWARE=["djblets.integrations.middleware.IntegrationsMiddleware"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()

    from django.db.backends.signals import connection_created

    def make_durable(sender: Any, connection: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")

    connection_created.connect(make_durable)

    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def check_durability() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
    assert journal == "wal" and synchronous == 2, (journal, synchronous)
    assert connection.get_autocommit()


def _initialize(self: Any) -> None:
    """Connect nothing: the workload measures configuration handling only."""


def make_integrations(count: int) -> list[type]:
    from djblets.integrations.integration import Integration

    return [
        type(
            f"BenchIntegration{n}",
            (Integration,),
            {
                "integration_id": f"bench.integration{n}",
                "name": f"Bench integration {n}",
                "default_settings": {"channel": "#general", "count": 0},
                "initialize": _initialize,
            },
        )
        for n in range(count)
    ]


def main() -> None:
    workdir, params = Path(sys.argv[1]), json.loads(sys.argv[2])
    configure(workdir / "djblets.sqlite3")
    check_durability()

    from djblets.integrations.manager import IntegrationManager
    from djblets.integrations.tests.models import IntegrationConfig

    manager = IntegrationManager(IntegrationConfig)
    IntegrationConfig.manager = manager
    classes = make_integrations(params["integrations"])
    result: dict[str, Any] = {}

    start = time.perf_counter()
    integrations = [manager.register_integration_class(cls) for cls in classes]
    manager.check_expired()
    result["register"] = time.perf_counter() - start

    saves = params["saves"]
    start = time.perf_counter()
    for n in range(saves):
        integration = integrations[n % len(integrations)]
        config = integration.create_config(
            name=f"Configuration {n}",
            enabled=True,
            settings={"url": f"https://example.com/hook/{n}", "channel": f"#c{n}", "count": n},
        )
        config.save()
    result["save"] = (time.perf_counter() - start) / saves

    target = integrations[0]
    expected = saves // len(integrations)
    firsts = []
    for n in range(params["first_reads"]):
        target.create_config(name=f"Extra {n}", enabled=True, settings={"count": n}, save=True)
        start = time.perf_counter()
        manager.check_expired()
        configs = target.get_configs()
        firsts.append(time.perf_counter() - start)
        assert len(configs) == expected + n + 1, len(configs)
    firsts.sort()
    result["first_get_configs"] = firsts[len(firsts) // 2]

    manager.clear_all_configs_cache()
    start = time.perf_counter()
    configs = target.get_configs()
    result["cold_get_configs"] = time.perf_counter() - start

    calls = params["cached_calls"]
    get_configs = target.get_configs
    start = time.perf_counter()
    for _ in range(calls):
        get_configs()
    result["cached_get_configs"] = (time.perf_counter() - start) / calls

    edits = params["edits"]
    start = time.perf_counter()
    for n in range(edits):
        config = target.get_configs()[n % 50]
        config.set("count", 1_000_000 + n)
        config.save()
        manager.check_expired()
        fresh = next(c for c in target.get_configs() if c.pk == config.pk)
        assert fresh.get("count") == 1_000_000 + n
    result["edit_cycle"] = (time.perf_counter() - start) / edits

    import django
    import djblets

    result_versions = {"djblets": djblets.get_package_version(), "django": django.__version__}
    emit({**result, "versions": result_versions})


if __name__ == "__main__":
    main()
