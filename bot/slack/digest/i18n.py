"""The weekly digest's UI strings in en/de/it; `bot.slack.i18n` merges them into its one table,
so `text()` and the placeholder test cover them like every other string."""

from __future__ import annotations

from bot.models import Language

DIGEST_STRINGS: dict[str, dict[Language, str]] = {
    "digest_header": {
        "en": "Weekly coaching digest",
        "de": "Wöchentlicher Coaching-Digest",
        "it": "Digest settimanale del coach",
    },
    "digest_period": {
        "en": "{start} – {end} · {scope}",
        "de": "{start} – {end} · {scope}",
        "it": "{start} – {end} · {scope}",
    },
    "digest_scope_workspace": {
        "en": "the whole workspace",
        "de": "der ganze Workspace",
        "it": "l'intero workspace",
    },
    "digest_scope_channel": {
        "en": "this channel only",
        "de": "nur dieser Channel",
        "it": "solo questo canale",
    },
    "digest_drafts": {
        "en": "Drafts checked: *{count}* (last week: {last}) · with at least one trap: *{flagged}*",
        "de": "Geprüfte Entwürfe: *{count}* (Vorwoche: {last}) · mit mindestens einer Falle: "
        "*{flagged}*",
        "it": "Bozze controllate: *{count}* (settimana scorsa: {last}) · con almeno una "
        "trappola: *{flagged}*",
    },
    "digest_traps_title": {
        "en": "*Traps flagged* (change against last week)",
        "de": "*Gemeldete Fallen* (Veränderung zur Vorwoche)",
        "it": "*Trappole segnalate* (variazione rispetto alla settimana scorsa)",
    },
    "digest_no_traps": {
        "en": "No trap flagged in the drafts checked this week.",
        "de": "In den geprüften Entwürfen dieser Woche wurde keine Falle gefunden.",
        "it": "Nessuna trappola nelle bozze controllate questa settimana.",
    },
    "digest_questions_title": {
        "en": "*Questions answered: {count}* (last week: {last})",
        "de": "*Beantwortete Fragen: {count}* (Vorwoche: {last})",
        "it": "*Domande con risposta: {count}* (settimana scorsa: {last})",
    },
    "digest_not_covered": {
        "en": "outside the knowledge base",
        "de": "außerhalb der Wissensbasis",
        "it": "fuori dalla base di conoscenza",
    },
    "digest_feedback": {
        "en": "*Feedback:* {helpful} helpful · {not_helpful} not helpful · {false_alarm} false "
        "alarms",
        "de": "*Feedback:* {helpful} hilfreich · {not_helpful} nicht hilfreich · {false_alarm} "
        "Fehlalarme",
        "it": "*Feedback:* {helpful} utili · {not_helpful} non utili · {false_alarm} falsi allarmi",
    },
    "digest_featured_most": {
        "en": "*Misconception of the week: #{number} {title}* — the trap your drafts hit most.",
        "de": "*Missverständnis der Woche: #{number} {title}* — die Falle, in die Ihre "
        "Entwürfe am häufigsten getappt sind.",
        "it": "*Idea sbagliata della settimana: #{number} {title}* — la trappola più frequente "
        "nelle vostre bozze.",
    },
    "digest_featured_tied": {
        "en": "*Misconception of the week: #{number} {title}* — one of the traps your drafts "
        "hit most.",
        "de": "*Missverständnis der Woche: #{number} {title}* — eine der Fallen, in die Ihre "
        "Entwürfe am häufigsten getappt sind.",
        "it": "*Idea sbagliata della settimana: #{number} {title}* — una delle trappole più "
        "frequenti nelle vostre bozze.",
    },
    "digest_featured_quiet": {
        "en": "*Tip of the week: #{number} {title}*",
        "de": "*Tipp der Woche: #{number} {title}*",
        "it": "*Consiglio della settimana: #{number} {title}*",
    },
    "digest_why": {
        "en": "Why it's wrong",
        "de": "Warum das falsch ist",
        "it": "Perché è sbagliato",
    },
    "digest_instead": {
        "en": "What to do instead",
        "de": "Was stattdessen hilft",
        "it": "Cosa fare invece",
    },
    "digest_quiet": {
        "en": "A quiet week: no drafts were checked and no questions asked.",
        "de": "Eine ruhige Woche: keine Entwürfe geprüft und keine Fragen gestellt.",
        "it": "Una settimana tranquilla: nessuna bozza controllata e nessuna domanda.",
    },
    "digest_cta": {
        "en": "Before your next post or plan goes out: `/coach check <draft>`, or mention me in "
        "its thread with `check this`.",
        "de": "Bevor Ihr nächster Beitrag oder Plan rausgeht: `/coach check <Entwurf>`, oder "
        "erwähnen Sie mich im Thread mit `prüf das`.",
        "it": "Prima di pubblicare il prossimo post o piano: `/coach check <bozza>`, oppure "
        "menzionatemi nel suo thread con `controlla questo`.",
    },
    "digest_chart_in_thread": {
        "en": "The chart of this week against last is in the thread.",
        "de": "Das Diagramm dieser Woche gegen die Vorwoche steht im Thread.",
        "it": "Il grafico di questa settimana rispetto alla scorsa è nel thread.",
    },
    "digest_summary_note": {
        "en": "Summary written by the AI; all figures come from the coach's records.",
        "de": "Zusammenfassung von der KI formuliert; alle Zahlen stammen aus den Aufzeichnungen "
        "des Coachs.",
        "it": "Riepilogo scritto dall'IA; tutti i numeri provengono dai registri del coach.",
    },
    "digest_fallback": {
        "en": "Weekly coaching digest: {count} drafts checked, {traps} traps flagged.",
        "de": "Wöchentlicher Coaching-Digest: {count} Entwürfe geprüft, {traps} Fallen gemeldet.",
        "it": "Digest settimanale del coach: {count} bozze controllate, {traps} trappole "
        "segnalate.",
    },
    "digest_chart_title": {
        "en": "Traps flagged: this week against last week",
        "de": "Gemeldete Fallen: diese Woche gegen Vorwoche",
        "it": "Trappole segnalate: questa settimana e la scorsa",
    },
    "digest_this_week": {"en": "this week", "de": "diese Woche", "it": "questa settimana"},
    "digest_last_week": {"en": "last week", "de": "Vorwoche", "it": "settimana scorsa"},
    "digest_chart_alt": {
        "en": "Bar chart of traps flagged, this week against last week: {figures}",
        "de": "Balkendiagramm der gemeldeten Fallen, diese Woche gegen Vorwoche: {figures}",
        "it": "Grafico a barre delle trappole segnalate, questa settimana e la scorsa: {figures}",
    },
    "digest_preview_note": {
        "en": "Preview — only you can see it. A posted digest also gets its chart in the thread.",
        "de": "Vorschau — nur Sie sehen sie. Ein geposteter Digest bekommt sein Diagramm im "
        "Thread.",
        "it": "Anteprima — solo voi la vedete. Un digest pubblicato ha anche il grafico nel "
        "thread.",
    },
    "digest_usage": {
        "en": "Usage: `/coach digest subscribe [#channel] [weekday] [HH:MM] [time zone] "
        "[channel]` · `/coach digest unsubscribe [#channel]` · `/coach digest preview` · "
        "`/coach digest list`. Default: Mondays 09:00 in your time zone, counting the whole "
        "workspace; add `channel` to count only that channel.",
        "de": "So geht's: `/coach digest subscribe [#Channel] [Wochentag] [HH:MM] [Zeitzone] "
        "[channel]` · `/coach digest unsubscribe [#Channel]` · `/coach digest preview` · "
        "`/coach digest list`. Standard: montags 09:00 in Ihrer Zeitzone, für den ganzen "
        "Workspace; mit `channel` zählt nur dieser Channel.",
        "it": "Uso: `/coach digest subscribe [#canale] [giorno] [HH:MM] [fuso orario] "
        "[channel]` · `/coach digest unsubscribe [#canale]` · `/coach digest preview` · "
        "`/coach digest list`. Predefinito: il lunedì alle 09:00 nel vostro fuso orario, per "
        "l'intero workspace; aggiungete `channel` per contare solo quel canale.",
    },
    "digest_bad_argument": {
        "en": "I didn't understand “{value}”.",
        "de": "„{value}“ habe ich nicht verstanden.",
        "it": "Non ho capito «{value}».",
    },
    "digest_bad_timezone": {
        "en": "“{value}” is not a time zone I know; use a name such as Europe/Berlin or UTC.",
        "de": "„{value}“ ist keine Zeitzone, die ich kenne; nutzen Sie z. B. Europe/Berlin "
        "oder UTC.",
        "it": "«{value}» non è un fuso orario che conosco; usate per esempio Europe/Rome o UTC.",
    },
    "digest_needs_channel": {
        "en": "Digests go to channels: run this in a channel, or name one, e.g. "
        "`/coach digest subscribe #marketing`.",
        "de": "Digests gehen an Channels: führen Sie den Befehl in einem Channel aus oder "
        "nennen Sie einen, z. B. `/coach digest subscribe #marketing`.",
        "it": "I digest vanno nei canali: eseguite il comando in un canale o indicatene uno, "
        "per esempio `/coach digest subscribe #marketing`.",
    },
    "digest_subscribed": {
        "en": "<#{channel}> now gets the weekly digest: {schedule}, {scope}, in English.",
        "de": "<#{channel}> bekommt jetzt den wöchentlichen Digest: {schedule}, {scope}, auf "
        "Deutsch.",
        "it": "<#{channel}> riceverà il digest settimanale: {schedule}, {scope}, in italiano.",
    },
    "digest_updated": {
        "en": "Changed the digest of <#{channel}>: {schedule}, {scope}, in English.",
        "de": "Digest von <#{channel}> geändert: {schedule}, {scope}, auf Deutsch.",
        "it": "Digest di <#{channel}> modificato: {schedule}, {scope}, in italiano.",
    },
    "digest_invite": {
        "en": "If I'm not in that channel yet, invite me (`/invite @coach`), or I cannot post "
        "there.",
        "de": "Falls ich noch nicht im Channel bin, laden Sie mich ein (`/invite @coach`), sonst "
        "kann ich dort nicht posten.",
        "it": "Se non sono ancora nel canale, invitatemi (`/invite @coach`), altrimenti non "
        "posso pubblicarvi.",
    },
    "digest_unsubscribed": {
        "en": "<#{channel}> no longer gets the weekly digest.",
        "de": "<#{channel}> bekommt den wöchentlichen Digest nicht mehr.",
        "it": "<#{channel}> non riceverà più il digest settimanale.",
    },
    "digest_not_subscribed": {
        "en": "<#{channel}> has no digest subscription.",
        "de": "<#{channel}> hat kein Digest-Abonnement.",
        "it": "<#{channel}> non ha un abbonamento al digest.",
    },
    "digest_list_none": {
        "en": "No channel gets the weekly digest yet. Type `/coach digest subscribe` in a "
        "channel to start one.",
        "de": "Noch bekommt kein Channel den wöchentlichen Digest. Tippen Sie in einem Channel "
        "`/coach digest subscribe`, um zu beginnen.",
        "it": "Nessun canale riceve ancora il digest settimanale. Scrivete `/coach digest "
        "subscribe` in un canale per iniziare.",
    },
    "digest_list_line": {
        "en": "• <#{channel}> — {schedule}, {scope}, {language_name}",
        "de": "• <#{channel}> — {schedule}, {scope}, {language_name}",
        "it": "• <#{channel}> — {schedule}, {scope}, {language_name}",
    },
    "digest_schedule": {
        "en": "{weekday} at {time} ({timezone})",
        "de": "{weekday} um {time} ({timezone})",
        "it": "{weekday} alle {time} ({timezone})",
    },
    "digest_weekdays": {
        "en": "Mondays,Tuesdays,Wednesdays,Thursdays,Fridays,Saturdays,Sundays",
        "de": "montags,dienstags,mittwochs,donnerstags,freitags,samstags,sonntags",
        "it": "il lunedì,il martedì,il mercoledì,il giovedì,il venerdì,il sabato,la domenica",
    },
    "digest_unavailable": {
        "en": "I couldn't read the figures just now; please try again in a moment.",
        "de": "Ich konnte die Zahlen gerade nicht lesen; bitte versuchen Sie es gleich noch "
        "einmal.",
        "it": "Non sono riuscito a leggere i numeri; riprovate tra un momento.",
    },
    "digest_managers_admins": {
        "en": "Only workspace admins and owners can subscribe channels to the digest or "
        "unsubscribe them.",
        "de": "Nur Admins und Inhaber des Workspace können Channels für den Digest an- oder "
        "abmelden.",
        "it": "Solo gli amministratori e i proprietari del workspace possono iscrivere i canali "
        "al digest o cancellarli.",
    },
    "digest_managers_listed": {
        "en": "Only {people} and the workspace's admins and owners can subscribe channels to "
        "the digest or unsubscribe them.",
        "de": "Nur {people} sowie Admins und Inhaber des Workspace können Channels für den "
        "Digest an- oder abmelden.",
        "it": "Solo {people} e gli amministratori e i proprietari del workspace possono "
        "iscrivere i canali al digest o cancellarli.",
    },
    "digest_refused": {
        "en": "Sorry, you can't change digest subscriptions. {managers} `/coach digest preview` "
        "and `/coach digest list` work for everyone.",
        "de": "Digest-Abonnements können Sie leider nicht ändern. {managers} "
        "`/coach digest preview` und `/coach digest list` kann jeder nutzen.",
        "it": "Non potete modificare gli abbonamenti al digest. {managers} "
        "`/coach digest preview` e `/coach digest list` sono aperti a tutti.",
    },
    "digest_role_unknown": {
        "en": "(I couldn't check your Slack role just now; if you are one of them, try again "
        "in a minute.)",
        "de": "(Ich konnte Ihre Rolle in Slack gerade nicht prüfen; falls Sie dazugehören, "
        "versuchen Sie es in einer Minute noch einmal.)",
        "it": "(Non sono riuscito a verificare il vostro ruolo in Slack; se ne fate parte, "
        "riprovate tra un minuto.)",
    },
    "digest_plain_channel": {
        "en": "I can't tell which channel “{value}” is: Slack sent its name, not a link. Type "
        "# and pick the channel from the list Slack offers, or run the command in the channel "
        "itself without naming one.",
        "de": "Welcher Channel „{value}“ ist, kann ich nicht erkennen: Slack hat nur den Namen "
        "geschickt, keinen Link. Tippen Sie # und wählen Sie den Channel aus der Liste, die "
        "Slack anbietet, oder nutzen Sie den Befehl im Channel selbst ohne Namen.",
        "it": "Non riesco a capire quale canale sia «{value}»: Slack ha inviato solo il nome, "
        "non un link. Digitate # e scegliete il canale dall'elenco proposto da Slack, oppure "
        "usate il comando nel canale stesso senza nominarlo.",
    },
}

LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "de": "Deutsch", "it": "Italiano"}
