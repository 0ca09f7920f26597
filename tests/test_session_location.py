"""A session on a network share is said (store/location.py): SQLite's write-ahead log is not safe there.

No network share can be mounted on the test machine: the mounts table is read for real (this machine's
disks are local), and a table naming the test's folder as a CIFS share stands in for one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store import location
from testbench.store.location import network_share, share_in_mounts

DEMO = CASEBOOKS_DIR / "demo.xml"
TABLE = """\
/dev/vda / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid 0 0
//nas/partage /mnt/partage cifs rw,vers=3.0 0 0
nas:/export /mnt/nfs nfs4 rw 0 0
tmpfs /mnt/partage/local tmpfs rw 0 0
user@host:/home /mnt/Mes\\040documents fuse.sshfs rw 0 0
"""


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("/home/ingenieur/examen", None),
        ("/mnt/partage", "cifs"),
        ("/mnt/partage/sessions/2026", "cifs"),
        ("/mnt/partagex", None),  # a mount point is a whole name, not a prefix of one
        ("/mnt/partage/local/sessions", None),  # the deepest mount decides: a local one inside the share
        ("/mnt/nfs/a", "nfs4"),
        ("/mnt/Mes documents/examen", "fuse.sshfs"),  # the kernel writes a space as \040
    ],
)
def test_the_mount_that_holds_the_folder_says_whether_it_is_a_share(folder: str, expected: str | None) -> None:
    assert share_in_mounts(TABLE, Path(folder)) == expected


def test_this_machine_s_temporary_folder_is_local(tmp_path: Path) -> None:
    assert network_share(tmp_path / "pas-encore" / "s.tbsession") is None  # its nearest existing folder


@pytest.fixture
def on_a_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A mounts table that puts ``tmp_path`` on a CIFS share."""
    table = tmp_path / "mounts"
    table.write_text(f"/dev/vda / ext4 rw 0 0\n//nas/examens {tmp_path.resolve()} cifs rw 0 0\n", encoding="utf-8")
    monkeypatch.setattr(location, "MOUNTS", table)
    return tmp_path


def test_a_run_on_a_share_says_so_and_goes_on(on_a_share: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = on_a_share / "examen.tbsession"
    bench = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]
    assert main(["run", str(DEMO), "--session", str(session), *bench]) == 0
    err = capsys.readouterr().err
    assert (
        f"{session} : session sur un partage réseau (cifs) ; SQLite n'y garantit pas une écriture sûre — gardez la"
        " session sur un disque local et copiez-la ensuite\n" in err
    )
    assert main(["run", str(DEMO), "--session", str(session), *bench, "--rerun", "--lang", "en"]) == 0
    assert (
        f"{session}: session on a network share (cifs); SQLite cannot promise a safe write there — keep the session"
        " on a local disk and copy it afterwards\n" in capsys.readouterr().err
    )


def test_the_workstation_says_it_when_it_opens_the_session(on_a_share: Path) -> None:
    from testbench.casebook.loader import load_casebooks
    from testbench.tui.workstation import Workstation

    session = on_a_share / "examen.tbsession"
    notes = Workstation(load_casebooks([DEMO]), session).prepare()
    assert notes[0].startswith(f"{session} : session sur un partage réseau (cifs)")


@pytest.mark.parametrize(
    ("inside", "expected"),
    [("OneDrive - Editeur/Documents/examen", "OneDriveCommercial"), ("local/examen", None)],
)
def test_a_folder_onedrive_keeps_is_said(tmp_path: Path, inside: str, expected: str | None) -> None:
    environ = {"OneDriveCommercial": str(tmp_path / "OneDrive - Editeur"), "OneDrive": str(tmp_path / "x")}
    assert location.synced_folder(tmp_path / inside / "s.tbsession", environ) == expected


def test_a_run_in_onedrive_says_so_in_each_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Windows puts « Documents » in OneDrive on many machines: its client opens the files while it uploads
    them and makes conflict copies of a session being written; the run says so and goes on."""
    monkeypatch.setenv("OneDrive", str(tmp_path))
    session = tmp_path / "Documents" / "examen.tbsession"
    session.parent.mkdir()
    bench = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]
    assert main(["run", str(DEMO), "--session", str(session), *bench]) == 0
    assert f"{session} : session dans un dossier synchronisé (OneDrive) ; le client" in capsys.readouterr().err
    assert main(["run", str(DEMO), "--session", str(session), *bench, "--rerun", "--lang", "en"]) == 0
    assert f"{session}: session in a synced folder (OneDrive); the sync client" in capsys.readouterr().err
