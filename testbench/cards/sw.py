"""Status words and their meaning (ISO 7816-4 and the CPS2ter words of docs/cards.md §2.2), in French."""

from __future__ import annotations

from testbench.i18n import _t, tn

SW_OK = 0x9000

_EXACT: dict[int, str] = {
    0x9000: "succès",
    0x6281: "données retournées peut-être corrompues",
    0x6282: "fin de fichier atteinte avant Le octets",
    0x6283: "fichier sélectionné invalidé",
    0x6581: "erreur mémoire",
    0x6700: "longueur incorrecte",
    0x6882: "messagerie sécurisée non supportée",
    0x6981: "commande incompatible avec la structure du fichier",
    0x6982: "conditions de sécurité non satisfaites",
    0x6983: "code porteur bloqué",
    0x6984: "données de référence inutilisables",
    0x6985: "conditions d'utilisation non satisfaites",
    0x6986: "commande non autorisée (aucun EF sélectionné)",
    0x6A80: "paramètres incorrects dans les données",
    0x6A81: "fonction non supportée",
    0x6A82: "fichier ou application introuvable",
    0x6A83: "enregistrement introuvable",
    0x6A86: "paramètres P1-P2 incorrects",
    0x6A88: "données de référence introuvables",
    0x6B00: "paramètres P1-P2 incorrects (hors du fichier)",
    0x6D00: "instruction non supportée",
    0x6E00: "classe non supportée",
    0x6F00: "erreur inconnue de la carte",
    0x9804: "code porteur faux (CPS2ter)",
    0x9840: "code porteur bloqué (CPS2ter)",
    0x9404: "fichier introuvable (CPS2ter)",
}


def _unblock_code(command: bytes) -> bool:
    """The command counts the unblock code's tries, not the PIN's: VERIFY of reference 82 (docs/cards.md §2.2) or
    RESET RETRY COUNTER (its data is the unblock code)."""
    return len(command) >= 4 and (command[1] == 0x2C or (command[1] == 0x20 and command[3] == 0x82))


def sw_meaning(sw: int, command: bytes = b"") -> str:
    """French meaning of a status word; families (61xx, 6Cxx, 63Cx) carry their parameter. ``command``: the
    command answered, when known (a 63Cx then says whose tries it counts: the PIN's or the unblock code's)."""
    if sw == 0x6983 and _unblock_code(command):
        return _t("code de déblocage bloqué")
    if sw in _EXACT:
        return _EXACT[sw]
    sw1, sw2 = sw >> 8, sw & 0xFF
    if sw1 == 0x61:
        return f"{sw2 or 256} octets de réponse disponibles (GET RESPONSE)"
    if sw1 == 0x6C:
        return f"Le incorrect : renvoyer avec Le = {sw2 or 256}"
    if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
        tries = sw2 & 0x0F  # the session keeps French; the catalogue's plural entry reads it back agreeing
        if _unblock_code(command):
            return tn(
                "code de déblocage non vérifié ou faux, {count} essai restant",
                "code de déblocage non vérifié ou faux, {count} essais restants",
                tries,
                "fr",
            )
        return tn(
            "code porteur non vérifié ou faux, {count} essai restant",
            "code porteur non vérifié ou faux, {count} essais restants",
            tries,
            "fr",
        )
    if sw1 == 0x62:
        return "avertissement : mémoire non modifiée"
    if sw1 == 0x63:
        return "avertissement : mémoire modifiée"
    if sw1 == 0x64:
        return "erreur d'exécution : mémoire non modifiée"
    if sw1 == 0x65:
        return "erreur d'exécution : mémoire modifiée"
    if sw1 == 0x69:
        return "commande non autorisée"
    if sw1 == 0x6A:
        return "paramètres incorrects"
    return "statut inconnu"


def sw_ok(sw: int) -> bool:
    return sw == SW_OK or sw >> 8 == 0x61
