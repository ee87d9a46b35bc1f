"""The one registry of rules, keyed by catalog key. A rule whose key the catalog lacks, or whose
perception needs no plugin provides, stops start-up with a clear error."""

from core.catalog import CATALOG
from core.site import EffectiveRule
from detectors.errors import DetectorError
from detectors.perception.registry import PERCEIVERS
from detectors.rules.base import Rule
from detectors.rules.bin_open import BinOpen
from detectors.rules.camera_blocked import CameraBlocked
from detectors.rules.camera_blurred import CameraBlurred
from detectors.rules.camera_displaced import CameraDisplaced
from detectors.rules.camera_frozen import CameraFrozen
from detectors.rules.crowding import Crowding
from detectors.rules.intrusion import Intrusion
from detectors.rules.model_rules import NoGloves, PhoneUse, Smoking
from detectors.rules.no_chef_hat import NoChefHat
from detectors.rules.no_mask import NoMask
from detectors.rules.no_uniform import NoUniform
from detectors.rules.rodent import Rodent
from detectors.rules.stove_unattended import StoveUnattended

RULES: dict[str, type[Rule]] = {
    CameraBlocked.key: CameraBlocked,
    Intrusion.key: Intrusion,
    NoChefHat.key: NoChefHat,
    NoMask.key: NoMask,
    NoUniform.key: NoUniform,
    Crowding.key: Crowding,
    Smoking.key: Smoking,
    PhoneUse.key: PhoneUse,
    NoGloves.key: NoGloves,
    Rodent.key: Rodent,
    StoveUnattended.key: StoveUnattended,
    BinOpen.key: BinOpen,
    CameraBlurred.key: CameraBlurred,
    CameraDisplaced.key: CameraDisplaced,
    CameraFrozen.key: CameraFrozen,
}


def create(key: str, settings: EffectiveRule) -> Rule:
    cls = RULES.get(key)
    if cls is None:
        raise DetectorError(f"unknown rule {key!r}; implemented rules are {sorted(RULES)}")
    return cls(settings)


def self_test() -> None:
    """Check every registered rule against the catalog and the perception registry."""
    for key, cls in RULES.items():
        if key not in CATALOG:
            raise DetectorError(f"rule {key!r} is not in the catalog; expected one of {sorted(CATALOG)}")
        missing = [n for n in cls.needs if n not in PERCEIVERS]
        if missing:
            raise DetectorError(f"rule {key!r} needs perception {missing}, not registered ({sorted(PERCEIVERS)})")
