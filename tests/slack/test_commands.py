"""`/coach` end to end: signed slash commands in, what the fake Slack received out."""

from __future__ import annotations

import json

from tests.fakes.slack_api import Call
from tests.slack.conftest import Harness

DRAFT_EN = (
    "Our launch plan: we will post the same ad every day and go viral within a week. "
    "Social media is free, so no budget is needed, and the intern will handle it alone."
)
DRAFT_IT = (
    "Il nostro piano: pubblichiamo ogni giorno la stessa pubblicità e diventeremo virali in "
    "una settimana. I social sono gratis, quindi non serve budget; se ne occupa lo stagista."
)


def _only_reply(slack: Harness) -> Call:
    (reply,) = slack.fake.wait_for("response_url")
    slack.fake.wait_quiet()
    assert len(slack.fake.calls("response_url")) == 1
    return reply


def _action_ids(call: Call) -> list[str]:
    return [e["action_id"] for b in call.blocks() if b["type"] == "actions" for e in b["elements"]]


def test_ask_answers_ephemerally_with_citation_share_and_feedback(slack: Harness) -> None:
    reply = slack.command("ask is social media only a job for the marketing team?")
    assert reply.status == 200
    answer = _only_reply(slack)
    assert answer["response_type"] == "ephemeral"
    assert answer.path == "/response/command"
    text = answer.all_text()
    assert "Source" in text
    assert _action_ids(answer) == [
        "coach_share",
        "coach_feedback_helpful",
        "coach_feedback_not_helpful",
    ]


def test_question_without_subcommand_in_german_gets_a_german_reply(slack: Harness) -> None:
    slack.command("Warum sollten wir nicht erwarten, dass Social Media sofort Umsatz bringt?")
    answer = _only_reply(slack)
    text = answer.all_text()
    assert "Hilfreich" in text and "Im Channel teilen" in text
    assert "Helpful" not in text


def test_check_in_italian_lists_findings_with_quoted_evidence(slack: Harness) -> None:
    slack.command(f"check {DRAFT_IT}")
    review = _only_reply(slack)
    blocks = review.blocks()
    assert blocks[0]["type"] == "header"
    assert "trappol" in blocks[0]["text"]["text"]
    quoted = [b for b in blocks if b["type"] == "section" and "\n>" in b["text"]["text"]]
    assert quoted, "each finding quotes its evidence"
    assert "coach_feedback_false_alarm" in _action_ids(review)
    assert "Falso allarme" in review.all_text()


def test_check_without_text_opens_the_modal_then_submission_reviews(slack: Harness) -> None:
    reply = slack.command("check", trigger_id="trig-123")
    assert reply.status == 200
    (opened,) = slack.fake.wait_for("views.open")
    assert opened["trigger_id"] == "trig-123"
    view = opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"])
    assert view["callback_id"] == "coach_check"
    metadata = json.loads(view["private_metadata"])
    assert metadata == {"channel": "C111", "response_url": slack.fake.response_url("command")}

    submission = {
        "type": "view_submission",
        "team": {"id": "T111"},
        "user": {"id": "W111", "team_id": "T111"},
        "api_app_id": "A111",
        "trigger_id": "111.222.valid",
        "view": {
            **view,
            "id": "V1",
            "state": {
                "values": {"draft": {"text": {"type": "plain_text_input", "value": DRAFT_EN}}}
            },
        },
    }
    ack = slack.interaction(submission)
    assert (ack.status, ack.body) == (200, "")
    review = _only_reply(slack)
    assert review["response_type"] == "ephemeral"
    assert "trap" in review.all_text()


def test_empty_modal_submission_keeps_the_modal_open_with_an_error(slack: Harness) -> None:
    submission = {
        "type": "view_submission",
        "team": {"id": "T111"},
        "user": {"id": "W111", "team_id": "T111"},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "coach_check",
            "private_metadata": "{}",
            "state": {"values": {"draft": {"text": {"type": "plain_text_input", "value": "   "}}}},
        },
    }
    ack = slack.interaction(submission)
    assert ack.status == 200
    assert ack.json() == {
        "response_action": "errors",
        "errors": {"draft": "Paste a draft to check."},
    }
    slack.fake.wait_quiet()
    assert slack.fake.calls("response_url") == []


def test_traps_lists_all_five(slack: Harness) -> None:
    slack.command("traps")
    reply = _only_reply(slack)
    titles = [b for b in reply.blocks() if b["type"] == "section"]
    assert [b["text"]["text"][:3] for b in titles] == ["*#1", "*#2", "*#3", "*#4", "*#5"]


def test_help_and_unknown_subcommand(slack: Harness) -> None:
    slack.command("help")
    assert "/coach check" in _only_reply(slack).all_text()
    slack.fake.state.calls.clear()
    slack.command("settings")
    reply = _only_reply(slack)
    assert "settings" in reply.all_text() and "/coach ask" in reply.all_text()


def test_user_locale_is_the_fallback_for_text_too_short_to_tell(slack: Harness) -> None:
    slack.fake.set_locale("W111", "it-IT")
    slack.command("help")
    reply = _only_reply(slack)
    assert "Sono il coach" in reply.all_text()
    slack.command("traps")
    slack.fake.wait_for("response_url", 2)
    assert len(slack.fake.calls("users.info")) == 1, "the locale is cached per user"


def test_empty_check_text_is_explained(slack: Harness) -> None:
    slack.command("ask   ")
    assert "/coach ask" in _only_reply(slack).all_text()


def test_huge_text_at_the_limit_is_checked_and_fits_slack(slack: Harness) -> None:
    draft = (DRAFT_EN + " ") * (40_000 // (len(DRAFT_EN) + 1))
    draft = draft.ljust(40_000, "x")
    assert len(draft) == 40_000
    slack.command(f"check {draft}"[: len("check ") + 40_000])
    reply = _only_reply(slack)
    blocks = reply.blocks()
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert len(reply["text"]) <= 3000


def test_text_over_the_limit_gets_a_clear_reply(slack: Harness) -> None:
    slack.command("check " + "a" * 40_001)
    reply = _only_reply(slack)
    assert "40,001" in reply.all_text() and "40,000" in reply.all_text()


def test_markup_in_user_text_can_never_ping_or_link(slack: Harness) -> None:
    draft = (
        "<!here> <!channel> <@U999> read <https://evil.example|this> & go viral: "
        "social media is free so we need no budget at all."
    )
    slack.command(f"check {draft}")
    reply = _only_reply(slack)
    raw = json.dumps(reply.blocks()) + reply["text"]
    assert "<!here>" not in raw and "<!channel>" not in raw and "<@U999>" not in raw
    assert "<https://evil.example" not in raw
    assert "&lt;!here&gt;" in raw
