"""Command palette providers: any case by id or words, and every action of the registry."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from testbench.tui import actions as registry
from testbench.tui.texts import make_translator

if TYPE_CHECKING:
    from testbench.tui.app import WorkstationApp


def _app(provider: Provider) -> WorkstationApp:
    return provider.app  # type: ignore[return-value]


class CaseCommands(Provider):
    """Palette: any case by id or words of its title, objective and tags."""

    async def search(self, query: str) -> Hits:
        app = _app(self)
        matcher = self.matcher(query)
        words = query.casefold().split()
        for entry in app.ws.entries:
            shown = f"{entry.case.id} — {entry.case.title}"
            hay = f"{shown} {entry.case.objective} {' '.join(entry.case.tags)}".casefold()
            score = matcher.match(shown)
            if words and all(w in hay for w in words):
                score = max(score, 0.5 + (0.5 if words[0] in entry.case.id.casefold() else 0))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(shown),
                    partial(app.goto_case, entry.key),
                    help=f"{app.t('Aller au cas')} · {app.verdict_label(entry.verdict)}",
                )

    async def discover(self) -> Hits:
        app = _app(self)
        for entry in app.ws.entries[:30]:
            yield DiscoveryHit(f"{entry.case.id} — {entry.case.title}", partial(app.goto_case, entry.key))


class ActionCommands(Provider):
    """Palette: every action of the registry, with its key."""

    async def search(self, query: str) -> Hits:
        app = _app(self)
        matcher = self.matcher(query)
        for spec, key in app.action_keys():
            text = _entry(spec, key, app.lang)
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(app.run_registry_action, spec.id))

    async def discover(self) -> Hits:
        app = _app(self)
        for spec, key in app.action_keys():
            yield DiscoveryHit(_entry(spec, key, app.lang), partial(app.run_registry_action, spec.id))


def _entry(spec: registry.ActionSpec, key: str, lang: str) -> str:
    """An action as the palette lists it: its help, and its key when it has one (not the palette-only tools)."""
    text = registry.describe(spec, lang)
    return f"{text} ({registry.display_key(key, make_translator(lang))})" if key.strip() else text
