"""Lines wrap at spaces, never at a no-break space: an amount stays whole (« 403,00 € », never « 403,00 » then « € »);
nor at the space French typography puts before « : ; ! ? » » and after « «: a line never begins with « : » or ends
with « « ».

French amounts join their digits and their sign with no-break spaces (``fmt.money``), but Rich and Textual wrap at
any space Python's ``\\s`` matches, the no-break space among them (Rich issue #4196): at 80 columns a verdict line
ended on « 403,00 » and the next began with « € ». :func:`keep_no_break_spaces` sets their word patterns (Rich's
``_wrap.re_word``, Textual's ``_wrap.re_chunk``, both read at each wrap) to break only at the other spaces. The
workstation sets them as it starts; the reports and the CLI wrap nothing through them, and no text changes. The
messages write those French spaces as ordinary ones (« attendu : 12 »): the patterns join them to their sign, as a
no-break space would.
"""

from __future__ import annotations

import re

from rich import _wrap as rich_wrap
from textual import _wrap as textual_wrap

#: the spaces that join what a line must not part: an amount's digits and its sign (« 1 403,00 € »)
NO_BREAK_SPACES = "\u00a0\u202f\u2007"
_BREAKABLE = rf"[^\S{NO_BREAK_SPACES}]"  # a space a line may break at
_JOINED = rf"[\S{NO_BREAK_SPACES}]"  # a character of a word, the no-break spaces included
#: the signs French typography puts a space before, and the one it puts a space after: no line breaks at those spaces
SPACE_BEFORE = ":;!?»"
SPACE_AFTER = "«"
#: a word: its characters, and the French spaces that join it to a sign (« attendu : », « « valeur »)
_WORD = rf"(?:{_JOINED}|{_BREAKABLE}(?=[{SPACE_BEFORE}])|(?<={SPACE_AFTER}){_BREAKABLE})+"


def keep_no_break_spaces() -> None:
    """Rich's and Textual's wrapping break lines only at the spaces that are not no-break spaces, nor French spaces
    before « : ; ! ? » » or after « « (idempotent)."""
    rich_wrap.re_word = re.compile(rf"{_BREAKABLE}*{_WORD}{_BREAKABLE}*")
    textual_wrap.re_chunk = re.compile(rf"{_WORD}{_BREAKABLE}*|{_BREAKABLE}+")
