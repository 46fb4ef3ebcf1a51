"""The evaluator's journeys in the console.

`prepare_assigned()` builds, through the API as the SME and a coordinator would, a submitted
and eligible application assigned to evaluator1 (the walkthrough's steps 1 to 6); the auditor's
journey reuses it to get an approved and paid exchange.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from harness import DOCS, Api, Browser, Failure, unique
from prepare import next_monday, register_sme, upload

EVALUATOR = "evaluator1@medic-nest.example"


def prepare_assigned(evaluators=("evaluator1@medic-nest.example",), name_prefix="Console Eval"):
    """A new SME's application, submitted, eligible and assigned to `evaluators`.
    Answers a dict with the ids, the organisation's name and the Api handles."""
    run = unique()
    legal_name = f"{name_prefix} {run} SRL"
    email, password = f"owner-{run}@console.example", f"console-{run}"
    org, sme = register_sme(email, password, legal_name)
    co = Api.login("coordinator@medic-nest.example")
    host = sme.call("GET", "/v1/hosts?country=ES")["items"][0]["id"]
    programme = sme.call("GET", "/v1/programmes")["items"][0]["id"]
    call = sme.call("GET", f"/v1/programmes/{programme}/calls")["items"][0]["id"]
    start = next_monday()
    app = sme.call("POST", "/v1/applications", {
        "call_id": call, "host_organisation_id": host,
        "participant": {"name": "Ana Popescu", "email": f"ana-{run}@console.example", "position": "CTO"},
        "origin": {"city": "Cluj-Napoca", "country": "RO", "latitude": 46.7712, "longitude": 23.6236},
        "activity_start": start.isoformat(), "activity_end": (start + dt.timedelta(days=4)).isoformat(),
        "activity_type": "job_shadowing",
        "objectives": "Learn the host's genomic data pipeline and plan a joint pilot.",
        "declarations": {"participant_employed_by_visitor": True, "participant_third_country_national": False,
                         "no_previous_clusterxchange_visit": True}}, expect=201)
    app_id = app["id"]
    upload(sme, app_id, "other", DOCS / "exchange-plan.pdf")
    acceptance = upload(co, app_id, "host_acceptance", DOCS / "host-acceptance.pdf")
    co.call("POST", f"/v1/applications/{app_id}/host-decision",
            {"decision": "accepted", "document_id": acceptance["id"]}, expect=200)
    sme.call("POST", f"/v1/applications/{app_id}/submit", expect=200)
    co.call("POST", f"/v1/applications/{app_id}/eligibility", {"eligible": True, "reason": "complete"}, expect=200)
    assignments = {}
    for who in evaluators:
        ev = Api.login(who)
        me = ev.call("GET", "/v1/me")
        a = co.call("POST", f"/v1/applications/{app_id}/assignments", {"evaluator_id": me["id"]}, expect=201)
        assignments[who] = (ev, a)
    return {"run": run, "org": org, "legal_name": legal_name, "sme": sme, "co": co, "programme": programme,
            "call": call, "app": app_id, "lump_sum_cents": app["lump_sum_cents"], "assignments": assignments,
            "email": email, "password": password}


def shown_weighted(b: Browser) -> str:
    return b.driver.execute_script(
        "const o = document.querySelector('output[name=weighted]'); return o ? o.textContent : null;") or ""


def scores_and_submits(b: Browser):
    prep = prepare_assigned()
    _, assignment = prep["assignments"][EVALUATOR]
    aid = assignment["id"]
    call = prep["co"].call("GET", f"/v1/calls/{prep['call']}")
    criteria = call["criteria"]
    if not assignment.get("due_on"):
        raise Failure(f"the prepared assignment has no due date: {assignment}")

    b.login(EVALUATOR)
    b.wait_heading("Your assignments")
    b.wait_text(prep["legal_name"])
    row = b.driver.execute_script(
        "return [...document.querySelectorAll('tr')].map(r => r.innerText).find(t => t.includes(arguments[0])) || ''",
        prep["legal_name"])
    due = dt.date.fromisoformat(assignment["due_on"])
    # The reader's locale decides the order ("18 Dec 2026" or "Dec 18, 2026").
    mon, day, year = due.strftime("%b"), str(due.day), str(due.year)
    due_text = f"{day} {mon} {year} / {mon} {day}, {year}"
    if f"{day} {mon} {year}" not in row and f"{mon} {day}, {year}" not in row:
        raise Failure(f"the assignment row does not show its due date {due_text!r}: {row!r}")
    if "pending declaration" not in row:
        raise Failure(f"the assignment row does not show its status: {row!r}")
    b.screenshot("evaluator-assignments")

    b.click_link(f"Application {prep['app']}")
    b.wait_heading(f"Assignment {aid}")
    # The application is not shown before the declaration.
    b.wait_text("Declaration of interests")
    if "Learn the host's genomic data pipeline" in b.main_text():
        raise Failure("the application's objectives are shown before the declaration")
    if b.driver.find_elements("css selector", "input[name^='scores.']"):
        raise Failure("the score sheet is shown before the declaration")
    b.check("I have no conflict of interest with this application")
    b.click("Declare")
    b.wait_text("Learn the host's genomic data pipeline", timeout=15)
    b.wait_text("Score sheet")

    # Live weighted score: relevance 4.5 alone, then every criterion.
    keys = [c["key"] for c in criteria]
    weights = {c["key"]: c["weight"] for c in criteria}
    label = lambda k: f"{k.replace('_', ' ').capitalize()} score"  # noqa: E731
    before = shown_weighted(b)
    b.type(label(keys[0]), "4.5")
    b.wait(lambda _: shown_weighted(b) != before, 5, "the weighted score to change")
    values = {keys[0]: 4.5}
    for k, v in zip(keys[1:], [4, 3.5, 3, 2.5]):
        values[k] = v
    for k in keys[1:]:
        b.type(label(k), values[k])
    expected = sum(values[k] * weights[k] for k in keys)
    want = f"{expected:.2f}"
    b.wait(lambda _: want in shown_weighted(b), 5, f"the weighted score {want}")
    live = b.driver.execute_script("return document.querySelector('output[name=weighted]').getAttribute('aria-live')")
    if live != "polite":
        raise Failure(f"the weighted score is not announced politely (aria-live={live!r})")
    b.screenshot("evaluator-sheet")

    # An invalid sheet: one score above the maximum, one not a half point, one missing.
    b.type(label(keys[0]), "7")
    if len(keys) > 1:
        b.type(label(keys[1]), "3.3")
    if len(keys) > 2:
        b.field(label(keys[2])).clear()
    b.click("Submit the score sheet")
    b.wait(lambda _: b.field_error(label(keys[0])) != "", 10, "an error beside the first criterion")
    errors = {k: b.field_error(label(k)) for k in keys}
    missing = [k for k in keys[:3] if not errors[k]]
    if missing:
        raise Failure(f"not every error is shown at once; none beside {missing}: {errors}")
    invalid = b.driver.execute_script(
        "return document.querySelector(`input[name='scores.${arguments[0]}']`).getAttribute('aria-invalid')", keys[0])
    if invalid != "true":
        raise Failure(f"the score above the maximum is not marked invalid (aria-invalid={invalid!r})")
    b.screenshot("evaluator-sheet-errors")
    sheet = prep["co"].call("GET", f"/v1/applications/{prep['app']}/evaluation")
    if sheet["sheets"]:
        raise Failure(f"an invalid sheet was recorded: {sheet['sheets']}")

    # A valid sheet.
    for k in keys:
        b.type(label(k), values[k])
    b.type(f"{keys[-1].replace('_', ' ').capitalize()} comment", "Clear follow-up plan.")
    b.click("Submit the score sheet")
    b.wait_text("Your score sheet is recorded")
    b.wait_text(want)
    evaluation = prep["co"].call("GET", f"/v1/applications/{prep['app']}/evaluation")
    recorded = [s for s in evaluation["sheets"] if s["assignment_id"] == aid]
    if not recorded:
        raise Failure(f"no sheet recorded for assignment {aid}: {json.dumps(evaluation)[:600]}")
    got = {k: float(v) for k, v in recorded[0]["scores"].items()}
    if got != {k: float(v) for k, v in values.items()}:
        raise Failure(f"recorded scores {got} differ from the typed {values}")
    b.screenshot("evaluator-recorded")
    # Back on the list, the assignment reads as submitted.
    b.click_link("Your assignments")
    b.wait_heading("Your assignments")
    row = b.driver.execute_script(
        "return [...document.querySelectorAll('tr')].map(r => r.innerText).find(t => t.includes(arguments[0])) || ''",
        prep["legal_name"])
    if not re.search(r"\bsubmitted\b", row):
        raise Failure(f"the assignment does not read as submitted: {row!r}")

    # Coming back later, the evaluator sees the sheet they submitted, filled in again.
    b.go(f"#/assignments/{aid}")
    b.wait_text("Your score sheet is recorded")
    for k in keys:
        shown = b.field(label(k)).get_attribute("value")
        if float(shown or "nan") != float(values[k]):
            raise Failure(f"the stored score of {k} is not filled in again: {shown!r}, expected {values[k]}")
    kept = b.field(f"{keys[-1].replace('_', ' ').capitalize()} comment").get_attribute("value")
    if kept != "Clear follow-up plan.":
        raise Failure(f"the stored comment is not filled in again: {kept!r}")


def declares_conflict(b: Browser):
    """Declaring a conflict needs details and voids the assignment: the application stays hidden."""
    prep = prepare_assigned()
    _, assignment = prep["assignments"][EVALUATOR]
    b.login(EVALUATOR)
    b.go(f"#/assignments/{assignment['id']}")
    b.wait_heading(f"Assignment {assignment['id']}")
    b.check("I have a conflict of interest with this application")
    b.click("Declare")
    b.wait(lambda _: b.field_error("Details of the conflict") != "", 10, "an error asking for details")
    b.type("Details of the conflict", "I advised this SME last year.")
    b.click("Declare")
    b.wait_text("This assignment is void")
    if "Learn the host's genomic data pipeline" in b.main_text():
        raise Failure("the application is shown after a declared conflict")


def tour_assignment() -> str:
    """An assignment of evaluator1 for the tour (the journeys leave some)."""
    try:
        ev = Api.login(EVALUATOR)
        items = ev.call("GET", "/v1/assignments")["items"]
        for a in items:
            if a["status"] == "submitted":
                return f"#/assignments/{a['id']}"
        if items:
            return f"#/assignments/{items[0]['id']}"
    except Exception:  # noqa: BLE001
        pass
    return "#/"


class TourHash(str):
    """A hash worked out when the tour opens it (after the journeys), not at import time:
    run.py formats it into the URL, and formatting asks `resolve`."""

    def __new__(cls, resolve):
        obj = super().__new__(cls, "#/")
        obj.resolve = resolve
        return obj

    def __format__(self, spec):
        return format(self.resolve(), spec)

    def __str__(self):
        return self.resolve()


JOURNEYS = [scores_and_submits, declares_conflict]
PAGES = [("evaluator-assignments", EVALUATOR, "#/"), ("evaluator-assignment", EVALUATOR, TourHash(tour_assignment))]
