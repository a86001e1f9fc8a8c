#!/usr/bin/env python
"""Same as the `newsdesk` script (same default settings, same commands, including the extras')."""

from newsdesk.cli import main

if __name__ == "__main__":
    main()
