"""``--workers N`` is bounded (1 to 64) at parsing, and a bench that cannot start is said in French words.

A huge count was an internal error (OverflowError sizing the list of benches) or the bench killed for memory;
a bench that could not start said Python's English (« banc indisponible : can't start new thread »), recorded
as the run's bench fault too."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import english
from testbench.runner.campaign import Campaign, CampaignError, unavailable_reason
from testbench.runner.options import MAX_WORKERS, CampaignOptions

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "billing.xml"


@pytest.mark.parametrize("count", ["0", "deux", "65", "99999999999999999999"])
def test_a_count_out_of_range_is_refused_at_parsing(
    count: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    with pytest.raises(SystemExit) as ended:
        main(["run", str(DEMO), "--session", str(session), "--workers", count])
    assert ended.value.code == 3
    err = capsys.readouterr().err
    assert f"--workers : un nombre de bancs entre 1 et {MAX_WORKERS}, pas « {count} »" in err, err
    assert "erreur interne" not in err and not session.exists()
    with pytest.raises(SystemExit):
        main(["run", str(DEMO), "--session", str(session), "--workers", count, "--lang", "en"])
    assert f"--workers: a number of benches from 1 to {MAX_WORKERS}, not “{count}”" in capsys.readouterr().err


def test_the_campaign_refuses_a_count_the_window_gave(tmp_path: Path) -> None:
    """The workstation's window sets the count without argparse: the campaign refuses it, by its field."""
    options = CampaignOptions(workers=MAX_WORKERS + 1)
    with pytest.raises(CampaignError) as refused:
        Campaign([], tmp_path / "s.tbsession", options)
    assert refused.value.by_option == {"--workers": f"un nombre de bancs entre 1 et 64, pas « {MAX_WORKERS + 1} »"}


@pytest.mark.parametrize(
    "exc",
    [RuntimeError("can't start new thread"), MemoryError()],
)
def test_threads_or_memory_exhausted_say_fewer_benches(exc: BaseException) -> None:
    said = unavailable_reason(exc)
    assert "moins de bancs (--workers)" in said and "thread" not in said
    assert "fewer benches (--workers)" in english(f"banc indisponible : {said}")


def test_a_system_error_is_in_words_and_any_other_by_its_kind() -> None:
    assert unavailable_reason(OSError(errno.ENOSPC, "No space left on device")) == "disque plein"
    said = unavailable_reason(KeyError("slot"))
    assert said.startswith("erreur inattendue au démarrage (élément introuvable)") and "slot" not in said
    assert "unexpected error" in english(said)
    assert unavailable_reason(RuntimeError("generator raised StopIteration")).count("StopIteration") == 0


def test_testbench_own_errors_keep_their_words() -> None:
    from testbench.cards.api import CardUnavailable

    assert unavailable_reason(CardUnavailable("lecteur absent")) == "lecteur absent"
