"""The offline engine's trained artefact: detector + router in one .npz file (arrays only).

Built by `python -m bot.core.train` from our own corpus; shipped inside the package, never
downloaded.
Loading uses numpy alone (no pickle, no scikit-learn).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.decision import Stacker
from bot.core.detector import DetectorModel
from bot.core.linear import (
    Featurizer,
    head_from_arrays,
    head_to_arrays,
    views_from_arrays,
    views_to_arrays,
)
from bot.core.router import RouterModel


class ModelError(Exception):
    """The shipped model is missing or unreadable."""


@dataclass(frozen=True)
class OfflineModel:
    detector: DetectorModel
    router: RouterModel
    fingerprint: str  # hash of the corpus, knowledge base and training code it was built from

    def save(self, path: Path) -> None:
        meta = {
            "fingerprint": self.fingerprint,
            "thresholds": self.detector.thresholds,
            "router_floor": self.router.floor,
            "support_floor": self.detector.support_floor,
            "alone": self.detector.alone,
            "second": self.detector.second,
        }
        arrays = {
            "meta": np.array(json.dumps(meta)),
            **views_to_arrays("detector", self.detector.featurizer.views),
            **head_to_arrays("detector.sentence", self.detector.sentence),
            **head_to_arrays("detector.whole", self.detector.whole),
            "detector.stacker.coef": self.detector.stacker.coef.astype(np.float64),
            "detector.stacker.intercept": self.detector.stacker.intercept.astype(np.float64),
            **views_to_arrays("router", self.router.featurizer.views),
            **head_to_arrays("router.head", self.router.head),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]

    @staticmethod
    def load(path: Path) -> OfflineModel:
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            meta = json.loads(str(arrays["meta"]))
            detector = DetectorModel(
                Featurizer(views_from_arrays("detector", arrays)),
                head_from_arrays("detector.sentence", arrays),
                head_from_arrays("detector.whole", arrays),
                {int(k): float(v) for k, v in meta["thresholds"].items()},
                Stacker(arrays["detector.stacker.coef"], arrays["detector.stacker.intercept"]),
                {int(k): float(v) for k, v in meta.get("support_floor", {}).items()},
                float(meta.get("alone", 2.0)),
                float(meta.get("second", 2.0)),
            )
            router = RouterModel(
                Featurizer(views_from_arrays("router", arrays)),
                head_from_arrays("router.head", arrays),
                float(meta["router_floor"]),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{path}: cannot load the offline model ({exc})") from exc
        return OfflineModel(detector, router, str(meta["fingerprint"]))
