"""The phrases only the Teams digest shows, in en/de/it, in Adaptive Card markdown (**bold**).

Every digest phrase a Slack user sees too (headings, figures, the misconception of the week,
the chart's labels, schedule words) comes from the shared catalogue, bot.i18n; what is left
here names Teams' own ways: "@Coach digest …", team owners, "this channel", the organisation.
`text()` is strict: a missing placeholder is a KeyError, and a test renders every string in
every language with the same placeholders.
"""

from __future__ import annotations

import string

from bot.models import Language

STRINGS: dict[str, dict[Language, str]] = {
    "scope_workspace": {
        "en": "the whole organisation",
        "de": "die ganze Organisation",
        "it": "l'intera organizzazione",
    },
    "topics_title": {
        "en": "What people asked about",
        "de": "Wonach gefragt wurde",
        "it": "Su cosa avete chiesto",
    },
    "cta": {
        "en": "Before your next post or plan goes out: mention me with the draft, or use "
        "“Check for social-media traps” on its message.",
        "de": "Bevor Ihr nächster Beitrag oder Plan rausgeht: erwähnen Sie mich mit dem "
        "Entwurf, oder nutzen Sie „Check for social-media traps“ an der Nachricht.",
        "it": "Prima di pubblicare il prossimo post o piano: menzionatemi con la bozza, oppure "
        "usate «Check for social-media traps» sul messaggio.",
    },
    "preview_note": {
        "en": "Preview of the digest as it would be posted now. The real one arrives as a new "
        "post in this channel on schedule.",
        "de": "Vorschau des Digests, wie er jetzt gepostet würde. Der echte kommt planmäßig als "
        "neuer Beitrag in diesen Kanal.",
        "it": "Anteprima del digest come verrebbe pubblicato ora. Quello vero arriva come nuovo "
        "post in questo canale, secondo il programma.",
    },
    # -- the command -----------------------------------------------------------------------
    "usage": {
        "en": "Usage: **@Coach digest subscribe** [weekday] [HH:MM] [time zone] [channel] "
        "[en|de|it] · **@Coach digest unsubscribe** · **@Coach digest preview** · "
        "**@Coach digest list**. Default: Mondays 09:00 in your time zone, counting the whole "
        "organisation; add `channel` to count only this channel.",
        "de": "So geht's: **@Coach digest subscribe** [Wochentag] [HH:MM] [Zeitzone] [channel] "
        "[en|de|it] · **@Coach digest unsubscribe** · **@Coach digest preview** · "
        "**@Coach digest list**. Standard: montags 09:00 in Ihrer Zeitzone, für die ganze "
        "Organisation; mit `channel` zählt nur dieser Kanal.",
        "it": "Uso: **@Coach digest subscribe** [giorno] [HH:MM] [fuso orario] [channel] "
        "[en|de|it] · **@Coach digest unsubscribe** · **@Coach digest preview** · "
        "**@Coach digest list**. Predefinito: il lunedì alle 09:00 nel vostro fuso orario, per "
        "l'intera organizzazione; aggiungete `channel` per contare solo questo canale.",
    },
    "here_only": {
        "en": "In Teams the digest command works on the channel it is typed in: send it in "
        "the channel that should get the digest, without naming a channel.",
        "de": "In Teams gilt der Digest-Befehl für den Kanal, in dem er steht: senden Sie ihn "
        "in dem Kanal, der den Digest bekommen soll, ohne einen Kanal zu nennen.",
        "it": "In Teams il comando digest vale per il canale in cui lo scrivete: inviatelo nel "
        "canale che deve ricevere il digest, senza indicare un canale.",
    },
    "needs_channel": {
        "en": "Digests go to team channels: mention me with **digest subscribe** in the "
        "channel that should get it.",
        "de": "Digests gehen an Team-Kanäle: erwähnen Sie mich mit **digest subscribe** in dem "
        "Kanal, der ihn bekommen soll.",
        "it": "I digest vanno nei canali di un team: menzionatemi con **digest subscribe** nel "
        "canale che deve riceverlo.",
    },
    "subscribed": {
        "en": "This channel now gets the weekly digest as a new post: {schedule}, {scope}, "
        "in English.",
        "de": "Dieser Kanal bekommt den wöchentlichen Digest jetzt als neuen Beitrag: "
        "{schedule}, {scope}, auf Deutsch.",
        "it": "Questo canale riceverà il digest settimanale come nuovo post: {schedule}, "
        "{scope}, in italiano.",
    },
    "updated": {
        "en": "Changed this channel's digest: {schedule}, {scope}, in English.",
        "de": "Digest dieses Kanals geändert: {schedule}, {scope}, auf Deutsch.",
        "it": "Digest di questo canale modificato: {schedule}, {scope}, in italiano.",
    },
    "unsubscribed": {
        "en": "This channel no longer gets the weekly digest.",
        "de": "Dieser Kanal bekommt den wöchentlichen Digest nicht mehr.",
        "it": "Questo canale non riceverà più il digest settimanale.",
    },
    "not_subscribed": {
        "en": "This channel has no digest subscription.",
        "de": "Dieser Kanal hat kein Digest-Abonnement.",
        "it": "Questo canale non ha un abbonamento al digest.",
    },
    "list_title": {
        "en": "Digest subscriptions in this organisation",
        "de": "Digest-Abonnements in dieser Organisation",
        "it": "Abbonamenti al digest in questa organizzazione",
    },
    "list_none": {
        "en": "No channel gets the weekly digest yet. Mention me with **digest subscribe** in "
        "a channel to start one.",
        "de": "Noch bekommt kein Kanal den wöchentlichen Digest. Erwähnen Sie mich mit "
        "**digest subscribe** in einem Kanal, um zu beginnen.",
        "it": "Nessun canale riceve ancora il digest settimanale. Menzionatemi con **digest "
        "subscribe** in un canale per iniziare.",
    },
    "list_line": {
        "en": "{channel}: {schedule}, {scope}, {language_name}",
        "de": "{channel}: {schedule}, {scope}, {language_name}",
        "it": "{channel}: {schedule}, {scope}, {language_name}",
    },
    "this_channel": {"en": "this channel", "de": "dieser Kanal", "it": "questo canale"},
    "other_channel": {
        "en": "another channel",
        "de": "ein anderer Kanal",
        "it": "un altro canale",
    },
    "managers_admins": {
        "en": "Only the team's owners can subscribe channels to the digest or unsubscribe them.",
        "de": "Nur die Besitzer des Teams können Kanäle für den Digest an- oder abmelden.",
        "it": "Solo i proprietari del team possono iscrivere i canali al digest o cancellarli.",
    },
    "managers_listed": {
        "en": "Only the people named in the coach's settings and the team's owners can "
        "subscribe channels to the digest or unsubscribe them.",
        "de": "Nur die in den Einstellungen des Coachs genannten Personen und die Besitzer des "
        "Teams können Kanäle für den Digest an- oder abmelden.",
        "it": "Solo le persone indicate nelle impostazioni del coach e i proprietari del team "
        "possono iscrivere i canali al digest o cancellarli.",
    },
    "refused": {
        "en": "Sorry, you can't change digest subscriptions. {managers} **digest preview** and "
        "**digest list** work for everyone.",
        "de": "Digest-Abonnements können Sie leider nicht ändern. {managers} **digest preview** "
        "und **digest list** kann jeder nutzen.",
        "it": "Non potete modificare gli abbonamenti al digest. {managers} **digest preview** e "
        "**digest list** sono aperti a tutti.",
    },
    "role_unknown": {
        "en": "(I couldn't check your role in this team just now; if you are an owner, try "
        "again in a minute.)",
        "de": "(Ich konnte Ihre Rolle in diesem Team gerade nicht prüfen; falls Sie Besitzer "
        "sind, versuchen Sie es in einer Minute noch einmal.)",
        "it": "(Non sono riuscito a verificare il vostro ruolo in questo team; se ne siete "
        "proprietari, riprovate tra un minuto.)",
    },
}


def text(key: str, language: Language, **values: object) -> str:
    """The string `key` in `language`; every placeholder must be given (KeyError if not)."""
    template = STRINGS[key][language]
    missing = placeholders(template) - values.keys()
    if missing:
        raise KeyError(f"string {key!r} needs {sorted(missing)}")
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
