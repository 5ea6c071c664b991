"""Core-level phrases in en/de/it for offline answers; UI strings live with each transport."""

from __future__ import annotations

from bot.models import Language

PHRASES: dict[str, dict[Language, str]] = {
    "why": {"en": "Why", "de": "Warum", "it": "Perché"},
    "instead": {
        "en": "What to do instead",
        "de": "Was stattdessen hilft",
        "it": "Cosa fare invece",
    },
    "see_also": {"en": "See also", "de": "Siehe auch", "it": "Vedi anche"},
    "not_covered": {
        "en": "That is outside what I know, so I'd rather not guess. My knowledge covers five "
        "common social-media misconceptions of companies:",
        "de": "Das liegt außerhalb meines Wissens, deshalb rate ich lieber nicht. Mein Wissen "
        "umfasst fünf verbreitete Social-Media-Missverständnisse von Unternehmen:",
        "it": "Questo va oltre le mie conoscenze, quindi preferisco non tirare a indovinare. "
        "Conosco cinque idee sbagliate sui social media molto diffuse tra le aziende:",
    },
    "can_help": {
        "en": "Ask me about one of these, or give me a draft post or plan to check for these "
        "traps.",
        "de": "Fragen Sie mich zu einem dieser Punkte oder geben Sie mir einen Entwurf oder Plan, "
        "den ich auf diese Fallen prüfe.",
        "it": "Chiedetemi di uno di questi temi, oppure datemi una bozza o un piano da "
        "controllare per queste trappole.",
    },
    "truncated": {
        "en": "The text was longer than {limit} characters; only the first {limit} were checked.",
        "de": "Der Text war länger als {limit} Zeichen; geprüft wurden nur die ersten {limit}.",
        "it": "Il testo superava i {limit} caratteri; sono stati controllati solo i primi {limit}.",
    },
}


def phrase(key: str, language: Language, **values: object) -> str:
    return PHRASES[key][language].format(**values)


# Names of the languages the detector recognises but the coach does not review, in each
# interface language (for "This text looks French: …"); any other code is shown as is.
OTHER_LANGUAGES: dict[str, dict[Language, str]] = {
    "fr": {"en": "French", "de": "Französisch", "it": "francese"},
    "es": {"en": "Spanish", "de": "Spanisch", "it": "spagnolo"},
    "pt": {"en": "Portuguese", "de": "Portugiesisch", "it": "portoghese"},
    "nl": {"en": "Dutch", "de": "Niederländisch", "it": "olandese"},
}


def language_name(code: str, language: Language) -> str:
    return OTHER_LANGUAGES.get(code, {}).get(language, code)
