"""``python -m desktop_integrations``."""

import sys

from desktop_integrations.cli import main

sys.exit(main())
