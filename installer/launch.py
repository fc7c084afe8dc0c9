"""Entry point frozen by PyInstaller: the same ``houselights`` command as the console script."""

import sys

from desktop.bundled import use_bundled_zbar
from desktop.cli import main

if __name__ == "__main__":
    use_bundled_zbar()
    sys.exit(main())
