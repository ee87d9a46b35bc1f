"""What a source hands the reader: a decoded BGR picture, or the camera's own JPEG.

Cameras that send JPEG (HTTP MJPEG, MJPEG files and RTSP MJPEG) are read without decoding:
when their pictures are no wider than the detect width, ingest publishes the camera's bytes as
they are, and decodes only the pictures it has to shrink.
"""

from dataclasses import dataclass
from typing import TypeAlias

import cv2
import numpy as np

from ingest.errors import CorruptPicture
from ingest.jpeg_header import read_jpeg_header

# libjpeg decodes straight to 1/2, 1/4 or 1/8 size, several times faster than full size.
_REDUCED = ((8, cv2.IMREAD_REDUCED_COLOR_8), (4, cv2.IMREAD_REDUCED_COLOR_4), (2, cv2.IMREAD_REDUCED_COLOR_2))


@dataclass(frozen=True, slots=True)
class CameraJpeg:
    """A camera's JPEG picture, undecoded, with the size its frame header states."""

    data: bytes
    width: int
    height: int

    @classmethod
    def parse(cls, data: bytes) -> "CameraJpeg":
        """Wrap ``data`` after reading its size; CorruptPicture when it is not a usable JPEG."""
        header = read_jpeg_header(data)
        if not header.common:
            raise CorruptPicture(f"unsupported JPEG kind (SOF marker ff {header.sof:02x}): not baseline or progressive")
        return cls(data, header.width, header.height)

    def decode(self, min_width: int = 0) -> np.ndarray:
        """The picture as BGR, decoded at the smallest libjpeg scale still ``min_width`` wide
        (0: full size); CorruptPicture when libjpeg cannot decode it."""
        flags = cv2.IMREAD_COLOR
        for factor, reduced in _REDUCED:
            if min_width and self.width // factor >= min_width:
                flags = reduced
                break
        image = cv2.imdecode(np.frombuffer(self.data, np.uint8), flags | cv2.IMREAD_IGNORE_ORIENTATION)
        if image is None:
            raise CorruptPicture(f"damaged JPEG: a {self.width}x{self.height} picture could not be decoded")
        return image


Picture: TypeAlias = np.ndarray | CameraJpeg


def as_bgr(picture: Picture) -> np.ndarray:
    """The picture decoded (a BGR array is returned as it is)."""
    return picture.decode() if isinstance(picture, CameraJpeg) else picture
