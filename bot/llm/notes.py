"""The discreet notes a reply carries when the LLM path did not give the whole answer."""

from __future__ import annotations

from bot.models import Language

NOTES: dict[str, dict[Language, str]] = {
    "offline": {
        "en": "Answered by the offline coach: the AI service gave no usable reply this time.",
        "de": "Antwort des Offline-Coachs: Der KI-Dienst hat diesmal keine brauchbare Antwort "
        "geliefert.",
        "it": "Risposta del coach offline: questa volta il servizio di IA non ha dato una "
        "risposta utilizzabile.",
    },
    "draft_cut": {
        "en": "The draft is long: the AI reviewed its first {chars} characters; the offline "
        "check covered all of it.",
        "de": "Der Entwurf ist lang: Die KI hat die ersten {chars} Zeichen geprüft, die "
        "Offline-Prüfung den ganzen Text.",
        "it": "La bozza è lunga: l'IA ne ha esaminato i primi {chars} caratteri; il controllo "
        "offline l'ha coperta tutta.",
    },
    "question_cut": {
        "en": "The question is long: the AI read its first {chars} characters.",
        "de": "Die Frage ist lang: Die KI hat die ersten {chars} Zeichen gelesen.",
        "it": "La domanda è lunga: l'IA ne ha letto i primi {chars} caratteri.",
    },
}


def note(key: str, language: Language, **values: object) -> str:
    return NOTES[key][language].format(**values)
