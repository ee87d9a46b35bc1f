"""Run an ONNX network on CPU with onnxruntime or OpenCV's dnn module.

onnxruntime sessions are shared by every camera of the process (their ``run`` is thread-safe);
an OpenCV net is not, so each runner of that backend has its own net behind a lock.
"""

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.errors import DetectorError

Backend = Literal["onnxruntime", "opencv"]


@lru_cache(maxsize=16)
def _session(path: str, threads: int, input_hw: tuple[int, int] | None = None) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    # Idle intra-op threads sleep instead of spinning: a detector process runs many small
    # inferences among other work, and spinning threads burn the CPU (or the container's quota)
    # that the rest of the pipeline needs.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    model: str | bytes = path if input_hw is None else _with_input_size(path, input_hw)
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


def _with_input_size(path: str, input_hw: tuple[int, int]) -> bytes:
    """The model at ``path`` with its first input declared (1, C, H, W) = ``input_hw`` and its
    outputs' sizes left open: a fully convolutional detector exported for a square input runs on
    a 16:9 letterbox without the padding (YOLOX-Nano: 416x256 costs 6.7 ms, 416x416 11.5 ms)."""
    import onnx

    model = onnx.load(path)
    dims = model.graph.input[0].type.tensor_type.shape.dim
    if len(dims) != 4:
        raise DetectorError(f"{path}: cannot resize an input of rank {len(dims)}")
    for dim, value in zip(dims[2:], input_hw, strict=True):
        dim.dim_value = value
    for out in model.graph.output:
        for k, dim in enumerate(out.type.tensor_type.shape.dim):
            dim.dim_param = f"d{k}"  # clears the fixed size (a oneof)
    return bytes(model.SerializeToString())


class OnnxRunner:
    """One network; ``run(tensor)`` returns its first output as float32."""

    def __init__(
        self, path: Path, backend: Backend = "onnxruntime", threads: int = 1, input_hw: tuple[int, int] | None = None
    ) -> None:
        """``input_hw``: run at this input height and width instead of the declared ones
        (onnxruntime only; for fully convolutional networks)."""
        self.path, self.backend = path, backend
        try:
            if backend == "onnxruntime":
                self._session = _session(str(path), threads, input_hw)
                inp = self._session.get_inputs()[0]
                self.input_name: str = inp.name
                self.input_shape: list[Any] = list(inp.shape)
            else:
                self._net = cv2.dnn.readNetFromONNX(str(path))
                self._lock = threading.Lock()
                self.input_name, self.input_shape = "", []
        except Exception as exc:
            raise DetectorError(f"cannot load ONNX model {path} with {backend}: {exc}") from exc

    def static_size(self) -> tuple[int, int] | None:
        """The (width, height) the model's input declares, when it is fixed."""
        shape = self.input_shape
        if len(shape) == 4 and isinstance(shape[2], int) and isinstance(shape[3], int):
            return int(shape[3]), int(shape[2])
        return None

    def run(self, tensor: NDArray[np.float32]) -> NDArray[np.float32]:
        if self.backend == "onnxruntime":
            out = self._session.run(None, {self.input_name: tensor})[0]
        else:
            with self._lock:
                self._net.setInput(tensor)
                out = self._net.forward()
        return np.asarray(out, dtype=np.float32)
