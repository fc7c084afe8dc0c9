"""Entry point frozen by PyInstaller: the same ``houselights`` command as the console script."""

import multiprocessing

from desktop.program import run
from infrastructure.bundled import use_bundled_zbar

if __name__ == "__main__":
    # a long rebuild's second process starts this program again (spawn): run that
    multiprocessing.freeze_support()
    use_bundled_zbar()
    run()
