"""The applicant's journeys in the console."""

from harness import Browser


def logs_in(b: Browser):
    b.login("applicant@demo-genomics.example")
    b.wait_heading("Welcome")


JOURNEYS = [logs_in]
PAGES = [("login", None, "#/login"), ("applicant-home", "applicant@demo-genomics.example", "#/")]
