"""no_uniform (未穿工作服): a person whose torso is not light work clothes (dark or bare)."""

from detectors.rules.person_attribute import PersonAttributeRule


class NoUniform(PersonAttributeRule):
    key = "no_uniform"
    version = "1"
    attribute = "uniform"
    what = "without light work clothes"
