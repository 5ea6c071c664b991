from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.core.knowledge import KnowledgeBase, KnowledgeError
from bot.core.resources import data_dir
from bot.models import LANGUAGES

SLUGS = {
    1: "marketing-only",
    2: "instant-roi",
    3: "marketing-owns-it",
    4: "mishaps-are-fatal",
    5: "its-free",
}


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(data_dir("knowledge"), target)
    return target


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def test_shipped_knowledge_has_five_traps_in_three_languages() -> None:
    kb = KnowledgeBase.load(data_dir("knowledge"))
    assert {m.number: m.slug for m in kb} == SLUGS
    for item in kb:
        assert item.source.author == "Douglas Karr"
        for language in LANGUAGES:
            entry = item.entry(language)
            assert entry.title and entry.instead and entry.why_wrong and entry.warning_signs
            assert len(entry.summary) <= 160


def test_languages_really_differ() -> None:
    kb = KnowledgeBase.load(data_dir("knowledge"))
    for item in kb:
        assert len({item.entry(lang).instead for lang in LANGUAGES}) == 3


def test_objects_are_immutable() -> None:
    item = next(iter(KnowledgeBase.load(data_dir("knowledge"))))
    with pytest.raises(Exception, match="frozen"):
        item.en.title = "changed"  # type: ignore[misc]


def test_missing_language_names_file_and_field(knowledge_copy: Path) -> None:
    path = knowledge_copy / "3-marketing-owns-it.yaml"
    _edit(path, lambda data: data.pop("it"))
    with pytest.raises(KnowledgeError, match=r"3-marketing-owns-it\.yaml: field 'it'"):
        KnowledgeBase.load(knowledge_copy)


def test_missing_field_names_file_and_field(knowledge_copy: Path) -> None:
    path = knowledge_copy / "5-its-free.yaml"
    _edit(path, lambda data: data["de"].pop("instead"))
    with pytest.raises(KnowledgeError, match=r"5-its-free\.yaml: field 'de\.instead'"):
        KnowledgeBase.load(knowledge_copy)


def test_empty_text_is_rejected(knowledge_copy: Path) -> None:
    path = knowledge_copy / "1-marketing-only.yaml"
    _edit(path, lambda data: data["en"].update(title="   "))
    with pytest.raises(KnowledgeError, match=r"field 'en\.title'"):
        KnowledgeBase.load(knowledge_copy)


def test_missing_file_is_reported(knowledge_copy: Path) -> None:
    (knowledge_copy / "4-mishaps-are-fatal.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"expected misconceptions 1-5, found \[1, 2, 3, 5\]"):
        KnowledgeBase.load(knowledge_copy)


def test_broken_yaml_is_reported(knowledge_copy: Path) -> None:
    (knowledge_copy / "2-instant-roi.yaml").write_text("number: [unclosed", "utf-8")
    with pytest.raises(KnowledgeError, match=r"2-instant-roi\.yaml: cannot read YAML"):
        KnowledgeBase.load(knowledge_copy)


def test_file_name_must_match_number_and_slug(knowledge_copy: Path) -> None:
    (knowledge_copy / "2-instant-roi.yaml").rename(knowledge_copy / "2-roi.yaml")
    with pytest.raises(KnowledgeError, match=r"file name should be 2-instant-roi\.yaml"):
        KnowledgeBase.load(knowledge_copy)


def test_empty_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="no knowledge files"):
        KnowledgeBase.load(tmp_path)
