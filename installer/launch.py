"""Entry point frozen by PyInstaller: the same ``houselights`` command as the console script."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
