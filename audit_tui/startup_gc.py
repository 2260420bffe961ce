"""Python's cyclic garbage collector, paused while the interface starts.

Starting the interface imports a few hundred modules (Textual, pydantic and the bank's models,
the screens); each import makes objects, and the collector, run by allocation counts, walks
every object made so far again and again: about a tenth of the time to the first frame and
of the time to the first interview. Almost nothing made while starting is garbage (a
collection then finds some 700 of 90,000 objects, and takes 25 ms), so `pause` stops the
collector as `audit-tui` launches the interface, and the app `resume`s it once started
(AuditApp): what was made meanwhile is frozen (`gc.freeze`), so that no later collection
walks the modules again (a full collection of them takes 25 ms, a key's frame and more), and
the collector runs as before. Reference counting frees everything else meanwhile, as always.
The price, paid once: what was alive at the freeze and later dropped inside a reference
cycle (a screen shown by then and closed) is not collected.
"""

from __future__ import annotations

import gc

# Seconds after the app mounts that the collector resumes: past the first frame and, when a
# case is opened at once, past its interview's.
RESUME_AFTER = 1.5

_paused = False


def pause() -> None:
    """Stop the collector for the start-up (only if it runs: a test's never pauses)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume(freeze: bool = True) -> None:
    """Freeze what the start made (unless not `freeze`: an app that ended as it started) and
    run the collector again, if `pause` stopped it."""
    global _paused
    if not _paused:
        return
    _paused = False
    if freeze:
        gc.freeze()
    gc.enable()
