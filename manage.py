#!/usr/bin/env python
"""Django's manage.py, for tools that expect it; ``timpora`` is the same command."""

from timpora.cli import main

if __name__ == "__main__":
    main()
