"""Fetch the offline model files the detectors use (from registry packages, checked by SHA-256).

Nothing is downloaded at run time; this runs at setup. No models are needed yet for the
built-in camera-health and motion detectors, so this is a no-op until the person/face
detectors land.
"""

if __name__ == "__main__":
    print("no model files needed")
