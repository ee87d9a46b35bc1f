"""no_mask (未戴口罩): a person whose lower face is skin-coloured instead of covered."""

from detectors.rules.person_attribute import PersonAttributeRule


class NoMask(PersonAttributeRule):
    key = "no_mask"
    version = "1"
    attribute = "mask"
    what = "without a face mask"
    at_0, at_100 = 0.1, 0.5
