"""Entry point of the frozen program (PyInstaller): the same as ``tribunal-desk``."""

import sys

from desktop.cli import main

sys.exit(main())
