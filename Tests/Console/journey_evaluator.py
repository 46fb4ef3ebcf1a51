"""The evaluator's journeys in the console."""

JOURNEYS = []
PAGES = []
