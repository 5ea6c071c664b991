"""Every string the Slack app shows, in en/de/it. Placeholders are strict: a missing value is an
error, and a test checks that all three languages use the same placeholders."""

from __future__ import annotations

import string

from bot.models import LANGUAGES, Language
from bot.slack.digest.i18n import DIGEST_STRINGS

STRINGS: dict[str, dict[Language, str]] = {
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
    "share": {"en": "Share in channel", "de": "Im Channel teilen", "it": "Condividi nel canale"},
    "helpful": {"en": "Helpful", "de": "Hilfreich", "it": "Utile"},
    "not_helpful": {"en": "Not helpful", "de": "Nicht hilfreich", "it": "Non utile"},
    "false_alarm": {"en": "False alarm", "de": "Fehlalarm", "it": "Falso allarme"},
    "thanks": {
        "en": "Thanks, your feedback was recorded.",
        "de": "Danke, Ihr Feedback wurde gespeichert.",
        "it": "Grazie, il vostro feedback è stato registrato.",
    },
    "shared_by": {
        "en": "Shared by <@{user}>",
        "de": "Geteilt von <@{user}>",
        "it": "Condiviso da <@{user}>",
    },
    "share_expired": {
        "en": "This result can no longer be shared; please run the check again.",
        "de": "Dieses Ergebnis kann nicht mehr geteilt werden; bitte erneut prüfen.",
        "it": "Questo risultato non si può più condividere; ripetete il controllo.",
    },
    "working": {"en": "Working on it…", "de": "Einen Moment…", "it": "Un momento…"},
    "help": {
        "en": "I'm the social-media coach. I answer questions about social-media strategy and "
        "check drafts for five common traps.\n"
        "• `/coach ask <question>` (or just `/coach <question>`)\n"
        "• `/coach check <draft>`, or `/coach check` alone to paste a draft in a form\n"
        "• `/coach traps` lists the five traps\n"
        "• Mention me in a thread: ask a question, or write `check this` to check its "
        "first message\n"
        "• Message menu → *Check for traps*\n"
        "• Or write to me directly in my Messages tab.",
        "de": "Ich bin der Social-Media-Coach. Ich beantworte Fragen zur Social-Media-Strategie "
        "und prüfe Entwürfe auf fünf verbreitete Fallen.\n"
        "• `/coach ask <Frage>` (oder einfach `/coach <Frage>`)\n"
        "• `/coach check <Entwurf>`, oder nur `/coach check` für ein Formular\n"
        "• `/coach traps` zeigt die fünf Fallen\n"
        "• Erwähnen Sie mich in einem Thread: stellen Sie eine Frage oder schreiben Sie "
        "`prüf das`, dann prüfe ich die erste Nachricht\n"
        "• Nachrichtenmenü → *Check for traps*\n"
        "• Oder schreiben Sie mir direkt in meinem Nachrichten-Tab.",
        "it": "Sono il coach dei social media. Rispondo a domande sulla strategia social e "
        "controllo le bozze per cinque trappole comuni.\n"
        "• `/coach ask <domanda>` (o semplicemente `/coach <domanda>`)\n"
        "• `/coach check <bozza>`, oppure solo `/coach check` per incollarla in un modulo\n"
        "• `/coach traps` elenca le cinque trappole\n"
        "• Menzionatemi in un thread: fate una domanda o scrivete `controlla questo` per "
        "controllare il primo messaggio\n"
        "• Menu del messaggio → *Check for traps*\n"
        "• Oppure scrivetemi direttamente nella scheda Messaggi.",
    },
    "unknown_command": {
        "en": "I don't know the command “{name}”.",
        "de": "Den Befehl „{name}“ kenne ich nicht.",
        "it": "Non conosco il comando «{name}».",
    },
    "traps_header": {
        "en": "The five social-media traps",
        "de": "Die fünf Social-Media-Fallen",
        "it": "Le cinque trappole dei social media",
    },
    "empty_check": {
        "en": "There is no text to check. Write the draft after `/coach check`, or run "
        "`/coach check` alone to paste it in a form.",
        "de": "Es gibt keinen Text zu prüfen. Schreiben Sie den Entwurf hinter `/coach check` "
        "oder öffnen Sie mit `/coach check` allein ein Formular.",
        "it": "Non c'è nessun testo da controllare. Scrivete la bozza dopo `/coach check`, "
        "oppure usate solo `/coach check` per incollarla in un modulo.",
    },
    "empty_question": {
        "en": "Ask me something about social-media strategy, e.g. `/coach ask is social media "
        "only for marketing?`, or give me a draft to check.",
        "de": "Fragen Sie mich etwas zur Social-Media-Strategie, z. B. `/coach ask ist Social "
        "Media nur fürs Marketing?`, oder geben Sie mir einen Entwurf zum Prüfen.",
        "it": "Chiedetemi qualcosa sulla strategia social, per esempio `/coach ask i social "
        "servono solo al marketing?`, oppure datemi una bozza da controllare.",
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
    "thread_unread": {
        "en": "I couldn't read the thread just now (Slack limits how often I may), so I checked "
        "only the text of your mention.",
        "de": "Ich konnte den Thread gerade nicht lesen (Slack begrenzt, wie oft ich darf), "
        "deshalb habe ich nur den Text Ihrer Erwähnung geprüft.",
        "it": "Non sono riuscito a leggere il thread in questo momento (Slack limita quanto "
        "spesso posso farlo), quindi ho controllato solo il testo della vostra menzione.",
    },
    "thread_unread_empty": {
        "en": "I couldn't read the thread just now (Slack limits how often I may). Paste the "
        "draft after `check` and I'll look at it.",
        "de": "Ich konnte den Thread gerade nicht lesen (Slack begrenzt, wie oft ich darf). "
        "Fügen Sie den Entwurf hinter `prüf das` ein, dann sehe ich ihn mir an.",
        "it": "Non sono riuscito a leggere il thread in questo momento (Slack limita quanto "
        "spesso posso farlo). Incollate la bozza dopo `controlla` e la guardo.",
    },
    "nothing_to_check_here": {
        "en": "Mention me inside the thread of the post you want checked, or write the draft "
        "after `check`.",
        "de": "Erwähnen Sie mich im Thread des Beitrags, den ich prüfen soll, oder schreiben "
        "Sie den Entwurf hinter `prüf das`.",
        "it": "Menzionatemi nel thread del post da controllare, oppure scrivete la bozza dopo "
        "`controlla`.",
    },
    "no_message_text": {
        "en": "That message has no text I can check.",
        "de": "Diese Nachricht enthält keinen Text, den ich prüfen kann.",
        "it": "Questo messaggio non contiene testo da controllare.",
    },
    "modal_title": {"en": "Check a draft", "de": "Entwurf prüfen", "it": "Controlla una bozza"},
    "modal_submit": {"en": "Check", "de": "Prüfen", "it": "Controlla"},
    "modal_close": {"en": "Cancel", "de": "Abbrechen", "it": "Annulla"},
    "modal_label": {"en": "Your draft", "de": "Ihr Entwurf", "it": "La vostra bozza"},
    "modal_hint": {
        "en": "A post, plan or message. I'll look for the five social-media traps.",
        "de": "Ein Beitrag, Plan oder eine Nachricht. Ich suche nach den fünf Social-Media-Fallen.",
        "it": "Un post, un piano o un messaggio. Cercherò le cinque trappole dei social media.",
    },
    "modal_empty": {
        "en": "Paste a draft to check.",
        "de": "Fügen Sie einen Entwurf zum Prüfen ein.",
        "it": "Incollate una bozza da controllare.",
    },
    "home_intro": {
        "en": "I answer questions about social-media strategy from a curated knowledge base and "
        "check drafts, posts and plans for five traps before they are published.",
        "de": "Ich beantworte Fragen zur Social-Media-Strategie aus einer kuratierten "
        "Wissensbasis und prüfe Entwürfe, Beiträge und Pläne vor der Veröffentlichung "
        "auf fünf Fallen.",
        "it": "Rispondo a domande sulla strategia social partendo da una base di conoscenza "
        "curata e controllo bozze, post e piani per cinque trappole prima della pubblicazione.",
    },
    "home_how": {
        "en": "How to use the coach",
        "de": "So nutzen Sie den Coach",
        "it": "Come usare il coach",
    },
    "home_digest": {
        "en": "Digest subscriptions",
        "de": "Digest-Abonnements",
        "it": "Abbonamenti al digest",
    },
    "prompts_title": {"en": "Try one of these", "de": "Probieren Sie", "it": "Provate"},
    "prompt_1": {
        "en": "Is social media only a marketing channel?",
        "de": "Ist Social Media nur ein Marketingkanal?",
        "it": "I social media sono solo un canale di marketing?",
    },
    "prompt_2": {
        "en": "When will our social media pay off?",
        "de": "Wann zahlt sich Social Media für uns aus?",
        "it": "Quando ci ripagheranno i social media?",
    },
    "prompt_3": {
        "en": "Check this: We'll go viral with one post and it costs nothing!",
        "de": "Prüf das: Mit einem Beitrag gehen wir viral und es kostet nichts!",
        "it": "Controlla questo: con un solo post diventeremo virali e non costa nulla!",
    },
    "prompt_1_title": {
        "en": "Only for marketing?",
        "de": "Nur Marketing?",
        "it": "Solo marketing?",
    },
    "prompt_2_title": {
        "en": "When does it pay off?",
        "de": "Wann lohnt es sich?",
        "it": "Quando rende?",
    },
    "prompt_3_title": {"en": "Check a draft", "de": "Entwurf prüfen", "it": "Controlla una bozza"},
    "review_other_language": {
        "en": "This text looks {name}. The coach reviews English, German and Italian; "
        "what follows is only a best-effort check.",
        "de": "Dieser Text ist anscheinend auf {name}. Der Coach prüft Englisch, Deutsch und "
        "Italienisch; was folgt, ist nur eine Prüfung nach bestem Vermögen.",
        "it": "Questo testo sembra scritto in {name}. Il coach esamina inglese, tedesco e "
        "italiano; quanto segue è solo un controllo indicativo.",
    },
}

STRINGS.update(DIGEST_STRINGS)  # the weekly digest's strings live in their own module

_LOCALES: dict[str, Language] = {"en": "en", "de": "de", "it": "it"}


def text(key: str, language: Language, **values: object) -> str:
    """The UI string `key` in `language`; every placeholder must be given (KeyError if not)."""
    template = STRINGS[key][language]
    needed = placeholders(template)
    missing = needed - values.keys()
    if missing:
        raise KeyError(f"string {key!r} needs {sorted(missing)}")
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def language_of_locale(locale: str | None) -> Language | None:
    """`de-DE` → `de`; None for a locale the coach does not speak."""
    if not locale:
        return None
    return _LOCALES.get(locale.split("-")[0].split("_")[0].lower())


__all__ = ["LANGUAGES", "STRINGS", "language_of_locale", "placeholders", "text"]
