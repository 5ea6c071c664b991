"""The Teams digest's UI strings in en/de/it, in Adaptive Card markdown (**bold**, `- ` lists).

Kept here until the shared vocabulary (bot/i18n) exists; the wording follows Slack's digest so
both front ends say the same thing. `text()` is strict: a missing placeholder is a KeyError,
and a test renders every string in every language.
"""

from __future__ import annotations

import string

from bot.models import Language

STRINGS: dict[str, dict[Language, str]] = {
    "header": {
        "en": "Weekly coaching digest",
        "de": "Wöchentlicher Coaching-Digest",
        "it": "Digest settimanale del coach",
    },
    "period": {
        "en": "{start} – {end} · {scope}",
        "de": "{start} – {end} · {scope}",
        "it": "{start} – {end} · {scope}",
    },
    "scope_workspace": {
        "en": "the whole organisation",
        "de": "die ganze Organisation",
        "it": "l'intera organizzazione",
    },
    "scope_channel": {
        "en": "this channel only",
        "de": "nur dieser Kanal",
        "it": "solo questo canale",
    },
    "drafts_checked": {
        "en": "Drafts checked",
        "de": "Geprüfte Entwürfe",
        "it": "Bozze controllate",
    },
    "with_traps": {
        "en": "With at least one trap",
        "de": "Mit mindestens einer Falle",
        "it": "Con almeno una trappola",
    },
    "questions": {
        "en": "Questions answered",
        "de": "Beantwortete Fragen",
        "it": "Domande con risposta",
    },
    "last_week_value": {
        "en": "{count} (last week: {last})",
        "de": "{count} (Vorwoche: {last})",
        "it": "{count} (settimana scorsa: {last})",
    },
    "traps_title": {
        "en": "Traps flagged (change against last week)",
        "de": "Gemeldete Fallen (Veränderung zur Vorwoche)",
        "it": "Trappole segnalate (variazione rispetto alla settimana scorsa)",
    },
    "no_traps": {
        "en": "No trap flagged in the drafts checked this week.",
        "de": "In den geprüften Entwürfen dieser Woche wurde keine Falle gefunden.",
        "it": "Nessuna trappola nelle bozze controllate questa settimana.",
    },
    "topics_title": {
        "en": "What people asked about",
        "de": "Wonach gefragt wurde",
        "it": "Su cosa avete chiesto",
    },
    "not_covered": {
        "en": "outside the knowledge base",
        "de": "außerhalb der Wissensbasis",
        "it": "fuori dalla base di conoscenza",
    },
    "feedback": {
        "en": "Feedback: {helpful} helpful · {not_helpful} not helpful · {false_alarm} false "
        "alarms",
        "de": "Feedback: {helpful} hilfreich · {not_helpful} nicht hilfreich · {false_alarm} "
        "Fehlalarme",
        "it": "Feedback: {helpful} utili · {not_helpful} non utili · {false_alarm} falsi allarmi",
    },
    "featured_most": {
        "en": "Misconception of the week: #{number} {title} — the trap your drafts hit most.",
        "de": "Missverständnis der Woche: #{number} {title} — die Falle, in die Ihre Entwürfe "
        "am häufigsten getappt sind.",
        "it": "Idea sbagliata della settimana: #{number} {title} — la trappola più frequente "
        "nelle vostre bozze.",
    },
    "featured_tied": {
        "en": "Misconception of the week: #{number} {title} — one of the traps your drafts hit "
        "most.",
        "de": "Missverständnis der Woche: #{number} {title} — eine der Fallen, in die Ihre "
        "Entwürfe am häufigsten getappt sind.",
        "it": "Idea sbagliata della settimana: #{number} {title} — una delle trappole più "
        "frequenti nelle vostre bozze.",
    },
    "featured_quiet": {
        "en": "Tip of the week: #{number} {title}",
        "de": "Tipp der Woche: #{number} {title}",
        "it": "Consiglio della settimana: #{number} {title}",
    },
    "why": {"en": "Why it's wrong", "de": "Warum das falsch ist", "it": "Perché è sbagliato"},
    "instead": {
        "en": "What to do instead",
        "de": "Was stattdessen hilft",
        "it": "Cosa fare invece",
    },
    "quiet": {
        "en": "A quiet week: no drafts were checked and no questions asked.",
        "de": "Eine ruhige Woche: keine Entwürfe geprüft und keine Fragen gestellt.",
        "it": "Una settimana tranquilla: nessuna bozza controllata e nessuna domanda.",
    },
    "cta": {
        "en": "Before your next post or plan goes out: mention me with the draft, or use "
        "“Check for social-media traps” on its message.",
        "de": "Bevor Ihr nächster Beitrag oder Plan rausgeht: erwähnen Sie mich mit dem "
        "Entwurf, oder nutzen Sie „Check for social-media traps“ an der Nachricht.",
        "it": "Prima di pubblicare il prossimo post o piano: menzionatemi con la bozza, oppure "
        "usate «Check for social-media traps» sul messaggio.",
    },
    "summary_note": {
        "en": "Summary written by the AI; all figures come from the coach's records.",
        "de": "Zusammenfassung von der KI formuliert; alle Zahlen stammen aus den Aufzeichnungen "
        "des Coachs.",
        "it": "Riepilogo scritto dall'IA; tutti i numeri provengono dai registri del coach.",
    },
    "fallback": {
        "en": "Weekly coaching digest: {count} drafts checked, {traps} traps flagged.",
        "de": "Wöchentlicher Coaching-Digest: {count} Entwürfe geprüft, {traps} Fallen gemeldet.",
        "it": "Digest settimanale del coach: {count} bozze controllate, {traps} trappole "
        "segnalate.",
    },
    "chart_title": {
        "en": "Traps flagged: this week against last week",
        "de": "Gemeldete Fallen: diese Woche gegen Vorwoche",
        "it": "Trappole segnalate: questa settimana e la scorsa",
    },
    "this_week": {"en": "this week", "de": "diese Woche", "it": "questa settimana"},
    "last_week": {"en": "last week", "de": "Vorwoche", "it": "settimana scorsa"},
    "chart_alt": {
        "en": "Bar chart of traps flagged, this week against last week: {figures}",
        "de": "Balkendiagramm der gemeldeten Fallen, diese Woche gegen Vorwoche: {figures}",
        "it": "Grafico a barre delle trappole segnalate, questa settimana e la scorsa: {figures}",
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
    "bad_argument": {
        "en": "I didn't understand “{value}”.",
        "de": "„{value}“ habe ich nicht verstanden.",
        "it": "Non ho capito «{value}».",
    },
    "bad_timezone": {
        "en": "“{value}” is not a time zone I know; use a name such as Europe/Berlin or UTC.",
        "de": "„{value}“ ist keine Zeitzone, die ich kenne; nutzen Sie z. B. Europe/Berlin "
        "oder UTC.",
        "it": "«{value}» non è un fuso orario che conosco; usate per esempio Europe/Rome o UTC.",
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
    "schedule": {
        "en": "{weekday} at {time} ({timezone})",
        "de": "{weekday} um {time} ({timezone})",
        "it": "{weekday} alle {time} ({timezone})",
    },
    "weekdays": {
        "en": "Mondays,Tuesdays,Wednesdays,Thursdays,Fridays,Saturdays,Sundays",
        "de": "montags,dienstags,mittwochs,donnerstags,freitags,samstags,sonntags",
        "it": "il lunedì,il martedì,il mercoledì,il giovedì,il venerdì,il sabato,la domenica",
    },
    "unavailable": {
        "en": "I couldn't read the figures just now; please try again in a moment.",
        "de": "Ich konnte die Zahlen gerade nicht lesen; bitte versuchen Sie es gleich noch "
        "einmal.",
        "it": "Non sono riuscito a leggere i numeri; riprovate tra un momento.",
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

LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "de": "Deutsch", "it": "Italiano"}


def text(key: str, language: Language, **values: object) -> str:
    """The string `key` in `language`; every placeholder must be given (KeyError if not)."""
    template = STRINGS[key][language]
    missing = placeholders(template) - values.keys()
    if missing:
        raise KeyError(f"string {key!r} needs {sorted(missing)}")
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
