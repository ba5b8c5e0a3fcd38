"""The one line a benchmark child prints for its parent (kept import-light)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

#: Children print one line starting with this, followed by a JSON object.
RESULT_MARK = "BENCH-RESULT "


def emit(result: Mapping[str, Any]) -> None:
    """Print a child's result for ``timing.run_child`` to pick up."""
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()
