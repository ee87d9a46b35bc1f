"""The base exceptions of the shared core."""


class BrightKitchenError(Exception):
    """Base class of every error raised on purpose by brightkitchen."""


class ContractError(BrightKitchenError):
    """A message does not follow its contract (docs/contracts.md); the text says what and why."""


class ConfigError(BrightKitchenError):
    """A setting or a site configuration value is wrong; the text names it and what was expected."""


class BrokerError(BrightKitchenError):
    """The embedded broker could not be started or did not answer."""
