"""The writer thread's replies reach the screen that asked, whenever the reply comes."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.message import Message
from textual.screen import Screen

from audit_tui.writer import StoreWriter


class Read(Message):
    def __init__(self, value: str) -> None:
        super().__init__()
        self.value = value


class Reading(Screen[None]):
    """A screen that asks for something while it is built, as the interview reads its case."""

    def __init__(self, writer: StoreWriter) -> None:
        super().__init__()
        self.replies: list[str] = []
        writer.submit_without_store(lambda: "the case", reply_to=self, done=Read)

    def on_read(self, message: Read) -> None:
        self.replies.append(message.value)


async def test_a_reply_that_comes_before_its_screen_is_shown_waits_for_it():
    app: App[None] = App()
    async with app.run_test() as pilot:
        writer = StoreWriter(lambda: None)  # the calls here need no store
        writer.start()
        try:
            screen = Reading(writer)
            await asyncio.to_thread(writer.wait_idle)  # replied before the screen is pushed
            await app.push_screen(screen)
            await pilot.pause()
            assert screen.replies == ["the case"]
            writer.submit_without_store(lambda: "again", reply_to=screen, done=Read)
            await asyncio.to_thread(writer.wait_idle)
            await pilot.pause()
            assert screen.replies == ["the case", "again"], "the writer is still running"
        finally:
            writer.stop()
