"""The user's ``[keymap]`` of ``tui.toml`` checked before the workstation applies it (Textual's key names only).

Textual applies a keymap as written: a key it does not know (« F5 », « Ctrl+R », the forms F1 shows) binds
nothing, the action losing its own key too, and a key another action has takes it from that action without a
word (``quit = "g"``: the report's key quits; ``run-case = "ctrl+q"``: nothing quits any more). Here each key is
read in the forms people write it (case aside, the keyboard's names F1 shows in either language), and a remap
that names an unknown key, a key another action keeps or a key the windows need is left out and said.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from textual.keys import KEY_NAME_REPLACEMENTS, Keys, key_to_character

from testbench.i18n import _t, translator
from testbench.tui import actions as registry

#: keys that move between fields and rows and answer the windows (Tab, Enter, Escape, the arrows…): no action's
RESERVED = frozenset(
    {"tab", "shift+tab", "enter", "escape", "up", "down", "left", "right", "pageup", "pagedown", "home", "end", "space"}
)
#: the keys of the manual step's window, where the workstation's actions of ``IN_MANUAL_STEP`` act too
WINDOW_KEYS = frozenset(spec.key for spec in registry.MANUAL_STEP_ACTIONS)

#: what is said of a remap left out (read back in English by its shape: ``i18n.english``)
REFUSED = _t("tui.toml : [keymap] {action} = « {key} » : {why} ; réglage ignoré")
UNKNOWN_KEY = _t("touche inconnue (noms de touches : f5, ctrl+r, slash…)")
RESERVED_KEY = _t("touche réservée aux champs et aux fenêtres (Tab, Entrée, Échap, Ctrl+S…)")
TAKEN_KEY = _t("touche déjà prise par « {label} » ({action})")

_BASE_KEYS = frozenset(key.value for key in Keys if "+" not in key.value)
_MODIFIERS = {"ctrl": "ctrl", "alt": "alt", "shift": "shift", "meta": "meta", "maj": "shift", "méta": "meta"}


def _key_words() -> dict[str, str]:
    """The keyboard's names F1 shows (« Échap », "Esc", « Suppr »…), lower case, to Textual's key names."""
    words: dict[str, str] = {}
    for lang in ("fr", "en"):
        t = translator(lang, "tui")
        words.update({t(shown).lower(): key for key, shown in registry.KEY_NAMES.items()})
    return words


_WORDS = _key_words()


def _character_key(char: str) -> str:
    """Textual's name of a printable character's key (``/`` → ``slash``, ``?`` → ``question_mark``)."""
    if char.isalnum():
        return char
    name = unicodedata.name(char, char).lower().replace("-", "_").replace(" ", "_")
    return KEY_NAME_REPLACEMENTS.get(name, name)


def key_name(written: str) -> str | None:
    """Textual's name of one key as a person writes it (``Ctrl+R``, ``F5``, ``Maj+Tab``, ``/``); None when it
    names no key. A lone character keeps its case (``G`` is not ``g``); with a modifier it is the key's letter, but
    Shift and a letter are its capital (``Maj+G`` → ``G``: what a terminal sends for them)."""
    *modifiers, name = written.strip().split("+")
    mods = [_MODIFIERS.get(m.strip().lower()) for m in modifiers]
    name = name.strip()
    if None in mods or not name:
        return None
    if len(name) == 1:
        if not name.isprintable() or name.isspace():
            return None
        if mods == ["shift"] and name.isalpha():
            return name.upper()
        name = _character_key(name.lower() if mods else name)
    else:
        name = _WORDS.get(name.lower(), name.lower())
        if name not in _BASE_KEYS and key_to_character(name) is None:
            return None
    return "+".join([*(m for m in mods if m), name])


def check_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The remaps the workstation applies (Textual's key names) and, in French, each one left out and why."""
    problems: list[str] = []
    unknown = registry.unknown_ids(dict(keymap))
    if unknown:
        problems.append(f"tui.toml : actions inconnues dans [keymap] : {', '.join(unknown)}")
    kept: dict[str, str] = {}
    for action, written in keymap.items():
        if action in unknown:
            continue
        keys = [key_name(k) for k in written.split(",") if k.strip()]
        wrong = RESERVED | (WINDOW_KEYS if action in registry.IN_MANUAL_STEP else frozenset())
        if not keys or None in keys:
            problems.append(REFUSED.format(action=action, key=written, why=UNKNOWN_KEY))
        elif wrong & set(keys):
            problems.append(REFUSED.format(action=action, key=written, why=RESERVED_KEY))
        else:
            kept[action] = ",".join(k for k in keys if k)
    return _without_clashes(keymap, kept, problems)


def _without_clashes(
    keymap: Mapping[str, str], kept: dict[str, str], problems: list[str]
) -> tuple[dict[str, str], list[str]]:
    """``kept`` without the remaps whose key another action has (its own or another remap's), each said; left out
    one by one until none clashes (an action left out gets its own key back, which may clash with a remap)."""
    while True:
        owners: dict[str, list[str]] = {}
        for action, keys in registry.effective_keys(kept).items():
            for key in filter(None, keys.split(",")):
                owners.setdefault(key, []).append(action)
        clash = next(((key, ids) for key, ids in owners.items() if len(ids) > 1 and set(ids) & set(kept)), None)
        if clash is None:
            return kept, problems
        _, ids = clash
        for action in (i for i in ids if i in kept):
            other = next(i for i in ids if i != action)
            taken = TAKEN_KEY.format(label=registry.BY_ID[other].label, action=other)
            problems.append(REFUSED.format(action=action, key=keymap[action], why=taken))
            del kept[action]

