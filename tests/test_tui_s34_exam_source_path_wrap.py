"""The exam view's source column breaks a long path after a separator, as the Attendu/observé view does.

At 120×40 the exam view (7) read « string(/f:fse/f:totau » then « x/@amo) »: where a value was read in the
application's file was a plain text, folded by Rich at its column's last cell. It is now ``render.PathText``, as in
the expected/observed view (« string(/f:fse/ » then « f:totaux/@amo) »); a text whose words fit wraps as before.
"""

from __future__ import annotations

from rich.console import Console

from testbench.tui.exam import ExpectedValue, values_table
from testbench.tui.nobreak import keep_no_break_spaces

READ_IN = "observé 60,00\u00a0€ — FSE_000000011.xml, ligne 9, octet 867, string(/f:fse/f:totaux/@amo)"


def rendered(width: int) -> list[str]:
    keep_no_break_spaces()  # as the workstation wraps
    row = ExpectedValue("invoice.totals.amo", "60,00\u00a0€", "60,00\u00a0€", "extraction", READ_IN, "observed")
    console = Console(width=width, record=True, color_system=None)
    console.print(values_table([row], lambda said: said))
    return console.export_text().splitlines()


def test_the_file_read_in_breaks_after_a_slash_not_inside_a_name() -> None:
    screen = rendered(58)  # the values pane at 120 columns: a source column narrower than the path
    column = screen[0].index("Source")
    source = [line[column:].rstrip() for line in screen[1:]]
    assert "string(/f:fse/" in source, "\n".join(screen)
    assert "f:totaux/@amo)" in source, "\n".join(screen)
    assert not any(line.endswith("f:totau") for line in source), "\n".join(screen)
