"""Evidence clips: a few seconds around each incident, cut from the frames topic by time."""
