"""Every string the Teams front end shows, in en/de/it, with strict placeholders (a missing
value is an error; a test checks that the three languages use the same ones).

The phrases Slack shows too (finding, advice, rewrite, source, feedback…) carry the same
wording as bot/slack/i18n.py, so both front ends say the same thing.
"""

from __future__ import annotations

import string

from bot.models import Language

STRINGS: dict[str, dict[Language, str]] = {
    # -- shared with Slack -------------------------------------------------------------------
    "review_clean": {
        "en": "No traps found. Looks good!",
        "de": "Keine Fallen gefunden. Sieht gut aus!",
        "it": "Nessuna trappola trovata. Sembra a posto!",
    },
    "review_found": {
        "en": "{count} possible traps found",
        "de": "{count} mögliche Fallen gefunden",
        "it": "{count} possibili trappole trovate",
    },
    "review_found_one": {
        "en": "1 possible trap found",
        "de": "1 mögliche Falle gefunden",
        "it": "1 possibile trappola trovata",
    },
    "confidence": {
        "en": "confidence {percent}",
        "de": "Sicherheit {percent}",
        "it": "affidabilità {percent}",
    },
    "advice": {"en": "What to do", "de": "Was hilft", "it": "Cosa fare"},
    "rewrite": {"en": "Suggested rewrite", "de": "Vorschlag", "it": "Proposta di riscrittura"},
    "source": {"en": "Source", "de": "Quelle", "it": "Fonte"},
    "more_findings": {
        "en": "…and {count} more not shown here.",
        "de": "…und {count} weitere, hier nicht gezeigt.",
        "it": "…e altre {count} non mostrate qui.",
    },
    "helpful": {"en": "Helpful", "de": "Hilfreich", "it": "Utile"},
    "not_helpful": {"en": "Not helpful", "de": "Nicht hilfreich", "it": "Non utile"},
    "false_alarm": {"en": "False alarm", "de": "Fehlalarm", "it": "Falso allarme"},
    "thanks": {
        "en": "Thanks, your feedback was recorded.",
        "de": "Danke, Ihr Feedback wurde gespeichert.",
        "it": "Grazie, il vostro feedback è stato registrato.",
    },
    "traps_header": {
        "en": "The five social-media traps",
        "de": "Die fünf Social-Media-Fallen",
        "it": "Le cinque trappole dei social media",
    },
    "too_long": {
        "en": "That text has {length} characters; I can check at most {limit}. "
        "Please send a shorter part.",
        "de": "Der Text hat {length} Zeichen; ich prüfe höchstens {limit}. "
        "Bitte schicken Sie einen kürzeren Teil.",
        "it": "Il testo ha {length} caratteri; ne controllo al massimo {limit}. "
        "Inviatene una parte più breve.",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "de": "Entschuldigung, bei mir ist etwas schiefgegangen. "
        "Bitte versuchen Sie es gleich noch einmal.",
        "it": "Mi dispiace, qualcosa è andato storto da parte mia. Riprovate tra un momento.",
    },
    # -- Teams only ----------------------------------------------------------------------------
    "empty_check": {
        "en": "There is no text to check. Write the draft after “check this:”, or use "
        "“Check for social-media traps” in the menu of any message.",
        "de": "Es gibt keinen Text zu prüfen. Schreiben Sie den Entwurf hinter „prüf das:“, "
        "oder wählen Sie „Check for social-media traps“ im Menü einer Nachricht.",
        "it": "Non c'è nessun testo da controllare. Scrivete la bozza dopo «controlla questo:», "
        "oppure usate «Check for social-media traps» nel menu di un messaggio.",
    },
    "empty_question": {
        "en": "Ask me something about social-media strategy, e.g. “is social media only for "
        "marketing?”, or write “check this:” and a draft.",
        "de": "Fragen Sie mich etwas zur Social-Media-Strategie, z. B. „ist Social Media nur "
        "fürs Marketing?“, oder schreiben Sie „prüf das:“ und einen Entwurf.",
        "it": "Chiedetemi qualcosa sulla strategia social, per esempio «i social servono solo "
        "al marketing?», oppure scrivete «controlla questo:» e una bozza.",
    },
    "welcome_title": {
        "en": "Hello, I'm the social-media coach",
        "de": "Hallo, ich bin der Social-Media-Coach",
        "it": "Ciao, sono il coach dei social media",
    },
    "welcome_intro": {
        "en": "I answer questions about social-media strategy and check drafts for five "
        "common traps, in English, German and Italian.",
        "de": "Ich beantworte Fragen zur Social-Media-Strategie und prüfe Entwürfe auf fünf "
        "verbreitete Fallen, auf Deutsch, Englisch und Italienisch.",
        "it": "Rispondo a domande sulla strategia social e controllo le bozze per cinque "
        "trappole comuni, in italiano, inglese e tedesco.",
    },
    "welcome_how_header": {"en": "How to use me", "de": "So geht's", "it": "Come usarmi"},
    "welcome_how": {
        "en": "- In a channel or group chat, mention me with a question.\n"
        "- Mention me and write “check this:” followed by your draft.\n"
        "- In our 1:1 chat, just write: a question, or “check this:” and a draft.\n"
        "- On any message: … → More actions → “Check for social-media traps”.\n"
        "- In the compose box: the coach's “Check a draft” command, before you post.",
        "de": "- In einem Kanal oder Gruppenchat: erwähnen Sie mich mit einer Frage.\n"
        "- Erwähnen Sie mich und schreiben Sie „prüf das:“ und Ihren Entwurf.\n"
        "- In unserem 1:1-Chat einfach schreiben: eine Frage oder „prüf das:“ und einen "
        "Entwurf.\n"
        "- An jeder Nachricht: … → Weitere Aktionen → „Check for social-media traps“.\n"
        "- Im Eingabefeld: der Befehl „Check a draft“ des Coaches, bevor Sie posten.",
        "it": "- In un canale o in una chat di gruppo, menzionatemi con una domanda.\n"
        "- Menzionatemi e scrivete «controlla questo:» seguito dalla bozza.\n"
        "- Nella nostra chat 1:1 scrivete e basta: una domanda, o «controlla questo:» e una "
        "bozza.\n"
        "- Su qualsiasi messaggio: … → Altre azioni → «Check for social-media traps».\n"
        "- Nella casella di scrittura: il comando «Check a draft» del coach, prima di "
        "pubblicare.",
    },
    "digest_unavailable": {
        "en": "The weekly digest is not available in Teams on this server.",
        "de": "Der Wochenrückblick ist in Teams auf diesem Server nicht verfügbar.",
        "it": "Il riepilogo settimanale non è disponibile in Teams su questo server.",
    },
    "check_title": {
        "en": "Check for social-media traps",
        "de": "Auf Social-Media-Fallen prüfen",
        "it": "Controlla le trappole dei social media",
    },
    "no_message_text": {
        "en": "That message has no text I could check.",
        "de": "Diese Nachricht hat keinen Text, den ich prüfen könnte.",
        "it": "Quel messaggio non ha testo da controllare.",
    },
    "llm_slow": {
        "en": "The AI took too long for Teams to wait, so this is the offline check.",
        "de": "Die KI brauchte zu lange für Teams, daher ist dies die Offline-Prüfung.",
        "it": "L'IA ci ha messo troppo per Teams, quindi questo è il controllo offline.",
    },
    "unknown_action": {
        "en": "I don't know that button any more. Please ask me again.",
        "de": "Diesen Knopf kenne ich nicht mehr. Bitte fragen Sie mich erneut.",
        "it": "Non conosco più quel pulsante. Chiedetemi di nuovo, per favore.",
    },
}


def text(key: str, language: Language, **values: object) -> str:
    """The UI string `key` in `language`; every placeholder must be given (KeyError if not)."""
    template = STRINGS[key][language]
    missing = placeholders(template) - values.keys()
    if missing:
        raise KeyError(f"string {key!r} needs {sorted(missing)}")
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def language_of_locale(locale: str | None) -> Language | None:
    """`de-DE` → `de`; None for a locale the coach does not speak."""
    prefix = (locale or "").split("-")[0].split("_")[0].lower()
    return prefix if prefix in ("en", "de", "it") else None  # type: ignore[return-value]
