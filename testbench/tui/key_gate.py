"""Keys typed in a burst each reach the field they were typed in: the workstation's key gate."""

from __future__ import annotations

from textual import events
from textual.command import CommandPalette
from textual.dom import DOMNode


class KeyGate:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp` before ``App``, whose ``on_event`` it wraps."""

    async def on_event(self, event: events.Event) -> None:
        """One key at a time: the next key waits until the previous one has been handled.

        Textual hands a key to the focused widget and goes on with the next one at once; when the first
        moves the focus (``/``, ``a``, ctrl+p, Enter) or opens a window, the keys after it, already
        handed to the old widget or to a window with no field focused yet, were misrouted or lost.
        Held here, they follow in order once the previous key is done and the new window has its
        field (or after a second, as before); after Enter in the command palette, once the palette has
        closed and the command it chose has run.
        """
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        self._held_keys.append(event)
        await self._release_keys()

    def _key_gate_closed(self) -> bool:
        if self._key_in_flight or self._palette_choosing:
            return True
        stack = self._screen_stack
        return len(stack) > 1 and stack[-1].focused is None and stack[-1] not in self._focused_screens

    async def _release_keys(self) -> None:
        while self._held_keys and not self._key_gate_closed():
            key = self._held_keys.pop(0)
            target = self.focused or self.screen
            if key.key == "enter" and isinstance(self.screen, CommandPalette):
                # the palette closes, then has the app run the command chosen: the keys typed after Enter
                # (ctrl+p, a case id, Enter, r) are for the case it goes to, not for its search field
                self._palette_choosing = True
            await super().on_event(key)
            if key.is_forwarded:  # handed to a widget: it comes back up the DOM to the app's bindings
                self._key_in_flight = True
                if not target.call_later(self._key_hop, target):
                    self._key_in_flight = False
        if self._held_keys and self._held_timer is None:
            self._held_timer = self.set_timer(1.0, self._open_key_gate)  # a widget gone mid-way
        elif not self._held_keys and self._held_timer is not None:
            self._held_timer.stop()
            self._held_timer = None

    def _key_hop(self, node: DOMNode) -> None:
        """Runs after ``node`` handled the key: follow it to the parent, until the app."""
        parent = node._parent
        if node is self or parent is None or not parent.call_later(self._key_hop, parent):
            self._key_in_flight = False
            self.call_later(self._release_keys)

    def on_command_palette_closed(self, event: CommandPalette.Closed) -> None:
        if self._palette_choosing:  # queued after the command the palette has just asked the app to run
            self.call_later(self._palette_done)

    async def _palette_done(self) -> None:
        self._palette_choosing = False
        await self._release_keys()

    async def _open_key_gate(self) -> None:
        self._held_timer = None
        self._key_in_flight = False
        self._palette_choosing = False  # Enter only moved the palette's cursor: it stays open
        self._focused_screens.add(self.screen)
        await self._release_keys()
