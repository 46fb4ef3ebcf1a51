"""The coordinator's journeys in the console.

What other roles do first (an SME registers and drafts, submits, evaluators score, the SME files
its closing report) is prepared through the API before each browser part; inside the browser
part, the coordinator only clicks and types."""

from __future__ import annotations

import datetime
import re

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from harness import DOCS, Api, Browser, Failure, unique
from prepare import register_sme, upload

COORDINATOR = "coordinator@medic-nest.example"
COORDINATOR2 = "coordinator2@medic-nest.example"


def expect(condition: bool, message: str):
    if not condition:
        raise Failure(message)


def cents(text: str) -> int:
    """'€80,000.00' → 8000000 (the console shows money in en-GB)."""
    digits = re.sub(r"[^0-9]", "", text)
    expect(digits != "", f"no amount in {text!r}")
    return int(digits)


# ---- preparing what other roles do (API only) ---------------------------------------------------

def new_sme(validate: bool = False) -> tuple[int, str, Api]:
    """A newly registered SME: its organisation id, legal name and owner's API."""
    run = unique()
    name = f"Journey Genomics {run} SRL"
    org, sme = register_sme(f"owner-{run}@coordinator-journey.example", f"coordinator-journey-{run}", name, validate=validate)
    return org, name, sme


def drafted(co: Api, call: int | None = None) -> tuple[dict, Api]:
    """A validated SME's draft to the first Spanish host, with its plan; the host has not answered."""
    org, _, sme = new_sme()
    co.call("POST", f"/v1/organisations/{org}/validation", {"decision": "validated", "reason": "registry checked"}, expect=200)
    host = sme.call("GET", "/v1/hosts?country=ES")["items"][0]["id"]
    call = call or sme.call("GET", "/v1/programmes/1/calls")["items"][0]["id"]
    today = datetime.date.today()
    start = today + datetime.timedelta(days=(7 - today.weekday()) % 7 + 14)
    app = sme.call("POST", "/v1/applications", {
        "call_id": call, "host_organisation_id": host,
        "participant": {"name": "Ana Popescu", "email": f"ana-{unique()}@coordinator-journey.example", "position": "CTO"},
        "origin": {"city": "Cluj-Napoca", "country": "RO", "latitude": 46.7712, "longitude": 23.6236},
        "activity_start": start.isoformat(), "activity_end": (start + datetime.timedelta(days=4)).isoformat(),
        "activity_type": "job_shadowing", "objectives": "Learn the host's genomic data pipeline and plan a joint pilot.",
        "declarations": {"participant_employed_by_visitor": True, "participant_third_country_national": False,
                         "no_previous_clusterxchange_visit": True}}, expect=201)
    upload(sme, app["id"], "other", DOCS / "exchange-plan.pdf")
    return app, sme


def submitted(co: Api, call: int | None = None) -> tuple[dict, Api]:
    app, sme = drafted(co, call)
    letter = upload(co, app["id"], "host_acceptance", DOCS / "host-acceptance.pdf")
    co.call("POST", f"/v1/applications/{app['id']}/host-decision", {"decision": "accepted", "document_id": letter["id"]}, expect=200)
    sme.call("POST", f"/v1/applications/{app['id']}/submit", expect=200)
    return app, sme


GOOD = {"relevance": 4.5, "quality": 4, "impact": 3.5}


def evaluated(co: Api, call: int | None = None, sheets=(GOOD, GOOD), want="evaluated") -> tuple[dict, Api]:
    app, sme = submitted(co, call)
    co.call("POST", f"/v1/applications/{app['id']}/eligibility", {"eligible": True, "reason": "complete"}, expect=200)
    for who, scores in zip(("evaluator1", "evaluator2"), sheets):
        ev = Api.login(f"{who}@medic-nest.example")
        me = ev.call("GET", "/v1/me")
        assignment = co.call("POST", f"/v1/applications/{app['id']}/assignments", {"evaluator_id": me["id"]}, expect=201)
        ev.call("POST", f"/v1/assignments/{assignment['id']}/declaration", {"conflict_of_interest": False}, expect=200)
        ev.call("PUT", f"/v1/assignments/{assignment['id']}/scores", {"scores": scores, "comments": {"impact": "clear follow-up plan"}}, expect=200)
    status = co.call("GET", f"/v1/applications/{app['id']}")["status"]
    expect(status == want, f"the prepared application is {status}, not {want}")
    return app, sme


def report_filed(co: Api, b: Browser) -> dict:
    """Approved, signed by all four parties, taken place (demo command) and reported."""
    app, sme = evaluated(co)
    a = app["id"]
    co.call("POST", f"/v1/applications/{a}/decision", {"decision": "approved", "reason": "ranked within the budget"},
            headers={"Idempotency-Key": f"prep-{unique()}"}, expect=200)
    upload(sme, a, "commitment_to_quality", DOCS / "commitment-to-quality.pdf")
    sme.call("POST", f"/v1/applications/{a}/signatures", {"party": "visitor_organisation"}, expect=201)
    signed = upload(co, a, "signed_commitment_to_quality", DOCS / "commitment-to-quality-host-signed.pdf")
    co.call("POST", f"/v1/applications/{a}/signatures", {"party": "host_organisation", "on_behalf_of": "BIOTECYL director",
                                                         "evidence_document_id": signed["id"]}, expect=201)
    co.call("POST", f"/v1/applications/{a}/signatures", {"party": "visitor_partnership"}, expect=201)
    Api.login(COORDINATOR2).call("POST", f"/v1/applications/{a}/signatures", {"party": "host_partnership"}, expect=201)
    b.run_cli("demo-exchange-took-place", "--application", str(a))
    now = sme.call("GET", f"/v1/applications/{a}")
    upload(sme, a, "boarding_pass", DOCS / "boarding-pass.png")
    upload(sme, a, "host_confirmation", DOCS / "host-confirmation.pdf")
    upload(sme, a, "closing_report", DOCS / "closing-report.pdf")
    sme.call("POST", f"/v1/applications/{a}/report", {"actual_start": now["activity_start"], "actual_end": now["activity_end"],
                                                      "summary": "Five days on the pipeline."}, expect=200)
    return sme.call("GET", f"/v1/applications/{a}")


# ---- browser helpers -------------------------------------------------------------------------------

def status_of_page(b: Browser) -> str:
    return b.driver.find_element(By.ID, "application-status").text.strip()


def wait_status(b: Browser, status: str):
    b.wait(lambda d: d.find_element(By.ID, "application-status").text.strip() == status, 15, f"the status {status!r}")


def main_text(b: Browser) -> str:
    """What the page itself shows (not the live region's announcement)."""
    return b.driver.find_element(By.TAG_NAME, "main").text


def committed(b: Browser) -> int:
    return cents(b.driver.find_element(By.ID, "budget-committed").text)


def form_labelled(b: Browser, label: str):
    return b.wait(lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, f'form[aria-label="{label}"]')), False), 10, f"the form {label!r}")


# ---- journeys --------------------------------------------------------------------------------------

def validates_an_organisation_from_the_inbox(b: Browser):
    co = Api.login(COORDINATOR)
    org, name, _ = new_sme()

    b.login(COORDINATOR)
    b.wait_heading("Inbox")
    b.wait_text("Organisations to validate")
    b.click_link(name)
    b.wait_heading(name)
    b.wait_text("pending validation")
    b.choose("Decision", "Validate")
    b.type("Reason", "Registry extract and cluster membership checked")
    b.click("Record the decision")
    b.wait(lambda d: "Status: validated" in d.find_element(By.TAG_NAME, "main").text, 15, "the organisation to show as validated")
    b.go("#/")
    b.wait_heading("Inbox")
    expect(name not in main_text(b), f"{name} is still listed in the inbox after its validation")

    answer = co.call("GET", f"/v1/organisations/{org}")
    expect(answer["status"] == "validated", f"the organisation is {answer['status']}, not validated")
    expect(answer["status_reason"] == "Registry extract and cluster membership checked", f"the reason is {answer['status_reason']!r}")


def takes_applications_to_approval_from_the_ranking(b: Browser):
    co = Api.login(COORDINATOR)
    auditor = Api.login("auditor@medic-nest.example")
    draft, _ = drafted(co)
    waiting, _ = submitted(co)
    ready, _ = evaluated(co)
    evaluators = {u["id"] for u in co.call("GET", "/v1/users?role=evaluator")["items"]}

    b.login(COORDINATOR)
    b.wait_heading("Inbox")

    # The host's answer, with its letter, on a draft.
    b.click_link(f"Application #{draft['id']}")
    b.wait_heading(f"Application #{draft['id']}")
    b.upload("Host's letter", DOCS / "host-acceptance.pdf")
    b.choose("Host decision", "Accepted")
    b.click("Record the host decision")
    b.wait(lambda d: "Host answer\naccepted" in d.find_element(By.TAG_NAME, "main").text, 15, "the host answer to show accepted")
    answer = co.call("GET", f"/v1/applications/{draft['id']}")
    expect(answer["host_acceptance"]["status"] == "accepted", f"host acceptance is {answer['host_acceptance']}")
    expect(answer["host_acceptance"].get("document_id"), "the host's answer names no letter")

    # Eligibility and both evaluators on a submitted application.
    b.go("#/")
    b.wait_heading("Inbox")
    b.click_link(f"Application #{waiting['id']}")
    b.wait_heading(f"Application #{waiting['id']}")
    expect(status_of_page(b) == "submitted", f"the page shows {status_of_page(b)!r}")
    b.choose("Eligibility", "Eligible")
    b.type("Eligibility reason", "Complete and within the scheme")
    b.click("Record eligibility")
    wait_status(b, "eligible")
    b.click("Assign the evaluator")
    wait_status(b, "in evaluation")
    b.click("Assign the evaluator")
    b.wait_text("Every evaluator is assigned.")
    assigned = {x["evaluator_id"] for x in co.call("GET", f"/v1/assignments?application_id={waiting['id']}")["items"]}
    expect(assigned == evaluators, f"assigned {assigned}, expected every evaluator {evaluators}")

    # The ranking against the live budget: a double click approves once.
    b.go("#/")
    b.wait_heading("Inbox")
    b.click_link("Ranking of ClusterXchange open call")
    b.wait_heading("Ranking")
    b.wait_text(f"Decide #{ready['id']}")
    before = committed(b)
    expect(before == co.call("GET", "/v1/programmes/1/budget")["committed_cents"], "the gauge's committed figure is not the budget's")
    f = form_labelled(b, f"Decision on application {ready['id']}")
    b.screenshot("coordinator-ranking-proposal")
    expect(b.field(f"Decision for #{ready['id']}").get_attribute("value") == "approved", "the proposal for the prepared application is not approval")
    # The answer to the first decision is lost on the way back (a gateway timeout after the
    # service committed): the person sees the failure and clicks again. The retry must carry the
    # same key, so the service answers the stored decision instead of deciding again.
    b.driver.execute_script("""
      const original = window.fetch; window.cxSent = []; let lost = false;
      window.fetch = async (url, options = {}) => {
        if (options.method === 'POST' && String(url).endsWith('/decision')) {
          window.cxSent.push(options.headers['Idempotency-Key'] || '');
          if (!lost) {
            lost = true; await original(url, options);
            return new Response(JSON.stringify({ title: 'Gateway Timeout', status: 504, detail: 'The gateway gave up waiting for the service.' }),
              { status: 504, headers: { 'Content-Type': 'application/problem+json' } });
          }
        }
        return original(url, options);
      };""")
    ActionChains(b.driver).double_click(b.button(f"Decide #{ready['id']}", within=f)).perform()
    b.wait(lambda d: "gateway gave up" in b.form_message(), 15, "the lost answer to be shown")
    expect(co.call("GET", f"/v1/applications/{ready['id']}")["status"] == "approved", "the first request did not reach the service")
    b.click(f"Decide #{ready['id']}", within=f)
    b.wait(lambda d: committed(b) != before, 15, "the committed figure to change")
    b.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, f'form[aria-label="Decision on application {ready["id"]}"]'), 15, "the decided proposal to leave the ranking")
    after = committed(b)
    b.screenshot("coordinator-ranking-decided")
    sent = b.driver.execute_script("return window.cxSent")
    expect(len(sent) == 2 and sent[0] and sent[0] == sent[1], f"the decision was sent {len(sent)} times with keys {sent}: a double click (one request) and one retry with the same key expected")
    granted = co.call("GET", f"/v1/applications/{ready['id']}")
    expect(granted["status"] == "approved", f"the application is {granted['status']}, not approved")
    expect(after - before == granted["granted_cents"] == ready["lump_sum_cents"],
           f"committed moved {before} → {after}, expected by the grant {granted['granted_cents']}")
    expect(co.call("GET", "/v1/programmes/1/budget")["committed_cents"] == after, "the page's committed figure is not the service's")
    expect(not b.form_message(), f"the page shows a problem: {b.form_message()}")
    actions = [e["action"] for e in auditor.call("GET", f"/v1/audit-log?entity_type=application&entity_id={ready['id']}&limit=200")["items"]]
    decisions = [x for x in actions if x in ("application.approve", "application.reserve", "application.reject")]
    expect(decisions == ["application.approve"], f"the audit log shows these decisions: {decisions} (all: {actions})")
    ledger = [(e["kind"], e["amount_cents"]) for e in auditor.call("GET", f"/v1/ledger?application_id={ready['id']}")["items"]]
    expect(ledger == [("commitment", ready["lump_sum_cents"])], f"the ledger holds {ledger} for one approval")


def pays_under_four_eyes(b: Browser):
    co = Api.login(COORDINATOR)
    app = report_filed(co, b)
    a = app["id"]

    b.login(COORDINATOR)
    b.wait_heading("Inbox")
    b.click_link(f"Application #{a}")
    b.wait_heading(f"Application #{a}")
    wait_status(b, "report submitted")
    b.choose("Review", "Accept the report")
    b.click("Record the review")
    wait_status(b, "report accepted")
    b.choose("Payment kind", "Final payment")
    b.click("Request the payment")
    b.wait_heading("Payments")
    payment = co.call("GET", f"/v1/payments?application_id={a}")["items"]
    expect(len(payment) == 1 and payment[0]["status"] == "requested", f"payments of the application: {payment}")
    p = payment[0]
    expect(p["amount_cents"] == co.call("GET", f"/v1/applications/{a}")["final_amount_cents"], "the payment is not the final amount")
    b.wait_text("You requested this payment")

    # The same coordinator may not approve: the refusal is shown as a sentence.
    b.click(f"Approve payment #{p['id']}")
    b.wait(lambda d: b.form_message() != "", 15, "the four-eyes refusal")
    message = b.form_message()
    b.screenshot("coordinator-four-eyes-refused")
    expect("four" in message.lower() or "another coordinator" in message.lower() or "other than" in message.lower(),
           f"the refusal does not explain four eyes: {message!r}")
    expect(co.call("GET", f"/v1/payments/{p['id']}")["status"] == "requested", "the refused approval changed the payment")

    # A second coordinator approves, then records the transfer.
    b.logout()
    b.login(COORDINATOR2)
    b.wait_heading("Inbox")
    b.wait_text(f"Payment #{p['id']}")
    b.wait_text("yours to approve")
    b.go("#/payments")
    b.wait_heading("Payments")
    b.click(f"Approve payment #{p['id']}")
    b.wait_text(f"Bank reference for payment #{p['id']}")
    reference = f"BT-{unique()}"
    b.type(f"Bank reference for payment #{p['id']}", reference)
    b.click(f"Record the transfer of #{p['id']}")
    b.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, f'form[aria-label="Record the transfer of payment {p["id"]}"]'), 15, "the transfer to be recorded")
    b.wait_text(reference)
    paid = co.call("GET", f"/v1/payments/{p['id']}")
    expect(paid["status"] == "paid", f"the payment is {paid['status']}")
    expect(paid["bank_reference"] == reference, f"the bank reference is {paid['bank_reference']!r}")
    expect(paid["approved_by"] != paid["requested_by"], "requested and approved by the same coordinator")
    expect(paid["value_date"] == datetime.date.today().isoformat(), f"the value date is {paid['value_date']}")

    # And the paid exchange is closed.
    b.go(f"#/applications/{a}")
    wait_status(b, "paid")
    b.click("Close the exchange")
    wait_status(b, "closed")
    expect(co.call("GET", f"/v1/applications/{a}")["status"] == "closed", "the application is not closed")


def registers_and_deletes_a_webhook(b: Browser):
    co = Api.login(COORDINATOR)
    url = f"https://hooks.example.org/cx-{unique()}"
    b.login(COORDINATOR)
    b.go("#/webhooks")
    b.wait_heading("Webhooks")
    b.type("Endpoint URL", url)
    b.check("payment executed")
    b.click("Register the webhook")
    b.wait_text("shown once")
    hooks = [w for w in co.call("GET", "/v1/webhooks")["items"] if w["url"] == url]
    expect(len(hooks) == 1 and hooks[0]["kinds"] == ["payment_executed"], f"registered: {hooks}")
    b.click(f"Delete webhook #{hooks[0]['id']}")
    b.wait(lambda d: f"{url} payment executed stopped" in main_text(b), 15, "the webhook to show as stopped")
    expect(not [x for x in b.driver.find_elements(By.TAG_NAME, "button") if x.text == f"Delete webhook #{hooks[0]['id']}"],
           "a stopped webhook still offers to be deleted")
    left = [w for w in co.call("GET", "/v1/webhooks")["items"] if w["url"] == url and w["active"]]
    expect(not left, f"the webhook is still active: {left}")


def edits_a_call_with_if_match(b: Browser):
    co = Api.login(COORDINATOR)
    before = co.call("GET", "/v1/calls/1")
    b.login(COORDINATOR)
    b.go("#/settings")
    b.wait_heading("Programme and call settings")
    b.type("Evaluation days (call #1)", before["evaluation_days"] + 1)
    b.click("Save call #1")
    b.wait(lambda d: co.call("GET", "/v1/calls/1")["evaluation_days"] == before["evaluation_days"] + 1, 15, "the call to change")
    # Someone else changes the call meanwhile: the stale page's save is refused, not overwritten.
    b.wait_heading("Programme and call settings")
    b.wait(lambda d: b.field("Evaluation days (call #1)").get_attribute("value") == str(before["evaluation_days"] + 1), 15, "the saved value")
    etag = f'"call-1-v{co.call("GET", "/v1/calls/1")["version"]}"'
    co.call("PATCH", "/v1/calls/1", {"evaluation_days": before["evaluation_days"]}, headers={"If-Match": etag}, expect=200)
    b.type("Evaluation days (call #1)", 30)
    b.click("Save call #1")
    b.wait(lambda d: b.form_message() != "", 15, "the stale edit to be refused")
    expect(co.call("GET", "/v1/calls/1")["evaluation_days"] == before["evaluation_days"], "a stale edit overwrote the call")


def decides_an_appeal_and_a_bank_change(b: Browser):
    co = Api.login(COORDINATOR)
    app, sme = submitted(co)
    co.call("POST", f"/v1/applications/{app['id']}/eligibility", {"eligible": False, "reason": "the plan is missing a host letter"}, expect=200)
    sme.call("POST", f"/v1/applications/{app['id']}/appeal", {"grounds": "The host letter was uploaded on time."}, expect=201)
    appeal = co.call("GET", f"/v1/appeals?application_id={app['id']}")["items"][0]
    org = sme.call("GET", f"/v1/organisations/{app['organisation_id']}")
    changed = sme.call("PATCH", f"/v1/organisations/{org['id']}", {"iban": "RO66BACX0000001234567890"}, expect=200)
    expect(changed["pending_change"] and changed["iban"] == org["iban"], f"the IBAN change did not wait for a coordinator: {changed}")

    # The coordinator who recorded the outcome sees that another one decides the appeal.
    b.login(COORDINATOR)
    b.wait_heading("Inbox")
    b.wait_text(f"Appeal #{appeal['id']}")
    b.wait_text("you recorded the outcome: another coordinator decides")
    b.logout()

    b.login(COORDINATOR2)
    b.wait_heading("Inbox")
    b.click_link(f"Appeal #{appeal['id']}")
    b.wait_heading("Appeals")
    b.choose(f"Decision on appeal #{appeal['id']}", "Grant the appeal")
    b.type(f"Reason for appeal #{appeal['id']}", "The letter was on file before the check.")
    b.click(f"Decide appeal #{appeal['id']}")
    b.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, f'form[aria-label="Decide appeal {appeal["id"]}"]'), 15, "the appeal to be decided")
    b.wait_text("The letter was on file before the check.")
    decided = co.call("GET", f"/v1/appeals?application_id={app['id']}")["items"][0]
    expect(decided["decision"] == "granted", f"the appeal is {decided['decision']}")
    status = co.call("GET", f"/v1/applications/{app['id']}")["status"]
    expect(status == "submitted", f"a granted appeal left the application {status}, expected submitted")

    # The IBAN change, from the inbox.
    b.go("#/")
    b.wait_heading("Inbox")
    b.wait_text("Bank or legal changes to decide")
    b.click_link(org["legal_name"])
    b.wait_heading(org["legal_name"])
    b.wait_text("RO66BACX0000001234567890")
    b.choose("Change decision", "Approve the change")
    b.click("Decide the change")
    b.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, 'form[aria-label="Decide the change of details"]'), 15, "the change to be decided")
    after = co.call("GET", f"/v1/organisations/{org['id']}")
    expect(after["iban"] == "RO66BACX0000001234567890" and not after["pending_change"], f"the change did not apply: {after}")


def records_a_consensus_and_applies_the_ranking(b: Browser):
    co = Api.login(COORDINATOR)
    now = datetime.datetime.now(datetime.timezone.utc)
    call = co.call("POST", "/v1/programmes/1/calls", {
        "title": f"Coordinator journey call {unique()}", "opens_at": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "closes_at": (now + datetime.timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")}, expect=201)
    diverging, _ = evaluated(co, call["id"], ({"relevance": 5, "quality": 4, "impact": 3.5}, {"relevance": 2, "quality": 4, "impact": 3.5}), "in_evaluation")
    weak, _ = evaluated(co, call["id"], ({"relevance": 2, "quality": 2, "impact": 2}, {"relevance": 2, "quality": 2, "impact": 2}))
    expect(co.call("GET", f"/v1/applications/{diverging['id']}/evaluation")["needs_consensus"], "the prepared scores do not diverge")

    b.login(COORDINATOR)
    b.wait_heading("Inbox")
    b.wait_text("Evaluations that diverge")
    b.click_link(f"Application #{diverging['id']}")
    b.wait_heading(f"Application #{diverging['id']}")
    b.wait_text("Scores diverge on relevance")
    b.type("Consensus relevance", "4")
    b.type("Consensus quality", "4")
    b.type("Consensus impact", "3.5")
    b.type("Justification", "The panel agreed the plan is relevant once the host letter is read.")
    b.click("Record the consensus")
    wait_status(b, "evaluated")
    ev = co.call("GET", f"/v1/applications/{diverging['id']}/evaluation")
    expect(ev["consensus"] and ev["consensus"]["scores"]["relevance"] == 4, f"the consensus is {ev['consensus']}")

    b.click_link("ranking of the call")
    b.wait_heading(call["title"])
    b.wait_text(f"Decide #{weak['id']}")
    before = committed(b)
    b.click("Apply all proposed decisions…")
    b.wait_text("This approves 1, puts 0 on the reserve list and rejects 1 applications")
    b.click("Confirm: apply 2 decisions")
    b.wait_text("No evaluated application to rank yet.")
    after = committed(b)
    expect(after - before == diverging["lump_sum_cents"], f"committed moved {before} → {after}, expected by {diverging['lump_sum_cents']}")
    got = {a["id"]: co.call("GET", f"/v1/applications/{a['id']}")["status"] for a in (diverging, weak)}
    expect(got == {diverging["id"]: "approved", weak["id"]: "rejected"}, f"after applying the ranking: {got}")


JOURNEYS = [validates_an_organisation_from_the_inbox, takes_applications_to_approval_from_the_ranking, pays_under_four_eyes,
            records_a_consensus_and_applies_the_ranking, decides_an_appeal_and_a_bank_change, registers_and_deletes_a_webhook, edits_a_call_with_if_match]
PAGES = [
    ("coordinator-inbox", COORDINATOR, "#/"),
    ("coordinator-ranking", COORDINATOR, "#/calls/1/ranking"),
    ("coordinator-payments", COORDINATOR, "#/payments"),
    ("coordinator-application", COORDINATOR, "#/applications/1"),
    ("coordinator-organisations", COORDINATOR, "#/organisations"),
    ("coordinator-appeals", COORDINATOR, "#/appeals"),
    ("coordinator-settings", COORDINATOR, "#/settings"),
    ("coordinator-webhooks", COORDINATOR, "#/webhooks"),
]
