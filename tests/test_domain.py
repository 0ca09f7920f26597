"""The bottom vocabulary is the one list the casebook, the runner and the engines read."""

from __future__ import annotations

import ast
from pathlib import Path

import testbench
from testbench.domain.events import EventKind
from testbench.domain.hooks import CaseBounded, Closable, NamedReaders, OperatorDriven, Preparing
from testbench.domain.vocabulary import ACTIONS, CALL_ROOTS, ENGINE_CALLS, ENGINE_METHODS
from testbench.engines.api import Engine
from testbench.engines.operator.engine import FIELDS, OperatorEngine
from testbench.engines.operator.mode import OperatorModeEngine
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.reference.engine import ReferenceEngine
from testbench.runner import actions

SOURCE = Path(testbench.__file__).parent


def test_every_action_has_a_handler_and_every_call_is_an_engine_method() -> None:
    assert set(actions.HANDLERS) == set(ACTIONS)
    assert all(callable(getattr(Engine, method, None)) for method in ENGINE_METHODS)
    assert set(FIELDS) == set(ENGINE_CALLS) == set(CALL_ROOTS)
    assert OperatorEngine(lambda prompt: {}).describe().capabilities == ENGINE_CALLS


def test_every_recorded_event_kind_is_in_the_enum() -> None:
    """Every kind passed to ``add_event`` in the package is an :class:`EventKind` (a member, or its very string)."""
    literals: set[str] = set()
    members: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("add_event", "_event")
                and node.args
            ):
                continue
            kind = node.args[0]
            if isinstance(kind, ast.Constant):
                literals.add(kind.value)
            elif isinstance(kind, ast.Attribute) and isinstance(kind.value, ast.Name) and kind.value.id == "EventKind":
                members.add(kind.attr)
    assert {"CARD_PRESENT", "STEP_START", "ENGINE_RESTART"} <= members | {k.name for k in EventKind if k in literals}
    assert literals <= {k.value for k in EventKind}, sorted(literals - {k.value for k in EventKind})
    assert members <= {k.name for k in EventKind}, sorted(members - {k.name for k in EventKind})
    assert EventKind.CARD_PRESENT == "card-present"  # stored as the same string as before


def test_optional_hooks_are_protocols_the_engines_and_bays_meet() -> None:
    operator_mode = OperatorModeEngine()
    assert isinstance(operator_mode, OperatorDriven) and not isinstance(operator_mode, CaseBounded)
    assert issubclass(SubprocessEngine, CaseBounded)
    assert not isinstance(ReferenceEngine.__new__(ReferenceEngine), OperatorDriven | CaseBounded)
    from testbench.cards.bays import InProcessBay

    bay = InProcessBay()
    assert isinstance(bay, NamedReaders)
    assert not isinstance(bay, Preparing) and not isinstance(bay, Closable)
