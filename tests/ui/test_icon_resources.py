"""The shipped icons: both densities for every source, and a render script that keeps them so."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from desktop_integrations import static

ROOT = Path(__file__).resolve().parents[2]
SVG_DIR = ROOT / "icons"
NAMES = [
    "app",
    "action-add",
    "action-edit",
    "action-duplicate",
    "action-delete",
    "action-reload",
    "action-folder",
    "action-plugins",
    "action-send",
    "webhook",
    "slack",
    "mattermost",
    "discord",
    "msteams",
    "matrix",
    "email",
    "logfile",
]
SOURCES = sorted(path.stem for path in SVG_DIR.glob("*.svg"))


def load_render_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_icons", ROOT / "scripts/render_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def argb(image: QImage) -> bytes:
    return bytes(image.convertToFormat(QImage.Format.Format_ARGB32).constBits())


def test_every_named_icon_has_an_svg_source() -> None:
    assert sorted(NAMES) == SOURCES


@pytest.mark.parametrize("name", SOURCES)
def test_each_source_ships_a_48_and_a_96_pixel_png(qapp: object, name: str) -> None:
    one = QImage(static(f"{name}.png"))
    two = QImage(static(f"{name}@2x.png"))
    assert (one.width(), one.height()) == (48, 48)
    assert (two.width(), two.height()) == (96, 96)
    assert one.hasAlphaChannel() and two.hasAlphaChannel()


@pytest.mark.parametrize("name", SOURCES)
def test_the_2x_icon_is_drawn_at_96_pixels_not_scaled_up(qapp: object, name: str) -> None:
    one = QImage(static(f"{name}.png"))
    two = argb(QImage(static(f"{name}@2x.png")))
    for mode in (
        Qt.TransformationMode.FastTransformation,
        Qt.TransformationMode.SmoothTransformation,
    ):
        upscaled = argb(one.scaled(96, 96, Qt.AspectRatioMode.IgnoreAspectRatio, mode))
        sharper = sum(1 for a, b in zip(upscaled, two, strict=True) if abs(a - b) > 64)
        assert sharper >= 8, f"{name}@2x.png looks like {name}.png scaled up ({mode.name})"


@pytest.mark.parametrize("name", NAMES)
def test_static_resolves_every_icon_to_a_file(name: str) -> None:
    assert Path(static(f"{name}.png")).is_file()
    assert Path(static(f"{name}@2x.png")).is_file()


@pytest.mark.parametrize("name", SOURCES)
def test_icons_have_a_transparent_background(qapp: object, name: str) -> None:
    for png, last in ((f"{name}.png", 47), (f"{name}@2x.png", 95)):
        image = QImage(static(png))
        corners = [image.pixelColor(x, y).alpha() for x in (0, last) for y in (0, last)]
        assert corners == [0, 0, 0, 0], png


def test_check_finds_missing_and_stale_pngs_and_passes_after_a_render(
    qapp: object, tmp_path: Path
) -> None:
    script = load_render_script()
    svg_dir, png_dir = tmp_path / "icons", tmp_path / "png"
    svg_dir.mkdir()
    for name in ("action-add", "email"):
        shutil.copy(SVG_DIR / f"{name}.svg", svg_dir)

    assert len(script.find_problems(svg_dir, png_dir)) == 4

    script.render_all(svg_dir, png_dir)
    assert script.find_problems(svg_dir, png_dir) == []

    touched = QImage(str(png_dir / "email@2x.png"))
    touched.setPixelColor(48, 48, QColor("#00ff00"))
    touched.save(str(png_dir / "email@2x.png"))
    (png_dir / "action-add.png").unlink()
    problems = script.find_problems(svg_dir, png_dir)
    assert len(problems) == 2
    assert any("email@2x.png: stale" in problem for problem in problems)
    assert any("action-add.png: missing" in problem for problem in problems)


def test_check_reports_a_png_without_a_source(qapp: object, tmp_path: Path) -> None:
    script = load_render_script()
    svg_dir, png_dir = tmp_path / "icons", tmp_path / "png"
    svg_dir.mkdir()
    shutil.copy(SVG_DIR / "email.svg", svg_dir)
    script.render_all(svg_dir, png_dir)
    shutil.copy(png_dir / "email.png", png_dir / "old.png")
    assert script.find_orphans(svg_dir, png_dir) == [png_dir / "old.png"]


def test_render_refuses_an_svg_off_the_48_unit_grid(qapp: object, tmp_path: Path) -> None:
    script = load_render_script()
    svg = tmp_path / "big.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        '<rect width="64" height="64"/></svg>'
    )
    with pytest.raises(ValueError, match=re.escape("big.svg: viewBox must be '0 0 48 48'")):
        script.render(svg, 48)
