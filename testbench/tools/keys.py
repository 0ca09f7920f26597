"""The report signer's Ed25519 key (``testbench keys init`` / ``show``; the workstation's « Clé de signature »)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from testbench.i18n import colon
from testbench.runner.exits import EXIT_USAGE
from testbench.tools.result import ToolResult, forced_by, french, unwritten_code


def keys_init_tool(path: Path | None = None, *, force: bool = False, force_option: str = "--force") -> ToolResult:
    """Create the key pair at ``path`` (the user's default key when None); never in a report folder. An
    existing key is replaced only when forced: its refusal names ``force_option`` (the CLI's flag, or the
    window's field)."""
    from testbench.fmt import os_reason
    from testbench.signing import SigningKeyError, default_key_path, init_key, pretty_fingerprint, public_path

    key = path or default_key_path()
    result = ToolResult()
    if (key.parent / "manifest.json").exists() or key.suffix == ".tbsession":
        return result.fail(
            EXIT_USAGE,
            lambda t, lang: f"{key}{colon(lang)}" + t("refus d'écrire une clé privée dans un dossier de rapport"),
        )
    if key.is_dir():  # said at once: the option to replace a key would not help
        return result.fail(
            EXIT_USAGE,
            lambda t, lang: f"{key}{colon(lang)}"
            + t("est un dossier, pas une clé : donnez le nom du fichier de la clé privée"),
        )
    if key.exists() and not force:
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t("{path} : une clé existe déjà ({option} pour la remplacer)").format(
                path=key, option=forced_by(force_option, t)
            ),
        )
    made = [p for p in (key, public_path(key)) if not p.exists()]
    replaced = _fingerprint_of(key) if key.exists() else None
    try:
        public = init_key(key, force=force)
    except SigningKeyError as exc:
        return result.fail(EXIT_USAGE, french(str(exc)))
    except OSError as exc:  # a full disk mid-write: no empty key left to refuse the next ``keys init`` and --sign
        for path in made:
            with contextlib.suppress(OSError):
                path.unlink()
        failed = exc
        return result.fail(unwritten_code(exc), lambda t, lang: f"{key}{colon(lang)}{os_reason(failed, t)}")
    result.say(
        lambda t, _lang: t(
            "clé privée : {path} (lisible par vous seul ; ne la copiez ni dans une session ni dans un rapport)"
        ).format(path=key)
    )
    result.say(lambda t, _lang: t("clé publique : {key}").format(key=public_path(key)))
    _fingerprint(result, public.fingerprint)
    if replaced is not None:
        result.say(
            lambda t, _lang: t(
                "clé remplacée : {fingerprint} ; ce qu'elle a signé ne se vérifie plus avec la nouvelle clé, "
                "seulement avec son ancienne clé publique"
            ).format(fingerprint=pretty_fingerprint(replaced))
        )
    result.written.append(key)
    return result


def keys_show_tool(path: Path | None = None) -> ToolResult:
    """The public key at ``path`` (the user's default key when None, or the private key's public half: what a
    reviewer compares with the fingerprint the editor announced) and its fingerprint."""
    from testbench.fmt import os_reason
    from testbench.signing import SigningKeyError, default_key_path, load_public

    result = ToolResult()
    key = path or default_key_path()
    try:
        public = load_public(key)  # base64, PEM « PUBLIC KEY », ssh-ed25519, or a private key's public half
    except SigningKeyError as exc:
        return result.fail(EXIT_USAGE, french(str(exc)))
    except OSError as exc:  # as before public keys were read: a key not made yet says how to make it
        failed = exc
        return result.fail(
            EXIT_USAGE,
            lambda t, lang: f"{key}{colon(lang)}"
            + t("clé de signature illisible ({reason}) ; créez-la avec « testbench keys init »").format(
                reason=os_reason(failed, t)
            ),
        )
    result.say(lambda t, _lang: t("clé publique : {key}").format(key=public.b64))
    _fingerprint(result, public.fingerprint)
    return result


def _fingerprint(result: ToolResult, fingerprint: str) -> None:
    """The fingerprint, then its readable form under it (what a reviewer compares on the report's cover)."""
    from testbench.signing import pretty_fingerprint

    result.say(lambda t, _lang: f"{t('empreinte : ')}{fingerprint}")
    result.say(lambda t, _lang: f"{' ' * len(t('empreinte : '))}{pretty_fingerprint(fingerprint)}")


def _fingerprint_of(key: Path) -> str | None:
    """The fingerprint of the key ``--force`` replaces (None when it cannot be read: nothing to name)."""
    from testbench.signing import SigningKeyError, load_public, public_path

    for path in (key, public_path(key)):
        with contextlib.suppress(OSError, SigningKeyError):
            return load_public(path).fingerprint
    return None
