"""The api role: records events, serves history and evidence, pushes live alerts and feeds."""
