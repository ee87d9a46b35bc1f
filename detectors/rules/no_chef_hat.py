"""no_chef_hat (未戴厨师帽): a person whose head shows hair or skin where a light hat should be."""

from detectors.rules.person_attribute import PersonAttributeRule


class NoChefHat(PersonAttributeRule):
    key = "no_chef_hat"
    version = "1"
    attribute = "hat"
    what = "without a chef hat"
