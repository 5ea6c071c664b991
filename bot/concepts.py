"""Cross-lingual concepts: words in en/de/it mapped onto the ideas the five traps are made of.

"kein Budget", "no budget" and "nessun budget" become the same concept pair NEG+BUDGET, so what
the detector learns in one language carries to the other two and to wordings it never saw.
Entries match at the start of a word (so "answer" covers "answered", "answering"); an entry
starting with "*" also matches inside a word, for German compounds ("Kommentarfunktion").
The lexicon follows the labelling guide (shared/spec/traps.md), not any evaluation text.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations

from bot.models import Language

_LEXICON: dict[str, dict[str, str]] = {
    "NEG": {
        "en": "no, not, never, don't, dont, doesn't, won't, can't, cannot, isn't, aren't, none, "
        "nobody, without, nothing, neither, nor, zero",
        "de": "kein, nicht, nie, niemals, ohne, nichts, niemand, weder, null",
        "it": "non, nessun, nessuno, nessuna, mai, senza, niente, nulla, né, zero",
    },
    "REPLY": {
        "en": "answer, reply, replies, replied, respond, response, engage, dialog, dialogue, "
        "conversation, interact, get back to",
        "de": "antwort, *antwort, reagier, reaktion, rückmeld, dialog, gespräch, interagier, "
        "eingehen, *melden",
        "it": "rispond, rispost, replic, dialog, conversaz, interag",
    },
    "COMMENT": {
        "en": "comment, dm, dms, message, inbox, question, mention, review, feedback",
        "de": "*kommentar, dm, dms, *nachricht, anfrage, *frage, erwähnung, bewertung, feedback, "
        "postfach",
        "it": "comment, dm, messagg, domand, menzion, recension, feedback, direct",
    },
    "COMPLAINT": {
        "en": "complain, complaint, criticism, negative, angry, upset, troll, shitstorm",
        "de": "*beschwerde, beschwer, reklamation, kritik, negativ, *ärger, wütend, shitstorm",
        "it": "lamentel, reclam, critic, negativ, arrabbiat, polemic, shitstorm",
    },
    "IGNORE": {
        "en": "ignore, ignoring, unanswered, leave it, let them",
        "de": "ignorier, übergeh, unbeantwortet, liegen lassen, links liegen",
        "it": "ignor, lasciar cadere, lasciamo perdere, senza risposta",
    },
    "DISABLE": {
        "en": "disable, switch off, switched off, turn off, turned off, shut off, closed, hide, "
        "block, mute, lock",
        "de": "deaktivier, abschalt, ausschalt, *abgeschaltet, *ausgeschaltet, sperr, blockier, "
        "ausblend, zumachen",
        "it": "disattiv, disabilit, chius, spegn, spent, blocc, nascond",
    },
    "ONLY": {
        "en": "only, just, solely, exclusively, purely, nothing else",
        "de": "nur, ausschließlich, allein, lediglich, sonst nichts",
        "it": "solo, soltanto, esclusivament, unicament, solamente",
    },
    "PROMO": {
        "en": "promo, promotion, advert, ads, product, offer, discount, sale, launch, news, "
        "campaign, announcement, broadcast, megaphone, billboard, showcase, brochure, coupon",
        "de": "werbung, *werb, anzeige, ads, produkt, *produkt, angebot, *angebot, rabatt, aktion, "
        "launch, news, *news, kampagne, ankündigung, schaufenster, prospekt, gutschein",
        "it": "promo, promozion, pubblicit, ads, prodott, offert, sconti, sconto, lancio, novità, "
        "campagn, annunc, vetrina, volantin, coupon",
    },
    "ROI": {
        "en": "roi, return, payback, pay off, pays off, conversion, convert",
        "de": "roi, *rendite, ertrag, *return, rentier, lohnt, lohnen, konver",
        "it": "roi, ritorno, rendiment, rende, convers, convert, ripag",
    },
    "MONEY_RESULT": {
        "en": "lead, leads, sale, sales, revenue, orders, bookings, signups, sign-ups, new customers",
        "de": "lead, leads, umsatz, *umsatz, verkauf, *verkäufe, bestellung, buchung, anmeldung, "
        "neukunden",
        "it": "lead, vendit, fattur, ricav, ordin, prenotaz, iscrizion, nuovi clienti",
    },
    "EACH": {
        "en": "every, each, per, single, individual",
        "de": "jede, jeder, jedes, jeden, pro, einzeln",
        "it": "ogni, ciascun, singol, per",
    },
    "POST": {
        "en": "post, tweet, update, story, reel, video, carousel",
        "de": "post, *post, *beitrag, *beiträge, tweet, update, story, reel, video",
        "it": "post, tweet, aggiornament, storia, storie, reel, video, pubblicazion, contenut",
    },
    "SHORT_TIME": {
        "en": "day, days, week, weeks, immediately, instantly, tomorrow, hour, hours, overnight, "
        "same day, right away, asap, straight away, by friday, end of the month",
        "de": "tag, tage, tagen, *tägig, woche, wochen, sofort, *sofort, morgen, stunde, stunden, "
        "gleich, ende des monats, monatsende, bis freitag, über nacht",
        "it": "giorn, settiman, subito, immediat, domani, ore, stesso giorno, entro venerdì, "
        "fine mese, fine del mese",
    },
    "CANCEL": {
        "en": "close, shut, cancel, stop, kill, drop, pull, delete, quit, axe, end it, abandon, "
        "scrap, pause",
        "de": "schließ, einstell, stopp, abbrech, streich, lösch, aufgeb, dicht, beend, "
        "abschaff, pausier",
        "it": "chiud, cancell, sospend, interromp, elimin, stop, abbandon, tagli, spegn",
    },
    "MEASURE": {
        "en": "measure, track, report, kpi, target, goal, must bring, must deliver, deliver, "
        "expect, at least",
        "de": "mess, *messen, kpi, ziel, bringen, liefer, erwart, muss, müssen, mindestens",
        "it": "misur, traccia, report, kpi, obiettiv, target, portar, deve, devono, aspett, "
        "almeno",
    },
    "MARKETING": {
        "en": "marketing, brand, comms, communications, social team, social media team, agency",
        "de": "marketing, *marketing, brand, marke, *kommunikation, agentur",
        "it": "marketing, brand, comunicazion, agenzi",
    },
    "FRONTLINE": {
        "en": "support, service, customer care, helpdesk, help desk, pr, press, sales, hr, "
        "engineer, staff, colleagues, reception, store, shop, front desk",
        "de": "support, *service, kundenservice, kundendienst, *support, presse, pr, vertrieb, "
        "außendienst, mitarbeit, kolleg, empfang, rezeption, filial, technik",
        "it": "assistenza, supporto, servizio clienti, customer care, ufficio stampa, pr, "
        "commercial, venditor, personal, collegh, reception, negozi, tecnic, front office",
    },
    "PERMISSION": {
        "en": "may, allowed, permission, access, password, login, touch, keep out, stay out, "
        "off limits, must not, mustn't",
        "de": "darf, dürfen, erlaubt, berechtig, zugang, passwort, login, zugriff, raushalten, "
        "finger weg",
        "it": "può, possono, permess, autorizz, accesso, password, login, credenzial, toccare",
    },
    "EVERYTHING": {
        "en": "everything, all, alone, whole, entire",
        "de": "alles, alle, allein, komplett, gesamt",
        "it": "tutto, tutti, tutte, da solo, da sola, intero",
    },
    "JUNIOR": {
        "en": "intern, trainee, student, junior, volunteer, work experience",
        "de": "praktikant, praktikum, werkstudent, azubi, trainee, volontär, *praktikant",
        "it": "stagista, tirocinant, stagiaire, junior, volontari",
    },
    "APPROVAL": {
        "en": "approve, approval, sign off, sign-off, signoff, sign-offs, review, check, "
        "clear, green light",
        "de": "freigab, *freigabe, genehmig, abnahme, absegn, prüf, *prüfung, abstimm, abzeichn",
        "it": "approv, via libera, autorizzazion, firma, verific, controll, revision, ok di",
    },
    "AUTHORITY": {
        "en": "legal, lawyer, counsel, compliance, ceo, board, director, management, "
        "executive, owner, boss, founder",
        "de": "recht, *recht, jurist, anwalt, *anwalt, compliance, ceo, vorstand, geschäftsführ, "
        "*leitung, chef, inhaber, gründer, aufsichtsrat",
        "it": "legal, avvocat, compliance, ceo, cda, consiglio, amministrator, direttor, "
        "direzion, titolar, capo, fondator",
    },
    "PERFECT": {
        "en": "perfect, flawless, error-free, faultless, polished, bulletproof, zero risk, "
        "100% right, nothing can go wrong",
        "de": "perfekt, *fehlerfrei, makellos, hundertprozentig, wasserdicht, kein risiko",
        "it": "perfett, impeccabil, senza errori, infallibil, blindat, rischio zero",
    },
    "MISTAKE": {
        "en": "mistake, error, typo, wrong, blunder, fail, gaffe, slip, mishap, oops, incorrect",
        "de": "fehler, *fehler, tippfehler, panne, falsch, fauxpas, patzer, versehen",
        "it": "errore, errori, refuso, sbagli, gaffe, svista, scivolon",
    },
    "HIDE": {
        "en": "quietly, silently, secretly, hide, pretend, nobody notices, say nothing, "
        "cover up, sweep, unnoticed, no one notices",
        "de": "heimlich, still und leise, stillschweigend, kommentarlos, verschweig, vertusch, "
        "unbemerkt, verheimlich, nichts sagen",
        "it": "zitti, in silenzio, di nascosto, nascond, far finta, insabbi, sottobanco, "
        "senza dire niente, senza dire nulla",
    },
    "DELETE": {
        "en": "delete, deleted, remove, take down, takedown, wipe, erase",
        "de": "lösch, entfern, runternehm, offline nehm",
        "it": "cancell, elimin, rimuov, togli",
    },
    "FEAR": {
        "en": "risk, risky, afraid, scared, fear, disaster, catastrophe, crisis, panic, "
        "dangerous, ruin, nightmare, embarrass",
        "de": "risiko, riskant, angst, *angst, katastroph, krise, panik, gefährlich, ruin, "
        "albtraum, blamage, blamier",
        "it": "rischi, paura, timor, disastr, catastrof, crisi, panico, pericol, rovin, incubo, "
        "figuracc, brutta figura",
    },
    "WAIT": {
        "en": "until, wait, postpone, hold off, not yet, in advance, ahead, beforehand",
        "de": "bis, erst wenn, erst dann, warten, verschieb, vorher, vorab, im voraus",
        "it": "finché, fino a quando, aspett, rimand, prima di, in anticipo",
    },
    "FREE": {
        "en": "free, costs nothing, cost nothing, gratis, for nothing, no cost, zero cost",
        "de": "kostenlos, gratis, umsonst, kostet nichts, kostet nix, nix kosten, kostenfrei",
        "it": "gratis, gratuit, a costo zero, non costa, costa niente, costa nulla",
    },
    "BUDGET": {
        "en": "budget, spend, money, cost, costs, invest, pay, paid, funding, resources",
        "de": "budget, *budget, geld, kosten, *kosten, investi, bezahl, ausgab, etat, ressourc, "
        "mittel",
        "it": "budget, spes, soldi, cost, investi, pagar, pagat, fond, risors",
    },
    "SPARE_TIME": {
        "en": "spare time, on the side, free time, evenings, weekend, lunch break, when we have "
        "time, when they have time, downtime, in between, whoever has time, side project",
        "de": "nebenbei, freizeit, zwischendurch, feierabend, abends, wochenende, mittagspause, "
        "wenn zeit ist, wer gerade zeit hat, nebenher",
        "it": "tempo libero, ritagli, la sera, weekend, pausa pranzo, quando c'è tempo, "
        "quando ha tempo, chi ha tempo, tempi morti, nei momenti liberi",
    },
    "NOBODY": {
        "en": "nobody, no one, anyone, someone, whoever, assign, dedicated, owner, hire, "
        "headcount",
        "de": "niemand, keiner, jemand, irgendwer, zuständig, verantwortlich, einstell, stelle",
        "it": "nessuno, qualcuno, chiunque, assegn, dedicat, responsabil, assum",
    },
    "ORGANIC": {
        "en": "organic, organically, viral, word of mouth, by itself, on its own, itself",
        "de": "organisch, viral, mundpropaganda, von selbst, von allein, läuft",
        "it": "organic, viral, passaparola, da sola, da sé, da solo",
    },
    "NEED": {
        "en": "need, needed, necessary, require",
        "de": "brauch, nötig, notwendig, benötig",
        "it": "serv, bisogno, necessari, occorr",
    },
    "LONG_TIME": {
        "en": "year, years, quarter, long-term, long term, patience, months",
        "de": "jahr, jahre, quartal, langfristig, geduld, monate",
        "it": "anno, anni, trimestr, lungo termine, pazienza, mesi",
    },
}

_UNIVERSAL = {"ROI": "roi", "AUTHORITY": "ceo, cfo, cmo", "MONEY_RESULT": "crm"}


def _pattern(words: str) -> str:
    """Alternation for one language's entries: multi-word phrases and single stems."""
    inner, starts = [], []
    for entry in sorted(set(_split(words)), key=len, reverse=True):
        escaped = re.escape(entry.lstrip("*"))
        if len(entry) <= 3:
            escaped += r"(?![^\W_])"  # "pr", "per", "all" only as whole words
        (inner if entry.startswith("*") else starts).append(escaped)
    parts = []
    if starts:
        parts.append(r"(?<![^\W_])(?:" + "|".join(starts) + ")")
    if inner:
        parts.append("(?:" + "|".join(inner) + ")")
    return "|".join(parts)


def _split(words: str) -> list[str]:
    return [w.strip() for w in words.split(",") if w.strip()]


@cache
def _compiled(language: Language) -> tuple[tuple[str, re.Pattern[str]], ...]:
    compiled = []
    for concept, by_language in _LEXICON.items():
        words = by_language[language] + ", " + _UNIVERSAL.get(concept, "")
        compiled.append((concept, re.compile(_pattern(words), re.IGNORECASE)))
    return tuple(compiled)


def concepts(text: str, language: Language) -> list[str]:
    """The concepts a text mentions, in order of first appearance."""
    lowered = text.lower()
    found = []
    for concept, pattern in _compiled(language):
        match = pattern.search(lowered)
        if match:
            found.append((match.start(), concept))
    return [concept for _, concept in sorted(found)]


# What a text does *not* mention matters too: a launch plan with promotion and no replies.
_ABSENCE = ("REPLY", "FRONTLINE", "BUDGET", "NOBODY")


def concept_tokens(text: str, language: Language) -> str:
    """Concepts, concept pairs and notable absences as space-separated vectorizer tokens."""
    found = concepts(text, language)
    found += [f"no-{c}" for c in _ABSENCE if c not in found]
    pairs = [f"{a}+{b}" for a, b in combinations(sorted(found), 2)]
    return " ".join([*found, *pairs])
