from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration, IntegrationManager
from desktop_integrations.ui import integration_icon
from desktop_integrations.ui.icons import fallback_icon

RED, BLUE = QColor("#d00000"), QColor("#0000d0")


def write_png(path: Path, side: int, colour: QColor) -> str:
    image = QImage(side, side, QImage.Format.Format_ARGB32)
    image.fill(colour)
    assert image.save(str(path))
    return str(path)


def icon_integration(manager: IntegrationManager, urls: dict[str, str]) -> Integration:
    cls = type(
        "IconIntegration",
        (Integration,),
        {
            "integration_id": f"tests.icon{len(urls)}{hash(tuple(urls.values()))}",
            "name": "Icon",
            "icon_static_urls": urls,
        },
    )
    return manager.register_integration_class(cls)


def centre(icon_image: QImage) -> QColor:
    return icon_image.pixelColor(icon_image.width() // 2, icon_image.height() // 2)


def test_icon_draws_the_2x_file_at_device_pixel_ratio_2(
    qtbot: QtBot, manager: IntegrationManager, tmp_path: Path
) -> None:
    urls = {
        "1x": write_png(tmp_path / "i.png", 48, RED),
        "2x": write_png(tmp_path / "i@2x.png", 96, BLUE),
    }
    icon = integration_icon(icon_integration(manager, urls))
    hi = icon.pixmap(QSize(48, 48), 2.0)
    assert (hi.width(), hi.height(), hi.devicePixelRatio()) == (96, 96, 2.0)
    assert centre(hi.toImage()) == BLUE
    lo = icon.pixmap(QSize(48, 48), 1.0)
    assert (lo.width(), lo.height()) == (48, 48)
    assert centre(lo.toImage()) == RED


@pytest.mark.parametrize("broken", ["missing", "not an image"])
def test_missing_or_broken_icon_gets_a_fallback_and_one_warning(
    qtbot: QtBot,
    manager: IntegrationManager,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    broken: str,
) -> None:
    bad = tmp_path / "bad.png"
    if broken != "missing":
        bad.write_text(broken)
    integration = icon_integration(manager, {"1x": str(bad), "2x": str(tmp_path / "bad@2x.png")})
    with caplog.at_level(logging.WARNING):
        first = integration_icon(integration)
        second = integration_icon(integration)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "bad.png" in warnings[0].getMessage()
    assert first is second
    hi = first.pixmap(QSize(48, 48), 2.0)
    assert (hi.width(), hi.height()) == (96, 96)
    assert centre(hi.toImage()).alpha() == 255  # a drawn icon, not an empty one


def test_fallback_colour_is_derived_from_the_id(qtbot: QtBot) -> None:
    def colour(key: str) -> QColor:
        image = fallback_icon(key, "Slack").pixmap(QSize(48, 48), 1.0).toImage()
        return image.pixelColor(4, image.height() // 2)

    assert colour("a.Slack") == colour("a.Slack")
    assert colour("a.Slack") != colour("b.Slack")
