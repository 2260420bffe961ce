"""`python -m audit_tui` runs the command line."""

from audit_tui.cli import main

if __name__ == "__main__":
    main()
