"""``python -m rongcuo.cli``: the command line, as the ``rongcuo`` script runs it."""

from . import main

if __name__ == "__main__":
    main()
