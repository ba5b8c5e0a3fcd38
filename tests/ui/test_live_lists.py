"""A window on a team database updates by itself and shows its connection."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_integrations import IntegrationManager, open_store
from desktop_integrations.ui.main_window import MainWindow
from tests.core.live_writer import Live, run_writer
from tests.postgres import Cluster

WAIT_MS = 30_000  # a bound on a hang, not a speed target


def names(window: MainWindow) -> list[str]:
    model = window.configs_view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_another_desktops_saves_appear_and_the_selection_stays(qtbot: QtBot, pg_url: str) -> None:
    manager = IntegrationManager(open_store(pg_url))
    try:
        live = manager.register_integration_class(Live)
        mine = live.create_config(enabled=True, save=True, name="b mine")
        window = MainWindow(manager)
        qtbot.addWidget(window)
        window.select_config(mine)
        assert window.store_status.isVisibleTo(window)
        assert "Connected" in window.store_status.text()

        run_writer(pg_url, "save", "a theirs")  # sorts before the selected row
        qtbot.waitUntil(lambda: names(window) == ["a theirs", "b mine"], timeout=WAIT_MS)
        assert window.selected_config() == mine
        run_writer(pg_url, "delete", "a theirs")
        qtbot.waitUntil(lambda: names(window) == ["b mine"], timeout=WAIT_MS)
        assert window.selected_config() == mine
        window.close()
    finally:
        manager.shutdown()
        manager.store.close()


def test_the_status_bar_shows_a_lost_server_until_it_is_back(
    qtbot: QtBot, postgres_cluster: Cluster
) -> None:
    cluster = Cluster(postgres_cluster.bindir)
    cluster.start()
    manager = IntegrationManager(open_store(cluster.url()))
    try:
        window = MainWindow(manager)
        qtbot.addWidget(window)
        cluster.stop_server()
        qtbot.waitUntil(lambda: "Not connected" in window.store_status.text(), timeout=WAIT_MS)
        assert f"127.0.0.1:{cluster.port}" in window.store_status.toolTip()
        cluster.start_server()
        qtbot.waitUntil(lambda: window.store_status.text() == "● Connected", timeout=WAIT_MS)
        window.close()
    finally:
        manager.shutdown()
        manager.store.close()
        cluster.stop()


def test_a_local_database_shows_no_connection(qtbot: QtBot, manager: IntegrationManager) -> None:
    window = MainWindow(manager)
    qtbot.addWidget(window)
    assert not window.store_status.isVisibleTo(window)
