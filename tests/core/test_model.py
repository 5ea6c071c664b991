from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core.corpus import fingerprint
from bot.core.model import ModelError, OfflineModel
from bot.core.resources import model_path


def test_shipped_model_was_built_from_the_current_corpus_and_knowledge() -> None:
    # If this fails: run `python -m bot.core.train` and commit bot/core/artifacts/offline-model.npz.
    assert OfflineModel.load(model_path()).fingerprint == fingerprint()


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = OfflineModel.load(model_path())
    copy = tmp_path / "model.npz"
    model.save(copy)
    again = OfflineModel.load(copy)
    assert again.detector.thresholds == model.detector.thresholds
    np.testing.assert_array_equal(again.detector.stacker.coef, model.detector.stacker.coef)
    np.testing.assert_array_equal(
        again.detector.stacker.intercept, model.detector.stacker.intercept
    )
    assert again.router.floor == model.router.floor
    assert (again.detector.alone, again.detector.second) == (
        model.detector.alone,
        model.detector.second,
    )


def test_unreadable_model_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot load the offline model"):
        OfflineModel.load(broken)
