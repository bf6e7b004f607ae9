"""``python -m ml2learn``: see :mod:`ml2learn.cli`."""

import sys

from .cli import main

sys.exit(main())
