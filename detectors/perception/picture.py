"""One frame's pixels, decoded only as far as perception asks.

Most frames of most kitchens change nothing, and on those every default plugin judges small grey
thumbnails: the change gate at 96 pixels wide, motion and health at 160, small movers, zone
states and the scene at 320. libjpeg can scale a picture down while it decodes it (it keeps
fewer DCT coefficients), for about half the cost of a full decode. So the thumbnails come from
one such reduced grey decode, the same one on every frame whatever else the frame needs. Colour
thumbnails (the flame plugin's, 320 wide, one frame in five) come from a reduced colour decode
the same way. On those frames it is the only reduced decode: the grey thumbnails are its grey
conversion (libjpeg's grey decode is the luma plane, and converting the colour one gives the
same levels but at a few saturated pixels in ten thousand, which clip in colour). The full
colour picture is decoded the first time a plugin asks for it: the person detector when the
gate opens, a site's own models.

Coordinates stay those of the full picture (``shape``), as with a decoded array.
"""

import struct
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.errors import DetectorError

Image = NDArray[np.uint8]
THUMB_WIDTH = 320  # the widest thumbnail a default plugin asks for: served by the reduced decode
_REDUCED = {1: cv2.IMREAD_GRAYSCALE, 2: cv2.IMREAD_REDUCED_GRAYSCALE_2, 4: cv2.IMREAD_REDUCED_GRAYSCALE_4}
_REDUCED_COLOUR = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4}
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's frame header, without decoding it; DetectorError if the
    bytes are not a JPEG or end before the header."""
    def bad(why: str) -> DetectorError:
        return DetectorError(f"{len(data)} bytes could not be decoded as a JPEG: {why}")

    if data[:2] != b"\xff\xd8":
        raise bad("no start-of-image marker")
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise bad(f"no marker at byte {i}")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _SOF:
            if i + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    raise bad("it ends before the frame header")


def _decode(data: bytes, flag: int) -> Image:
    image: NDArray[Any] | None = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if image is None:
        raise DetectorError(f"{len(data)} bytes could not be decoded as a JPEG")
    return image


class Picture:
    """A JPEG frame of ``width`` x ``height``, decoded on demand (at most once per kind)."""

    ndim = 3

    def __init__(self, jpeg: bytes, width: int, height: int) -> None:
        if width <= 0 or height <= 0:
            raise DetectorError(f"picture size must be positive, got {width}x{height}")
        self.jpeg = jpeg
        self.shape = (height, width, 3)
        self.size = width * height * 3
        self._colour: Image | None = None
        self._thumb: Image | None = None
        self._colour_thumb: Image | None = None

    @property
    def decoded(self) -> bool:
        """Whether the full colour picture has been decoded (for benchmarks and tests)."""
        return self._colour is not None

    def colour(self) -> Image:
        """The full BGR picture (decoded on the first call)."""
        if self._colour is None:
            image = _decode(self.jpeg, cv2.IMREAD_COLOR)
            if image.shape != self.shape:
                found, expected = f"{image.shape[1]}x{image.shape[0]}", f"{self.shape[1]}x{self.shape[0]}"
                raise DetectorError(f"JPEG is {found}, expected {expected}")
            self._colour = image
        return self._colour

    def thumbnail_source(self) -> Image:
        """The grey picture thumbnails up to :data:`THUMB_WIDTH` wide are made from: the JPEG
        decoded at 1/4 or 1/2 size when that is still at least that wide, else at full size
        (converted from the colour one at that size when that was decoded first)."""
        thumb = self._thumb
        if thumb is None:
            if self._colour_thumb is not None:
                thumb = cv2.cvtColor(self._colour_thumb, cv2.COLOR_BGR2GRAY).astype(np.uint8, copy=False)
                thumb.setflags(write=False)
            else:
                thumb = self._reduced(_REDUCED)
            self._thumb = thumb
        return thumb

    def colour_thumbnail_source(self) -> Image:
        """The colour picture colour thumbnails up to :data:`THUMB_WIDTH` wide are made from,
        decoded at the grey one's scale (always so, whether or not the full picture is decoded,
        so a plugin sees the same kind of pixels on every frame)."""
        if self._colour_thumb is None:
            self._colour_thumb = self._reduced(_REDUCED_COLOUR)
        return self._colour_thumb

    def _reduced(self, flags: dict[int, int]) -> Image:
        height, width = self.shape[:2]
        factor = next(f for f in (4, 2, 1) if f == 1 or -(-width // f) >= THUMB_WIDTH)
        image = _decode(self.jpeg, flags[factor])
        expected = (-(-height // factor), -(-width // factor))
        if image.shape[:2] != expected:
            raise DetectorError(
                f"JPEG is about {image.shape[1] * factor}x{image.shape[0] * factor}, expected {width}x{height}"
            )
        image.setflags(write=False)
        return image


def pixels(image: "Image | Picture") -> Image:
    """The full colour array of a picture (an array is its own)."""
    return image.colour() if isinstance(image, Picture) else image
