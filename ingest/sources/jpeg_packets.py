"""MJPEG passthrough: read an MJPEG stream's packets, which are the camera's own JPEGs, instead
of pictures FFmpeg decoded (OpenCV's raw mode, ``CAP_PROP_FORMAT = -1``).

Grabbing a packet costs nothing, so a reader drains an MJPEG camera at no cost and only the
pictures it publishes are ever touched. Passthrough is taken only when the codec is plain
Motion-JPEG (not Motion-JPEG B, whose packets are not JFIF) and the first packet is a JPEG of the
stream's size that libjpeg decodes; otherwise the stream is reopened and decoded as before.
"""

import logging

import cv2
import numpy as np

from ingest.errors import CorruptPicture
from ingest.picture import CameraJpeg

log = logging.getLogger(__name__)

JPEG_FOURCCS = frozenset({b"MJPG", b"mjpg", b"JPEG", b"jpeg"})


def fourcc(cap: cv2.VideoCapture) -> bytes:
    return int(cap.get(cv2.CAP_PROP_FOURCC) or 0).to_bytes(4, "little")


def packet_jpeg(ok: bool, packet: np.ndarray | None) -> CameraJpeg:
    """The camera JPEG in a retrieved packet; CorruptPicture when it is missing or not a JPEG."""
    if not ok or packet is None or packet.size == 0:
        raise CorruptPicture("empty packet: the stream gave no data for this picture")
    return CameraJpeg.parse(packet.tobytes())


def start_packets(cap: cv2.VideoCapture, name: str) -> CameraJpeg | None:
    """Switch ``cap`` to packets and return its first picture, or None when this stream is to be
    decoded instead (``cap`` must then be reopened: raw mode cannot be switched off)."""
    if fourcc(cap) not in JPEG_FOURCCS or not cap.set(cv2.CAP_PROP_FORMAT, -1):
        return None
    if not cap.grab():
        return None
    try:
        first = packet_jpeg(*cap.retrieve())
        size = first.decode().shape[1::-1]
    except CorruptPicture as exc:
        log.info("%s: MJPEG packets are not usable as they are (%s); decoding the stream instead", name, exc)
        return None
    stated = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    if size != (first.width, first.height) or (all(stated) and stated != size):
        # e.g. interlaced MJPEG, one field per JPEG: FFmpeg joins the fields, we would not.
        log.info("%s: MJPEG pictures are %dx%d, the stream says %dx%d; decoding it instead", name, *size, *stated)
        return None
    return first
