"""The auditor's journeys in the console."""

JOURNEYS = []
PAGES = []
