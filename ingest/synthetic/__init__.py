"""A synthetic kitchen camera drawn with OpenCV, with scripted incidents for tests and benchmarks.

``parse_synthetic_url("synthetic://kitchen?seed=3&people=2&script=cover@20+15")`` gives a
:class:`SyntheticSpec`; ``render(spec, t)`` draws its picture at ``t`` seconds;
``spec.incidents_at(t)`` is the ground truth. See :mod:`ingest.synthetic.spec` for the URL format.
"""

from ingest.synthetic.render import render
from ingest.synthetic.spec import INCIDENT_KINDS, Incident, SyntheticSpec, parse_script, parse_synthetic_url

__all__ = ["INCIDENT_KINDS", "Incident", "SyntheticSpec", "parse_script", "parse_synthetic_url", "render"]
