"""How the expat pass reads nested elements: each open element is a frame, the handler of its children
and what runs when it closes (:class:`~testbench.casebook.build.Builder` keeps them on a stack)."""

from __future__ import annotations

from collections.abc import Callable

from testbench.casebook.vocabulary import NAMESPACE

#: Expat names a namespaced element "namespace}local" (the parser's namespace separator is "}").
NS = NAMESPACE + "}"

Attrs = dict[str, str]
#: How the children of an open element are handled, and what runs when it closes.
Frame = tuple[Callable[[str, Attrs, int], "Frame"], Callable[[], None] | None]


def _skip(name: str, attrs: Attrs, offset: int) -> Frame:
    return SKIP


#: The frame of an element whose children are not read.
SKIP: Frame = (_skip, None)
