"""Render the icon sources in ``icons/*.svg`` to the PNGs the application ships.

Each ``icons/<name>.svg`` (drawn on a 48-unit viewBox) becomes
``desktop_integrations/resources/icons/<name>.png`` at 48x48 and ``<name>@2x.png``
at 96x96. The 2x image is rendered from the SVG at 96 px, never scaled up from the
1x one, so it keeps the detail a high-density screen can show.

Usage::

    python scripts/render_icons.py          # (re)write every PNG
    python scripts/render_icons.py --check  # exit 1 if a PNG is missing or stale
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# Rendering needs no display; a developer's own platform setting still wins.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG_DIR = ROOT / "icons"
PNG_DIR = ROOT / "desktop_integrations" / "resources" / "icons"
VIEW_BOX = QRectF(0, 0, 48, 48)
# PNG file suffix -> edge length in pixels.
SCALES = {"": 48, "@2x": 96}


def render(svg: Path, size: int) -> QImage:
    """Render ``svg`` to a ``size`` x ``size`` image with a transparent background.

    Raises:
        ValueError: If the file is not a valid SVG or is not drawn on a 48-unit viewBox.
    """
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG file")
    if renderer.viewBoxF() != VIEW_BOX:
        raise ValueError(f"{svg}: viewBox must be '0 0 48 48' to stay on the pixel grid")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    # PNG stores straight alpha; converting here makes a fresh render comparable
    # pixel for pixel with a PNG read back from disk.
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def targets(svg: Path, png_dir: Path) -> list[tuple[Path, int]]:
    """Return each PNG made from ``svg`` with its edge length in pixels."""
    return [(png_dir / f"{svg.stem}{suffix}.png", size) for suffix, size in SCALES.items()]


def sources(svg_dir: Path) -> list[Path]:
    """Return the SVG sources in ``svg_dir``, sorted by name."""
    return sorted(svg_dir.glob("*.svg"))


def render_all(svg_dir: Path, png_dir: Path) -> list[Path]:
    """Render every SVG in ``svg_dir`` into ``png_dir`` and return the PNGs written."""
    png_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for svg in sources(svg_dir):
        for png, size in targets(svg, png_dir):
            if not render(svg, size).save(str(png)):
                raise OSError(f"{png}: could not be written")
            written.append(png)
    return written


def find_problems(svg_dir: Path, png_dir: Path) -> list[str]:
    """Return one line per PNG that is missing or differs from a fresh render."""
    problems = []
    for svg in sources(svg_dir):
        for png, size in targets(svg, png_dir):
            if not png.is_file():
                problems.append(f"{png}: missing (source {svg.name})")
            elif QImage(str(png)).convertToFormat(QImage.Format.Format_ARGB32) != render(svg, size):
                problems.append(f"{png}: stale, differs from a fresh render of {svg.name}")
    return problems


def find_orphans(svg_dir: Path, png_dir: Path) -> list[Path]:
    """Return the PNGs in ``png_dir`` that no SVG in ``svg_dir`` renders to."""
    expected = {png for svg in sources(svg_dir) for png, _size in targets(svg, png_dir)}
    return [png for png in sorted(png_dir.glob("*.png")) if png not in expected]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(description="Render icons/*.svg to the shipped PNGs.")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if a PNG is missing or stale"
    )
    args = parser.parse_args(argv)
    if not sources(SVG_DIR):
        print(f"no SVG sources in {SVG_DIR}", file=sys.stderr)
        return 1
    # Qt painting (fonts, image formats) needs a live application object.
    _app = QGuiApplication.instance() or QGuiApplication([])
    if not args.check:
        for png in render_all(SVG_DIR, PNG_DIR):
            print(png.relative_to(ROOT))
    problems = find_problems(SVG_DIR, PNG_DIR) if args.check else []
    # Orphans are reported, not deleted: removing a shipped icon is a decision to commit.
    problems += [
        f"{png}: no source {png.stem.removesuffix('@2x')}.svg in {SVG_DIR}"
        for png in find_orphans(SVG_DIR, PNG_DIR)
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
