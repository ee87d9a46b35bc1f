"""Width and height of a JPEG from its frame header (SOF), without decoding it.

A camera's own JPEG is published as it is when it is small enough, but the frame headers still
carry its size; reading the SOF segment costs microseconds where decoding costs milliseconds.
"""

from dataclasses import dataclass

from ingest.errors import CorruptPicture

_SOI = b"\xff\xd8"
# Start-of-frame markers: C0-C3, C5-C7, C9-CB, CD-CF (C4 is DHT, C8 is reserved, CC is DAC).
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
# Baseline, extended and progressive Huffman: what every JPEG decoder (browsers, libjpeg) reads.
COMMON_SOF = frozenset({0xC0, 0xC1, 0xC2})
_SOS = 0xDA
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RST0-7: markers without a length


@dataclass(frozen=True, slots=True)
class JpegHeader:
    width: int
    height: int
    components: int
    sof: int  # the SOF marker byte: 0xC0 baseline, 0xC2 progressive, ...

    @property
    def common(self) -> bool:
        """True for the Huffman-coded kinds every decoder reads (not arithmetic or lossless)."""
        return self.sof in COMMON_SOF


def read_jpeg_header(data: bytes) -> JpegHeader:
    """The frame header of the JPEG ``data``; CorruptPicture saying what is wrong otherwise."""
    if not data.startswith(_SOI):
        raise CorruptPicture(f"not a JPEG: starts with {data[:4].hex(' ') or 'nothing'}, expected ff d8")
    size = len(data)
    i = 2
    while True:
        # Segments follow one another; fill bytes (extra FFs) may pad a marker.
        if i + 1 >= size:
            raise CorruptPicture(f"truncated JPEG: no frame header (SOF) in its {size} bytes")
        if data[i] != 0xFF:
            raise CorruptPicture(f"damaged JPEG: expected a marker at byte {i}, found {data[i]:02x}")
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in _STANDALONE:
            i += 2
            continue
        if marker == _SOS or marker == 0xD9:
            raise CorruptPicture(f"damaged JPEG: {'scan' if marker == _SOS else 'end'} before any frame header (SOF)")
        if i + 4 > size:
            raise CorruptPicture(f"truncated JPEG: segment ff {marker:02x} at byte {i} has no length")
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2:
            raise CorruptPicture(f"damaged JPEG: segment ff {marker:02x} at byte {i} has length {length}")
        if marker in _SOF:
            return _frame_header(data, i, marker, length)
        i += 2 + length


def _frame_header(data: bytes, at: int, marker: int, length: int) -> JpegHeader:
    body = data[at + 4 : at + 2 + length]
    if length < 8 or len(body) < 6:
        raise CorruptPicture(f"truncated JPEG: frame header at byte {at} is {len(body)} bytes, expected at least 6")
    height = int.from_bytes(body[1:3], "big")
    width = int.from_bytes(body[3:5], "big")
    components = body[5]
    if width == 0 or height == 0:
        # Height 0 means "given later in a DNL segment": legal, but nothing we publish uses it.
        raise CorruptPicture(f"unusable JPEG: frame header says {width}x{height}")
    if components not in (1, 3, 4):
        raise CorruptPicture(f"damaged JPEG: frame header says {components} colour components")
    return JpegHeader(width, height, components, marker)
