"""The coordinator's journeys in the console."""

JOURNEYS = []
PAGES = []
