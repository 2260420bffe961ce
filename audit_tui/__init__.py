"""audit-tui: case assessment for youth offending inspections, in the terminal."""

__version__ = "0.1.0"
