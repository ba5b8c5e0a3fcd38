"""Installed distributions' entry points are listed once, until something installed changes."""

from __future__ import annotations

import importlib.metadata
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations.extensions.entry_points import InstalledEntryPoint, find_entry_points

GROUP = "desktop_integrations.extensions"


def settle(*paths: Path) -> None:
    """Date ``paths`` a minute back, as files installed a while ago are."""
    then = time.time() - 60
    for path in paths:
        os.utime(path, (then, then))


def install(site: Path, dist: str, entry_points: str) -> Path:
    folder = site / f"{dist}-1.0.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (folder / "entry_points.txt").write_text(f"[{GROUP}]\n{entry_points}\n")
    return folder


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    site = tmp_path / "site"
    dist = install(site, "di_cache_one", "first = di_cache_one:Extension")
    settle(dist / "entry_points.txt", dist, site)
    # Only this folder: what else is on the path may have changed moments ago.
    saved = sys.path[:]
    sys.path[:] = [str(site)]
    importlib.invalidate_caches()
    yield site
    sys.path[:] = saved
    importlib.invalidate_caches()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "entry-points.json"


def names(entry_points: list[InstalledEntryPoint]) -> list[str]:
    return [entry_point.name for entry_point in entry_points]


def test_a_second_listing_reads_what_the_first_found(
    site: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = find_entry_points(GROUP, cache)
    assert first == [
        InstalledEntryPoint("first", "di_cache_one:Extension", GROUP, "di_cache_one", "1.0")
    ]
    assert first[0].module == "di_cache_one"
    assert cache.exists()

    asked: list[object] = []
    listing = importlib.metadata.entry_points

    def spy(**selection: Any) -> Any:
        asked.append(selection.get("group"))
        return listing(**selection)

    monkeypatch.setattr(importlib.metadata, "entry_points", spy)
    assert find_entry_points(GROUP, cache) == first
    assert GROUP not in asked  # read from the cache


def test_a_distribution_installed_or_removed_later_is_seen(site: Path, cache: Path) -> None:
    assert names(find_entry_points(GROUP, cache)) == ["first"]
    second = install(site, "di_cache_two", "second = di_cache_two")
    importlib.invalidate_caches()
    assert names(find_entry_points(GROUP, cache)) == ["first", "second"]
    for path in second.iterdir():
        path.unlink()
    second.rmdir()
    importlib.invalidate_caches()
    assert names(find_entry_points(GROUP, cache)) == ["first"]


def test_an_edited_entry_points_file_is_seen(site: Path, cache: Path) -> None:
    assert names(find_entry_points(GROUP, cache)) == ["first"]
    listed = site / "di_cache_one-1.0.dist-info" / "entry_points.txt"
    listed.write_text(f"[{GROUP}]\nrenamed = di_cache_one:Extension\n")
    then = time.time() - 30  # changed, yet long enough ago to be kept
    os.utime(listed, (then, then))
    assert names(find_entry_points(GROUP, cache)) == ["renamed"]


def test_a_listing_taken_just_after_an_install_is_not_kept(
    site: Path, tmp_path: Path, cache: Path
) -> None:
    fresh = tmp_path / "fresh"
    install(fresh, "di_cache_new", "new = di_cache_new")
    sys.path[:] = [str(fresh)]  # the fixture puts the path back
    importlib.invalidate_caches()
    # A change within the same clock tick as the listing would not show in the times.
    assert names(find_entry_points(GROUP, cache)) == ["new"]
    assert not cache.exists()


def test_an_unreadable_cache_is_listed_again(site: Path, cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text("{not json")
    assert names(find_entry_points(GROUP, cache)) == ["first"]


class ElsewhereFinder:
    """A finder that lists distributions from somewhere other than the module search path."""

    def find_spec(self, *_: object) -> None:
        return None

    def find_distributions(self, *_: object) -> list[object]:
        return []


def test_a_finder_that_lists_distributions_elsewhere_means_listing_each_time(
    site: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, ElsewhereFinder()])
    assert names(find_entry_points(GROUP, cache)) == ["first"]
    assert not cache.exists()
