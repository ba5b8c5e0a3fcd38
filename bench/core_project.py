"""Core workload on desktop-integrations (run as a child by core.py).

Usage: python bench/core_project.py WORKDIR PARAMS_JSON
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from child_result import emit
from pydantic import Field

from desktop_integrations import Integration, IntegrationConfigForm
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.storage import ConfigStore


class BenchForm(IntegrationConfigForm):
    url: str = Field(title="URL")
    channel: str = Field(title="Channel")
    count: int = Field(title="Count", ge=0)


def make_integrations(count: int) -> list[type[Integration]]:
    return [
        type(
            f"BenchIntegration{n}",
            (Integration,),
            {
                "integration_id": f"bench.integration{n}",
                "name": f"Bench integration {n}",
                "default_settings": {"channel": "#general", "count": 0},
                "config_form_cls": BenchForm,
            },
        )
        for n in range(count)
    ]


def main() -> None:
    workdir, params = Path(sys.argv[1]), json.loads(sys.argv[2])
    store = ConfigStore(workdir / "project.sqlite3")
    manager = IntegrationManager(store)
    classes = make_integrations(params["integrations"])
    result: dict[str, float] = {}

    start = time.perf_counter()
    integrations = [manager.register_integration_class(cls) for cls in classes]
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
        config = target.create_config(name=f"Extra {n}", enabled=True, settings={"count": n})
        config.save()
        start = time.perf_counter()
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
        fresh = next(c for c in target.get_configs() if c.id == config.id)
        assert fresh.get("count") == 1_000_000 + n
    result["edit_cycle"] = (time.perf_counter() - start) / edits

    store.close()
    emit(result)


if __name__ == "__main__":
    main()
