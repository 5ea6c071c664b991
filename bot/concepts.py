"""Cross-lingual concepts: words in en/de/it mapped onto the ideas the five traps are made of.

"kein Budget", "no budget" and "nessun budget" become the same concept pair NEG+BUDGET, so what
the detector learns in one language carries to the other two and to wordings it never saw.
Entries match at the start of a word (so "answer" covers "answered", "answering"); an entry
starting with "*" also matches inside a word, for German compounds ("Kommentarfunktion").
The lexicon follows the labelling guide (shared/spec/traps.md), not any evaluation text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations

from bot.models import Language

_LEXICON: dict[str, dict[str, str]] = {
    "NEG": {
        "en": (
            "no, not, never, don't, dont, doesn't, won't, can't, cannot, isn't, aren't, none, "
            "nobody, without, nothing, neither, nor, zero"
        ),
        "de": "kein, nicht, nie, niemals, ohne, nichts, niemand, weder, null",
        "it": "non, nessun, nessuno, nessuna, mai, senza, niente, nulla, né, zero",
    },
    "REPLY": {
        "en": (
            "answer, reply, replies, replied, respond, response, engage, dialog, dialogue, "
            "conversation, interact, get back to"
        ),
        "de": (
            "antwort, *antwort, reagier, reaktion, rückmeld, dialog, gespräch, interagier, "
            "eingehen, *melden"
        ),
        "it": "rispond, rispost, replic, dialog, conversaz, interag",
    },
    "COMMENT": {
        "en": "comment, dm, dms, message, inbox, question, mention, review, feedback",
        "de": (
            "*kommentar, dm, dms, *nachricht, anfrage, *frage, erwähnung, bewertung, feedback, "
            "postfach"
        ),
        "it": "comment, dm, messagg, domand, menzion, recension, feedback, direct",
    },
    "COMPLAINT": {
        "en": "complain, complaint, criticism, negative, angry, upset, troll, shitstorm",
        "de": "*beschwerde, beschwer, reklamation, kritik, negativ, *ärger, wütend, shitstorm",
        "it": "lamentel, reclam, critic, negativ, arrabbiat, polemic, shitstorm",
    },
    "IGNORE": {
        "en": (
            "ignore, ignoring, unanswered, leave it, let them, skip, background noise, scroll "
            "away, not our job, not what the account is for"
        ),
        "de": (
            "ignorier, übergeh, unbeantwortet, liegen lassen, links liegen, nicht beachten, "
            "übersehen, nicht unser job, ist nicht aufgabe"
        ),
        "it": (
            "ignor, lasciar cadere, lasciamo perdere, senza risposta, lascia stare, lasciali, non "
            "considerar, non è compito"
        ),
    },
    "DISABLE": {
        "en": (
            "disable, switch off, switched off, turn off, turned off, shut off, closed, hide, "
            "block, mute, lock, out of scope, hidden, not monitored, skip, background noise, "
            "scroll away, comments off, replies off, dms off, comment section off"
        ),
        "de": (
            "deaktivier, abschalt, ausschalt, *abgeschaltet, *ausgeschaltet, sperr, blockier, "
            "ausblend, zumachen, entfällt, nicht betreut, ausgeblendet, abgeschaltet, kommentare "
            "aus, dms aus, kommentarfunktion aus, bleiben aus, bleibt aus, sind aus"
        ),
        "it": (
            "disattiv, disabilit, chius, spegn, spent, blocc, nascond, non presidiat, non "
            "monitorat, fuori ambito, saltiamo"
        ),
    },
    "ONLY": {
        "en": "only, just, solely, exclusively, purely, nothing else",
        "de": "nur, ausschließlich, allein, lediglich, sonst nichts",
        "it": "solo, soltanto, esclusivament, unicament, solamente",
    },
    "PROMO": {
        "en": (
            "promo, promotion, advert, ads, product, offer, discount, sale, launch, news, "
            "campaign, announcement, broadcast, megaphone, billboard, showcase, brochure, coupon"
        ),
        "de": (
            "werbung, *werb, anzeige, ads, produkt, *produkt, angebot, *angebot, rabatt, aktion, "
            "launch, news, *news, kampagne, ankündigung, schaufenster, prospekt, gutschein"
        ),
        "it": (
            "promo, promozion, pubblicit, ads, prodott, offert, sconti, sconto, lancio, novità, "
            "campagn, annunc, vetrina, volantin, coupon"
        ),
    },
    "ROI": {
        "en": (
            "roi, return, payback, pay off, pays off, conversion, convert, paid for itself, pay "
            "for itself, pays for itself, paid off, pay back, worth it, paying off, paying for "
            "itself, pay for themselves"
        ),
        "de": (
            "roi, *rendite, ertrag, *return, rentier, lohnt, lohnen, konver, sich rechnen, "
            "rechnet sich, amortisier, geld gebracht, bringt nichts"
        ),
        "it": (
            "roi, ritorno, rendiment, rende, convers, convert, ripag, ripaga, si ripaga, rientro, "
            "ne vale la pena"
        ),
    },
    "MONEY_RESULT": {
        "en": (
            "lead, leads, sale, sales, revenue, orders, bookings, signups, sign-ups, new "
            "customers, contract, deal, deals, units, applications, mandates, orders, sold, "
            "trial, money"
        ),
        "de": (
            "lead, leads, umsatz, *umsatz, verkauf, *verkäufe, bestellung, buchung, anmeldung, "
            "neukunden, abschluss, abschlüsse, auftr, vertr, bewerbung, mandat, trial, geld"
        ),
        "it": (
            "lead, vendit, fattur, ricav, ordin, prenotaz, iscrizion, nuovi clienti, contratt, "
            "incarich, candidatur, unità, pezzi, soldi"
        ),
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
        "en": (
            "day, days, week, weeks, immediately, instantly, tomorrow, hour, hours, overnight, "
            "same day, right away, asap, straight away, by friday, end of the month, fortnight, "
            "by noon, tonight, first week, end of the day, end of day, by monday"
        ),
        "de": (
            "tag, tage, tagen, *tägig, woche, wochen, sofort, *sofort, morgen, stunde, stunden, "
            "gleich, ende des monats, monatsende, bis freitag, über nacht, heute abend, bis "
            "mittag, erste woche, ersten woche, nach zwei wochen, ab sofort"
        ),
        "it": (
            "giorn, settiman, subito, immediat, domani, ore, stesso giorno, entro venerdì, fine "
            "mese, fine del mese, stasera, entro sera, prima settimana, entro mezzogiorno, a fine "
            "giornata"
        ),
    },
    "CANCEL": {
        "en": (
            "close, shut, cancel, stop, kill, drop, pull, delete, quit, axe, end it, abandon, "
            "scrap, pause, freeze, lock, private, pause all, pull every, or it goes, gets cut, it "
            "goes."
        ),
        "de": (
            "schließ, einstell, stopp, abbrech, streich, lösch, aufgeb, dicht, beend, abschaff, "
            "pausier, einfrieren, auf privat, privat stellen, sperren, lassen wir weg"
        ),
        "it": (
            "chiud, cancell, sospend, interromp, elimin, stop, abbandon, tagli, spegn, congel, "
            "privato, sospendere tutto, via il post, via la pagina"
        ),
    },
    "MEASURE": {
        "en": (
            "measure, track, report, kpi, target, goal, must bring, must deliver, deliver, "
            "expect, at least"
        ),
        "de": "mess, *messen, kpi, ziel, bringen, liefer, erwart, muss, müssen, mindestens",
        "it": "misur, traccia, report, kpi, obiettiv, target, portar, deve, devono, aspett, almeno",
    },
    "MARKETING": {
        "en": "marketing, brand, comms, communications, social team, social media team, agency",
        "de": "marketing, *marketing, brand, marke, *kommunikation, agentur",
        "it": "marketing, brand, comunicazion, agenzi",
    },
    "FRONTLINE": {
        "en": (
            "support, service, customer care, helpdesk, help desk, pr, press, sales, hr, "
            "engineer, staff, colleagues, reception, store, shop, front desk, teachers, store "
            "managers, associates, departments, customer success, reps, workshop, nurses, agents"
        ),
        "de": (
            "support, *service, kundenservice, kundendienst, *support, presse, pr, vertrieb, "
            "außendienst, mitarbeit, kolleg, empfang, rezeption, filial, technik, lehrkräfte, "
            "*leiter, abteilung, customer success, werkstatt, beratung, *berater, pflege"
        ),
        "it": (
            "assistenza, supporto, servizio clienti, customer care, ufficio stampa, pr, "
            "commercial, venditor, personal, collegh, reception, negozi, tecnic, front office, "
            "insegnanti, responsabili di negozio, reparti, banco, consulent, sportell, operator"
        ),
    },
    "PERMISSION": {
        "en": (
            "may, allowed, permission, access, password, login, touch, keep out, stay out, off "
            "limits, must not, mustn't, admin, admin rights, keys, lock down, revoke, involved, "
            "in their lane, shouldn't, not engage, belongs to"
        ),
        "de": (
            "darf, dürfen, erlaubt, berechtig, zugang, passwort, login, zugriff, raushalten, "
            "finger weg, admin, rechte, entzog, eingebunden, ausgeklammert, sache, gehört"
        ),
        "it": (
            "può, possono, permess, autorizz, accesso, password, login, credenzial, toccare, "
            "admin, diritti, chiavi, coinvol, esclus, compito del, spetta"
        ),
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
        "en": (
            "approve, approval, sign off, sign-off, signoff, sign-offs, review, check, clear, "
            "green light, signature, signatures, initialled, five approvals, approved by"
        ),
        "de": (
            "freigab, *freigabe, genehmig, abnahme, absegn, prüf, *prüfung, abstimm, abzeichn, "
            "unterschrift, *freigabe, abgesegnet, gegengelesen, dreimal gelesen"
        ),
        "it": (
            "approv, via libera, autorizzazion, firma, verific, controll, revision, ok di, visto, "
            "firmato, firmati, approvato da"
        ),
    },
    "AUTHORITY": {
        "en": (
            "legal, lawyer, counsel, compliance, ceo, board, director, management, executive, "
            "owner, boss, founder"
        ),
        "de": (
            "recht, *recht, jurist, anwalt, *anwalt, compliance, ceo, vorstand, geschäftsführ, "
            "*leitung, chef, inhaber, gründer, aufsichtsrat"
        ),
        "it": (
            "legal, avvocat, compliance, ceo, cda, consiglio, amministrator, direttor, direzion, "
            "titolar, capo, fondator"
        ),
    },
    "PERFECT": {
        "en": (
            "perfect, flawless, error-free, faultless, polished, bulletproof, zero risk, 100% "
            "right, nothing can go wrong, every possible, 100%, 100 %, slightly off, 100% final"
        ),
        "de": (
            "perfekt, *fehlerfrei, makellos, hundertprozentig, wasserdicht, kein risiko, jedes "
            "mögliche, 100 %, 100%, zu 100 % steht"
        ),
        "it": (
            "perfett, impeccabil, senza errori, infallibil, blindat, rischio zero, ogni "
            "possibile, nemmeno una virgola, certo che"
        ),
    },
    "MISTAKE": {
        "en": "mistake, error, typo, wrong, blunder, fail, gaffe, slip, mishap, oops, incorrect",
        "de": "fehler, *fehler, tippfehler, panne, falsch, fauxpas, patzer, versehen",
        "it": "errore, errori, refuso, sbagli, gaffe, svista, scivolon",
    },
    "HIDE": {
        "en": (
            "quietly, silently, secretly, hide, pretend, nobody notices, say nothing, cover up, "
            "sweep, unnoticed, no one notices, as if nothing, without a word, without notice, "
            "never referenced, don't acknowledge, nobody needs to know, hope nobody, no "
            "announcement, official line, no apology, pretend"
        ),
        "de": (
            "heimlich, still und leise, stillschweigend, kommentarlos, verschweig, vertusch, "
            "unbemerkt, verheimlich, nichts sagen, als wäre nichts, als wär nix, als wäre nie, "
            "ohne hinweis, kein wort, ohne kommentar, offiziell, verschwinden, weg damit, keine "
            "stellungnahme, keine erklärung"
        ),
        "it": (
            "zitti, in silenzio, di nascosto, nascond, far finta, insabbi, sottobanco, senza dire "
            "niente, senza dire nulla, come se niente fosse, finta di niente, senza "
            "comunicazioni, senza commenti, non se ne parla, nessuna rettifica, problema tecnico, "
            "ufficialmente"
        ),
    },
    "DELETE": {
        "en": "delete, deleted, remove, take down, takedown, wipe, erase",
        "de": "lösch, entfern, runternehm, offline nehm",
        "it": "cancell, elimin, rimuov, togli",
    },
    "FEAR": {
        "en": (
            "risk, risky, afraid, scared, fear, disaster, catastrophe, crisis, panic, dangerous, "
            "ruin, nightmare, embarrass, finished, the end of us, scandal, reputation, not worth "
            "the risk, goes viral, backlash, nothing can happen, one bad, one wrong"
        ),
        "de": (
            "risiko, riskant, angst, *angst, katastroph, krise, panik, gefährlich, ruin, "
            "albtraum, blamage, blamier, erledigt, skandal, ruf, kann nichts passieren, ein "
            "falsches, zeitung, krisenszenario"
        ),
        "it": (
            "rischi, paura, timor, disastr, catastrof, crisi, panico, pericol, rovin, incubo, "
            "figuracc, brutta figura, finiti, finito, scandalo, reputazione, basta un, fuori "
            "posto"
        ),
    },
    "WAIT": {
        "en": "until, wait, postpone, hold off, not yet, in advance, ahead, beforehand",
        "de": "bis, erst wenn, erst dann, warten, verschieb, vorher, vorab, im voraus",
        "it": "finché, fino a quando, aspett, rimand, prima di, in anticipo",
    },
    "FREE": {
        "en": (
            "free, costs nothing, cost nothing, gratis, for nothing, no cost, zero cost, doesn't "
            "cost, does not cost, not cost us, no extra cost, costs us nothing"
        ),
        "de": (
            "kostenlos, gratis, umsonst, kostet nichts, kostet nix, nix kosten, kostenfrei, "
            "kostet uns ja nichts, keine kosten, nichts extra, kostet ja nichts, kostet nix"
        ),
        "it": (
            "gratis, gratuit, a costo zero, non costa, costa niente, costa nulla, non ci costa, "
            "nessun costo, costo zero"
        ),
    },
    "BUDGET": {
        "en": "budget, spend, money, cost, costs, invest, pay, paid, funding, resources",
        "de": (
            "budget, *budget, geld, kosten, *kosten, investi, bezahl, ausgab, etat, ressourc, "
            "mittel"
        ),
        "it": "budget, spes, spender, soldi, cost, investi, pagar, pagat, fond, risors",
    },
    "SPARE_TIME": {
        "en": (
            "spare time, on the side, free time, evenings, weekend, lunch break, when we have "
            "time, when they have time, downtime, in between, whoever has time, side project, as "
            "they can, whenever, fits in around, in between, breaks, quiet shifts, when it's "
            "quiet, quiet times"
        ),
        "de": (
            "nebenbei, freizeit, zwischendurch, feierabend, abends, wochenende, mittagspause, "
            "wenn zeit ist, wer gerade zeit hat, nebenher, in der pause, wenn mal luft ist, wenn "
            "nix los, eigeninitiative, im bestand, läuft mit, nebenher"
        ),
        "it": (
            "tempo libero, ritagli, la sera, weekend, pausa pranzo, quando c'è tempo, quando ha "
            "tempo, chi ha tempo, tempi morti, nei momenti liberi, quando possono, quando capita, "
            "a tempo perso, nelle pause, quando non c'è gente"
        ),
    },
    "NOBODY": {
        "en": (
            "nobody, no one, anyone, someone, whoever, assign, dedicated, owner, hire, headcount, "
            "fte, time allocated, no extra hours, nobody officially"
        ),
        "de": (
            "niemand, keiner, jemand, irgendwer, zuständig, verantwortlich, einstell, stelle, "
            "fte, keine zusätzlichen stunden, zusätzliche stunden, offiziell zuständig"
        ),
        "it": (
            "nessuno, qualcuno, chiunque, assegn, dedicat, responsabil, assum, fte, nessuna ora, "
            "ore in più, nessun incaricato"
        ),
    },
    "ORGANIC": {
        "en": "organic, organically, viral, word of mouth, by itself, on its own",
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
    "ZERO_MONEY": {
        "en": (
            "0 €, €0, 0€, $0, £0, 0 eur, 0 euro, zero budget, no budget, budget: 0, budget 0, not "
            "a cent, not one cent"
        ),
        "de": "0 €, €0, 0€, 0 eur, 0 euro, null euro, kein budget, budget: 0, budget 0, "
        "keinen cent",
        "it": (
            "0 €, €0, 0€, 0 eur, 0 euro, zero euro, nessun budget, budget: 0, budget 0, neanche "
            "un euro"
        ),
    },
    "COMMUNITY": {
        "en": (
            "community management, community manager, moderation, moderate, monitor, help desk, "
            "call center, chat room, customer replies, customer service desk"
        ),
        "de": (
            "community-management, community management, community manager, moderation, moderier, "
            "monitoring, callcenter, call center, helpdesk, chatroom"
        ),
        "it": (
            "community management, community manager, moderazion, moderar, monitora, call center, "
            "centralino, sportello"
        ),
    },
    "OPENNESS": {
        "en": (
            "correction, corrected, correct it, apolog, sorry, transparent, openly, publicly, own "
            "it, own up, admit, acknowledge, with humor, with humour, update:, edit:"
        ),
        "de": (
            "korrektur, korrigier, richtigstell, entschuldig, sorry, transparent, öffentlich, "
            "eingestehen, zugeben, mit humor, update:, nachtrag, offen damit, offen kommunizier, "
            "offen zugeben, offen ansprechen"
        ),
        "it": (
            "correzion, corregg, rettific, scus, trasparen, apertament, pubblicamente, ammetter, "
            "con ironia, aggiornamento:"
        ),
    },
    "LIGHT_REVIEW": {
        "en": (
            "four-eyes, four eyes, proofread, second pair of eyes, a colleague checks, quick "
            "check, spell check, double-check"
        ),
        "de": "vier-augen, vier augen, gegenlesen, gegengelesen, korrekturlesen, kurz drüber",
        "it": "quattro occhi, rilettura, rilegg, ricontroll, un collega",
    },
}

_UNIVERSAL = {"ROI": "roi", "AUTHORITY": "ceo, cfo, cmo", "MONEY_RESULT": "crm"}


def _pattern(words: str) -> str:
    """One regex per concept: entries at a word start, and "*" entries anywhere in a word.

    The entries are folded into a character trie ("com(?:ment|plain)…"): Python's regex engine
    tries alternatives one by one, and a flat list of a hundred literals made concept matching
    the slowest part of a check.
    """
    inner: dict[str, object] = {}
    starts: dict[str, object] = {}
    for entry in set(_split(words)):
        node = inner if entry.startswith("*") else starts
        text = entry.lstrip("*")
        for char in text:
            node = node.setdefault(char, {})  # type: ignore[assignment]
        # "pr", "per", "all": only as whole words
        node[""] = len(entry) <= 3
    parts = []
    if starts:
        parts.append(r"(?<![^\W_])" + _emit(starts))
    if inner:
        parts.append(_emit(inner))
    return "|".join(parts)


def _emit(node: dict[str, object]) -> str:
    options = [re.escape(char) + _emit(child) for char, child in sorted(node.items()) if char]  # type: ignore[arg-type]
    if "" in node:
        options.append(r"(?![^\W_])" if node[""] else "")
    if len(options) == 1:
        return options[0]
    return "(?:" + "|".join(options) + ")"


def _split(words: str) -> list[str]:
    return [w.strip() for w in words.split(",") if w.strip()]


_KEY = re.compile(r"[^\W_]{1,3}")
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Concept:
    """A concept's regex plus a cheap exact pre-check: the word-start keys its entries need."""

    name: str
    pattern: re.Pattern[str]
    keys: frozenset[str]  # first 1-3 letters of entries that must start a word
    inner: tuple[str, ...]  # first letters of entries that may sit inside a word
    always: bool  # some entry starts with a symbol ("€0"): no pre-check possible


def _concept(name: str, words: str) -> _Concept:
    keys, inner, always = set(), [], False
    for entry in _split(words):
        key = _KEY.match(entry.lstrip("*"))
        if key is None:
            always = True
        elif entry.startswith("*"):
            inner.append(key.group())
        else:
            keys.add(key.group())
    return _Concept(name, re.compile(_pattern(words)), frozenset(keys), tuple(inner), always)


@cache
def _compiled(language: Language) -> tuple[_Concept, ...]:
    return tuple(
        _concept(concept, by_language[language] + ", " + _UNIVERSAL.get(concept, ""))
        for concept, by_language in _LEXICON.items()
    )


def concepts(text: str, language: Language) -> list[str]:
    """The concepts a text mentions, in order of first appearance."""
    lowered = text.lower()
    starts: set[str] = set()
    for word in _WORDS.findall(lowered):
        starts.update((word[:1], word[:2], word[:3]))
    found = []
    for concept in _compiled(language):
        if not (
            concept.always
            or not concept.keys.isdisjoint(starts)
            or any(key in lowered for key in concept.inner)
        ):
            continue
        match = concept.pattern.search(lowered)
        if match:
            found.append((match.start(), concept.name))
    return [name for _, name in sorted(found)]


# What a text does *not* mention matters too: a launch plan with promotion and no replies.
_ABSENCE = ("REPLY", "FRONTLINE", "BUDGET", "NOBODY")


def concept_tokens(text: str, language: Language) -> str:
    """Concepts, concept pairs and notable absences as space-separated vectorizer tokens."""
    found = concepts(text, language)
    found += [f"no-{c}" for c in _ABSENCE if c not in found]
    pairs = [f"{a}+{b}" for a, b in combinations(sorted(found), 2)]
    return " ".join([*found, *pairs])
