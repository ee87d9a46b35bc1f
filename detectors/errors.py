"""The base exception of the detect role."""

from core.errors import BrightKitchenError


class DetectorError(BrightKitchenError):
    """A detector or rule is misconfigured or misused; the text names what and what was expected."""
