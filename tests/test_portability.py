"""docs/architecture.md § Portability: the package runs on Windows, where the billing world runs, so a call that
exists only on POSIX systems may appear only in a branch chosen by the platform.

The scan reads every module of ``testbench/`` as source (nothing is imported): a POSIX-only name (an ``os``
or ``select`` function, a signal Windows lacks, a POSIX-only module, a Popen option) must stand under an
``if`` that tests ``sys.platform``, ``os.name`` or a constant derived from them in the same module (either
branch: which side is POSIX is for the reader of that ``if``), or in a function or class used only there.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "testbench"

POSIX_ATTRIBUTES = {
    "os": {
        "fork",
        "forkpty",
        "killpg",
        "setsid",
        "setpgrp",
        "getpgid",
        "getuid",
        "geteuid",
        "getgid",
        "mkfifo",
        "pipe2",
        "sched_getaffinity",
        "wait3",
        "wait4",
        "WNOHANG",
        "getloadavg",
        "set_blocking",
        "sync",
        "setpgid",
        "getpgrp",
        "getsid",
        "getegid",
        "getgroups",
        "setuid",
        "setgid",
        "nice",
        "chown",
        "lchown",
        "fchown",
        "chroot",
        "fchdir",
        "mknod",
        "statvfs",
        "fstatvfs",
        "fdatasync",
        "openpty",
        "ttyname",
        "ctermid",
        "uname",
        "posix_spawn",
        "posix_spawnp",
        "sendfile",
        "waitid",
        "WIFEXITED",
        "WEXITSTATUS",
        "WIFSIGNALED",
        "WTERMSIG",
        "O_NONBLOCK",
        "O_CLOEXEC",
        "O_NOFOLLOW",
        "O_DIRECTORY",
        "O_SYNC",
        "O_DSYNC",
    },
    # Windows' select takes sockets only: ``select.select`` on a pipe (an engine's stdout) fails there
    "select": {"poll", "epoll", "kqueue", "devpoll", "select"},
    "signal": {
        "SIGKILL",
        "SIGHUP",
        "SIGUSR1",
        "SIGUSR2",
        "SIGALRM",
        "SIGCHLD",
        "SIGTSTP",
        "SIGSTOP",
        "SIGCONT",
        "SIGPIPE",
        "SIGQUIT",
        "alarm",
        "setitimer",
        "getitimer",
        "pthread_kill",
        "pthread_sigmask",
        "sigwait",
        "sigtimedwait",
        "sigpending",
        "siginterrupt",
        "SIGWINCH",
        "SIGTTIN",
        "SIGTTOU",
        "SIGPROF",
        "SIGVTALRM",
        "SIGXCPU",
        "SIGBUS",
        "SIGTRAP",
        "SIGURG",
        "SIGIO",
        "SIGSYS",
    },
}
POSIX_MODULES = {
    "fcntl",
    "termios",
    "tty",
    "pty",
    "pwd",
    "grp",
    "spwd",
    "resource",
    "posix",
    "syslog",
    "crypt",
    "curses",
    "readline",
    "nis",
}
POSIX_KEYWORDS = {"preexec_fn", "start_new_session", "pass_fds", "process_group"}
#: Popen's options that exist on POSIX only; other calls take keywords of these names (a Textual worker's group)
POSIX_POPEN_KEYWORDS = {"user", "group", "extra_groups", "umask"}
POPEN_CALLS = {"Popen", "run", "call", "check_call", "check_output"}
#: asyncio's loops add signal handlers on POSIX only (Windows' raise NotImplementedError)
POSIX_METHODS = {"add_signal_handler", "remove_signal_handler"}
#: a path of a POSIX system's own tree written in the code (``/proc/self/mounts``, ``/dev/tty``, ``/usr/sbin``):
#: none is there on Windows (``os.devnull`` is the null device everywhere)
POSIX_PATH = re.compile(r"/(proc|dev|sys|etc|usr|bin|sbin|var|tmp)(/|$)")


def _platform_test(node: ast.expr, flags: set[str]) -> bool:
    """Whether an ``if``'s condition reads the platform (directly or through a module constant)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and (
            sub.attr in ("platform", "name") and isinstance(sub.value, ast.Name) and sub.value.id in ("sys", "os")
        ):
            return True
        if isinstance(sub, ast.Name) and sub.id in flags:
            return True
    return False


def _platform_flags(tree: ast.Module) -> set[str]:
    """Module constants computed from the platform, e.g. ``POLL_PIPES = os.name == "posix"``."""
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _platform_test(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _uses(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in POSIX_METHODS:  # whatever names the loop
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in POSIX_ATTRIBUTES.get(node.value.id, ()):
                found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [(node.lineno, f"import {n}") for n in names if n.split(".")[0] in POSIX_MODULES]
        elif isinstance(node, ast.keyword) and node.arg in POSIX_KEYWORDS:
            found.append((node.value.lineno, f"{node.arg}="))
        elif isinstance(node, ast.Constant) and node.value in POSIX_KEYWORDS:  # an option built in a dict
            found.append((node.lineno, f"{node.value}="))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and POSIX_PATH.match(node.value):
            found.append((node.lineno, repr(node.value)))
        elif isinstance(node, ast.Call) and _called(node) in POPEN_CALLS:
            found += [(k.value.lineno, f"{k.arg}=") for k in node.keywords if k.arg in POSIX_POPEN_KEYWORDS]
    return found


def _called(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _annotations(tree: ast.Module) -> set[int]:
    """The nodes inside type annotations: naming a class there is no use of it."""
    roots = [n.annotation for n in ast.walk(tree) if isinstance(n, ast.AnnAssign | ast.arg) and n.annotation]
    roots += [n.returns for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.returns]
    return {id(sub) for root in roots for sub in ast.walk(root)}


def _exits_early(statement: ast.stmt, flags: set[str]) -> bool:
    """``if sys.platform == "win32": return …`` — what follows in the block is the other platform's."""
    return (
        isinstance(statement, ast.If)
        and _platform_test(statement.test, flags)
        and isinstance(statement.body[-1], ast.Return | ast.Raise)
    )


def _guarded(tree: ast.Module, line: int, seen: frozenset[str] = frozenset()) -> bool:
    """Whether the source line lies in a platform-chosen branch, or in a definition whose every use does."""
    flags, parents, annotations = _platform_flags(tree), _parents(tree), _annotations(tree)
    at = min((n for n in ast.walk(tree) if getattr(n, "lineno", None) == line), key=lambda n: n.col_offset)
    node: ast.AST | None = at
    while node is not None:
        parent = parents.get(node)
        if isinstance(parent, ast.If | ast.IfExp) and _platform_test(parent.test, flags) and node is not parent.test:
            return True
        block = getattr(parent, "body", None)
        if (
            isinstance(node, ast.stmt)
            and isinstance(block, list)
            and node in block
            and any(_exits_early(before, flags) for before in block[: block.index(node)])
        ):
            return True
        named = _defined(node) if parent is tree else []
        if named:  # a module-level function, class or constant: guarded when every use of it is
            if seen.intersection(named):  # a use inside its own definition (recursion) decides nothing
                return True
            uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in named and id(n) not in annotations]
            uses = [u for u in uses if not isinstance(u.ctx, ast.Store)]
            return bool(uses) and all(_guarded(tree, u.lineno, seen.union(named)) for u in uses)
        node = parent
    return False


def _defined(node: ast.AST) -> list[str]:
    """The names a module-level statement defines: a function's, a class's, a constant's (``_PROC = "/proc"``)."""
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [t.id for t in targets if isinstance(t, ast.Name)]
    return []


def posix_only_calls() -> list[str]:
    """Every POSIX-only use of the package outside a platform-chosen branch, as ``file:line: name``."""
    unguarded = []
    for module in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        for line, name in _uses(tree):
            if not _guarded(tree, line):
                unguarded.append(f"{module.relative_to(PACKAGE.parent).as_posix()}:{line}: {name}")
    return unguarded


def test_every_posix_only_call_of_the_package_stands_in_a_branch_chosen_by_the_platform() -> None:
    assert posix_only_calls() == []


def test_the_scan_finds_an_unguarded_call_and_accepts_a_guarded_one(tmp_path: Path) -> None:
    """The scan itself: a POSIX-only call at the top of a function is found; the same call on the POSIX side
    of a platform test, or in a helper used only there, is not."""
    source = """
import os, sys, signal
POLL = os.name == "posix"

def stop(pid):
    os.killpg(pid, signal.SIGKILL)

def stop_guarded(pid):
    if sys.platform == "win32":
        return
    else:
        os.killpg(pid, signal.SIGKILL)

def _poller():
    import select
    return select.poll()

def read():
    if POLL:
        return _poller()

def group() -> dict:
    if sys.platform == "win32":
        return {}
    return {"start_new_session": True}

class _Pipes:
    def wait(self):
        os.set_blocking(0, False)

pipes: _Pipes | None = None
"""
    tree = ast.parse(source)
    flagged = sorted(name for line, name in _uses(tree) if not _guarded(tree, line))
    # stop() at the top of a function; _Pipes named in an annotation only, no use chosen by the platform
    assert flagged == ["os.killpg", "os.set_blocking", "signal.SIGKILL"]
    assert len(_uses(tree)) == 7


def test_the_scan_finds_posix_paths_loop_signals_and_popen_options(tmp_path: Path) -> None:
    """What the scan added: a POSIX system path written in the code (a constant counts where it is used), an
    asyncio loop's signal handler, Popen's POSIX-only options (not another call's keyword of the same name), and
    ``select.select``, which takes no pipe on Windows."""
    source = """
import os, select, subprocess, sys
from pathlib import Path
MOUNTS = Path("/proc/self/mounts")
_SBIN = ("/usr/sbin", "/sbin")
TTY = "/dev/tty"

def mounts():
    if sys.platform == "win32":
        return None
    return MOUNTS.read_text()

def sbin():
    return os.pathsep.join(_SBIN)

def tty():
    return open(TTY)

def watch(loop, pipe, stop):
    loop.add_signal_handler(15, stop)
    select.select([pipe], [], [], 1)
    subprocess.run(["x"], user="nobody", umask=0o22)
    work(group="report")
    return "/ docs/proc" + os.devnull

def fact(n):
    return 1 if n < 2 else n * fact(n - 1)
"""
    tree = ast.parse(source)
    flagged = sorted(name for line, name in _uses(tree) if not _guarded(tree, line))
    assert flagged == [
        "'/dev/tty'",
        "'/sbin'",
        "'/usr/sbin'",
        ".add_signal_handler",
        "select.select",
        "umask=",
        "user=",
    ]
    assert len(_uses(tree)) == 8  # /proc/self/mounts, used only on the POSIX side, is found and accepted


def test_every_text_file_the_package_opens_names_its_encoding() -> None:
    """Windows' default encoding is the ANSI code page (cp1252), not UTF-8: a file opened without an encoding
    reads differently there. Ruff's ``unspecified-encoding`` rule (a preview rule, hence asked here rather
    than in the project's lint selection) finds every such call."""
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--preview", "--select", "PLW1514", str(PACKAGE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
