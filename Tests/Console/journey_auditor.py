"""The auditor's journeys in the console.

`prepare_paid()` takes an application from registration to a paid and closed exchange through
the API, as the SME, the coordinators and the evaluators would (the walkthrough's steps 1 to 11),
so the auditor has money to look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess

from selenium.webdriver.common.by import By
from harness import DOCS, Api, Browser, Failure
from journey_evaluator import prepare_assigned
from prepare import upload

AUDITOR = "auditor@medic-nest.example"


def run_cli(*args: str) -> str:
    out = subprocess.run([os.environ["CX_BIN"], *args], capture_output=True, text=True, timeout=60, check=False)
    if out.returncode != 0:
        raise Failure(f"{' '.join(args)} failed: {out.stderr[-800:]}")
    return out.stdout


def prepare_paid() -> dict:
    prep = prepare_assigned(("evaluator1@medic-nest.example", "evaluator2@medic-nest.example"), name_prefix="Console Audit")
    app, sme, co = prep["app"], prep["sme"], prep["co"]
    for ev, a in prep["assignments"].values():
        ev.call("POST", f"/v1/assignments/{a['id']}/declaration", {"conflict_of_interest": False}, expect=200)
        ev.call("PUT", f"/v1/assignments/{a['id']}/scores",
                {"scores": {"relevance": 4.5, "quality": 4, "impact": 3.5}}, expect=200)
    co.call("POST", f"/v1/applications/{app}/decision", {"decision": "approved", "reason": "ranked within the budget"},
            headers={"Idempotency-Key": f"console-audit-{prep['run']}"}, expect=200)
    co2 = Api.login("coordinator2@medic-nest.example")
    upload(sme, app, "commitment_to_quality", DOCS / "commitment-to-quality.pdf", "ctq.pdf")
    sme.call("POST", f"/v1/applications/{app}/signatures", {"party": "visitor_organisation"}, expect=201)
    signed = upload(co, app, "signed_commitment_to_quality", DOCS / "commitment-to-quality-host-signed.pdf", "ctq-host.pdf")
    co.call("POST", f"/v1/applications/{app}/signatures",
            {"party": "host_organisation", "on_behalf_of": "BIOTECYL director", "evidence_document_id": signed["id"]}, expect=201)
    co.call("POST", f"/v1/applications/{app}/signatures", {"party": "visitor_partnership"}, expect=201)
    co2.call("POST", f"/v1/applications/{app}/signatures", {"party": "host_partnership"}, expect=201)
    run_cli("demo-exchange-took-place", "--application", str(app))
    a = sme.call("GET", f"/v1/applications/{app}")
    upload(sme, app, "boarding_pass", DOCS / "boarding-pass.png")
    upload(sme, app, "host_confirmation", DOCS / "host-confirmation.pdf")
    upload(sme, app, "closing_report", DOCS / "closing-report.pdf")
    sme.call("POST", f"/v1/applications/{app}/report",
             {"actual_start": a["activity_start"], "actual_end": a["activity_end"], "summary": "Five days on the pipeline."}, expect=200)
    co.call("POST", f"/v1/applications/{app}/report/review", {"accepted": True}, expect=200)
    payment = co.call("POST", "/v1/payments", {"application_id": app, "kind": "final"}, expect=201)
    co2.call("POST", f"/v1/payments/{payment['id']}/approve", expect=200)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    paid = co.call("POST", f"/v1/payments/{payment['id']}/execute",
                   {"bank_reference": f"BT-{prep['run']}", "value_date": today}, expect=200)
    prep["payment"] = paid
    prep["paid_cents"] = paid["amount_cents"]
    return prep


def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def figure(b: Browser, term: str) -> str:
    return b.driver.execute_script(
        "const d = [...document.querySelectorAll('.au-figures dt')].find(t => t.textContent.trim() === arguments[0]);"
        "return d ? d.nextElementSibling.textContent : null;", term) or ""


def euros(cents: int) -> str:
    """The amount as the page's `money()` shows it in an English locale: "€780.00"."""
    return f"€{cents / 100:,.2f}"


def reports_and_verifies(b: Browser):
    prep = prepare_paid()
    au = Api.login(AUDITOR)
    programme = au.call("GET", f"/v1/programmes/{prep['programme']}")
    code = programme["code"]
    report = au.call("GET", f"/v1/reports/spending?programme_id={prep['programme']}")
    if report["paid_cents"] < prep["paid_cents"]:
        raise Failure(f"the prepared payment is not in the report: {report}")

    b.login(AUDITOR)
    b.wait_heading("Spending report")
    b.wait(lambda _: figure(b, "Paid") != "", 10, "the figures")
    for term, key in (("Cap", "cap_cents"), ("Committed", "committed_cents"), ("Paid", "paid_cents"), ("Available", "available_cents")):
        if euros(report[key]) not in figure(b, term):
            raise Failure(f"the figure {term} shows {figure(b, term)!r}, expected {euros(report[key])}")
    # The chart is an image from a blob: URL that has loaded.
    b.wait(lambda d: d.execute_script("const i = document.querySelector('.chart img'); return !!i && i.complete && i.naturalWidth > 0"),
           15, "the chart image to load")
    src = b.driver.execute_script("return document.querySelector('.chart img').src")
    if not src.startswith("blob:"):
        raise Failure(f"the chart is not a blob image: {src}")
    ro = b.driver.execute_script(
        "const t = [...document.querySelectorAll('table')].find(t => t.caption && t.caption.textContent === 'By visitor country');"
        "if (!t) return null; const r = [...t.tBodies[0].rows].find(r => r.cells[0].textContent === 'RO');"
        "return r ? [...r.cells].map(c => c.textContent) : [];")
    if not ro or ro[3] != euros(report["by_visitor_country"][[i["key"] for i in report["by_visitor_country"]].index("RO")]["paid_cents"]):
        raise Failure(f"the breakdown by visitor country shows {ro!r} for RO")
    b.screenshot("auditor-spending")

    # A date before the programme's money moved: nothing paid then.
    b.driver.execute_script(
        "const i = document.querySelector('input[name=as_of]'); i.value = '2021-01-01';"
        "i.dispatchEvent(new Event('input', {bubbles: true}));")
    b.click("Show the report")
    b.wait(lambda d: d.execute_script("return location.hash.includes('as_of=2021-01-01')"), 10, "the as_of in the address")
    b.wait(lambda _: figure(b, "Paid") == euros(0), 10, f"the paid figure {euros(0)} on 1 January 2021")
    b.wait_text("2021")
    b.wait(lambda d: d.execute_script("const i = document.querySelector('.chart img'); return !!i && i.complete && i.naturalWidth > 0"),
           15, "the chart for 2021 to load")
    b.screenshot("auditor-spending-2021")

    # The exports: beneficiaries and spending CSV.
    b.click_link("Exports")
    b.wait_heading("Exports")
    b.click("Download the beneficiaries CSV")
    rows = csv_rows(b.downloaded(f"beneficiaries-{code}.csv"))
    header = rows[0]
    if header[:2] != ["organisation_id", "legal_name"] or "paid_eur" not in header:
        raise Failure(f"the beneficiaries CSV header is {header}")
    mine = [dict(zip(header, r)) for r in rows[1:] if len(r) > 1 and r[1] == prep["legal_name"]]
    if not mine:
        raise Failure(f"the beneficiaries CSV has no row for {prep['legal_name']}: {rows[:5]}")
    if mine[0]["paid_eur"] != f"{prep['paid_cents'] / 100:.2f}" or mine[0]["country"] != "RO":
        raise Failure(f"the beneficiaries CSV row is {mine[0]}, expected {prep['paid_cents'] / 100:.2f} paid in RO")
    b.click("Download the spending CSV")
    spending = csv_rows(b.downloaded(f"spending-{code}.csv"))
    if spending[0][:2] != ["breakdown", "key"] or "paid_eur" not in spending[0]:
        raise Failure(f"the spending CSV header is {spending[0]}")
    rows = [dict(zip(spending[0], r)) for r in spending[1:]]
    ro = [r for r in rows if r["breakdown"] == "by_visitor_country" and r["key"] == "RO"]
    ro_paid = next(i["paid_cents"] for i in report["by_visitor_country"] if i["key"] == "RO")
    if not ro or ro[0]["paid_eur"] != f"{ro_paid / 100:.2f}":
        raise Failure(f"the spending CSV's Romanian row is {ro}, expected {ro_paid / 100:.2f} paid")
    b.screenshot("auditor-exports")

    # The ledger shows the application's commitment and payment.
    b.click_link("Ledger")
    b.wait_heading("Ledger")
    b.type("Application", prep["app"])
    b.click("Show the entries")
    b.wait(lambda d: d.execute_script(f"return location.hash.includes('application_id={prep['app']}')"), 10, "the filter in the address")
    # In the entries table itself (the page's introduction names both kinds too).
    def kinds_in_rows(d):
        rows = [r.text for r in d.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
        return any("payment" in r and euros(prep["paid_cents"]) in r for r in rows) and any("commitment" in r for r in rows)
    b.wait(kinds_in_rows, 10, "the commitment and the payment in the ledger's rows")
    b.screenshot("auditor-ledger")

    # The audit log and its verification.
    b.click_link("Audit log")
    b.wait_heading("Audit log")
    b.type("Entity type", "application")
    b.type("Entity number", prep["app"])
    b.click("Show the entries")
    b.wait(lambda d: d.execute_script("return location.hash.includes('entity_type=application')"), 10, "the filter in the address")
    b.wait_text(f"application {prep['app']}")
    others = b.driver.execute_script(
        "return [...document.querySelectorAll('.au-audit tbody tr')].map(r => r.cells[4].textContent)"
        ".filter(t => t !== arguments[0])", f"application {prep['app']}")
    if others:
        raise Failure(f"the filtered audit log shows other entities: {others[:5]}")
    b.click("Verify the chain")
    b.wait_text("The audit chain is valid")
    checked = au.call("GET", "/v1/audit-log/verify")["checked"]
    text = b.driver.execute_script("return document.querySelector('.au-verify').textContent")
    if f"{checked:,}" not in text and str(checked) not in text:
        raise Failure(f"the verification does not say how many entries it checked ({checked}): {text!r}")
    b.screenshot("auditor-audit-log")


JOURNEYS = [reports_and_verifies]
PAGES = [
    ("auditor-spending", AUDITOR, "#/"),
    ("auditor-exports", AUDITOR, "#/exports"),
    ("auditor-ledger", AUDITOR, "#/ledger"),
    ("auditor-audit-log", AUDITOR, "#/audit-log"),
]
