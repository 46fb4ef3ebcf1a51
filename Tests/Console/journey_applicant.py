"""The applicant's journeys in the console: registering an SME, finding a host, drafting an
exchange with its figures, a refused then accepted submission (with the host accepting the
match in its own console), the Commitment to Quality, the closing report with its proofs, and
the payment with its notification.

What other roles do (validation, the host's written acceptance, eligibility, evaluation,
approval, the coordinators' signatures, the report review and the payment) is prepared through
the API before each browser part, as those roles would have done."""

from __future__ import annotations

import datetime as dt
import math

from selenium.webdriver.common.by import By

from harness import DOCS, PASSWORD, Api, Browser, Failure, unique
from prepare import next_monday, register_sme

RUN = unique()
DEMO_APPLICANT = "applicant@demo-genomics.example"
# The SMEs the journeys create (known at import, so the tour can log in as them afterwards).
REGISTERED_EMAIL = f"new-sme-{RUN}@journey.example"
DRAFTER_EMAIL = f"drafter-{RUN}@journey.example"
FUNDED_EMAIL = f"funded-{RUN}@journey.example"
STATE: dict[str, int] = {}
PORTO = {"city": "Porto", "country": "PT", "latitude": 41.1579, "longitude": -8.6291}


# ---- preparing what other roles do (API) ----------------------------------------------------

def register_validated_sme(email: str, legal_name: str) -> int:
    """A Porto SME registered and validated by a coordinator; returns its organisation id."""
    org, _ = register_sme(email, PASSWORD, legal_name, name="Rui Applicant", organisation={
        "country": "PT", "kind": "sme", "city": PORTO["city"], "latitude": PORTO["latitude"], "longitude": PORTO["longitude"],
        "iban": "PT50000201231234567890154", "cluster_name": "Health Cluster Portugal",
        "cluster_profile_url": "https://clustercollaboration.eu/cluster-organisations/health-cluster-portugal"})
    return org


def haversine(lat1, lon1, lat2, lon2) -> float:
    r = math.radians
    a = math.sin(r(lat2 - lat1) / 2) ** 2 + math.cos(r(lat1)) * math.cos(r(lat2)) * math.sin(r(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1, math.sqrt(a)))


def pdf(name: str) -> bytes:
    return (DOCS / name).read_bytes()


# ---- browser helpers ------------------------------------------------------------------------

def type_date(b: Browser, label: str, day: dt.date):
    """Types a date into a date input as a person does (en-GB: day, month, year)."""
    el = b.field(label)
    # The segments' order follows the browser's locale, which headless Chromium may not take
    # from --lang: day-month-year first, month-day-year if that did not read as the date.
    for pattern in ("%d%m%Y", "%m%d%Y"):
        el.clear()
        el.send_keys(day.strftime(pattern))
        if el.get_attribute("value") == day.isoformat():
            return
    raise Failure(f"{label} reads {el.get_attribute('value')!r} after typing {day}")


def text_of(b: Browser, css: str) -> str:
    return "\n".join(e.text for e in b.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed())


def figure(b: Browser, term: str) -> str:
    """The value shown under a figure's label (a <dt>/<dd> pair)."""
    def find(d):
        for dt_ in d.find_elements(By.TAG_NAME, "dt"):
            if dt_.text.strip() == term:
                return dt_.find_element(By.XPATH, "following-sibling::dd").text.strip()
        return False
    return b.wait(find, 10, f"the figure {term!r}")


def wait_figure(b: Browser, term: str, want: str):
    b.wait(lambda _: figure(b, term) == want, 10, f"the figure {term!r} to read {want!r} (it reads {figure(b, term)!r})")


def section_of(b: Browser, heading: str):
    """The card whose h2 reads `heading`."""
    def find(d):
        for sec in d.find_elements(By.CSS_SELECTOR, "section.card"):
            hs = sec.find_elements(By.TAG_NAME, "h2")
            if hs and heading in hs[0].text:
                return sec
        return False
    return b.wait(find, 10, f"a section {heading!r}")


def home_row(b: Browser, app_id: int):
    """The row of exchange `app_id` on the applicant's home page."""
    return b.wait(lambda d: next((tr for tr in d.find_elements(By.CSS_SELECTOR, "tbody tr") if f"Exchange {app_id}" in tr.text), False),
                  10, "the exchange on the home page")


def upload_document(b: Browser, kind: str, path, name: str):
    b.choose("Document kind", kind)
    b.upload("File", path)
    b.wait_text(f"Chosen: {path.name}")
    b.click("Upload")
    b.wait(lambda d: any(name == td.text for td in d.find_elements(By.CSS_SELECTOR, "td")), 15, f"{name} in the documents")


# ---- 1. a new SME registers and sees its pending validation ------------------------------------

def registers_new_sme(b: Browser):
    b.open("#/register")
    b.wait_heading("Register your organisation")
    b.type("Your name", "Lucía Founder")
    b.type("E-mail", REGISTERED_EMAIL)
    b.type("Password", PASSWORD)
    b.type("Legal name", f"Registered Biotech {RUN} Lda")
    b.choose("Kind", "SME")
    b.type("Country (two letters)", "pt")
    b.type("City", "Braga")
    b.type("Latitude", "41.5454")
    b.type("Longitude", "-8.4265")
    b.type("IBAN", "PT50000201231234567890154")
    b.type("Cluster name", "Health Cluster Portugal")
    b.type("Cluster profile URL", "https://clustercollaboration.eu/cluster-organisations/health-cluster-portugal")
    b.click("Register")
    b.wait_heading(f"Registered Biotech {RUN} Lda")
    status = text_of(b, "main .badge")
    if "pending validation" not in status:
        raise Failure(f"the organisation page shows status {status!r}, expected 'pending validation'")
    b.wait_text("a coordinator checks your organisation")
    body = b.main_text()
    for expected in ("Braga", "Health Cluster Portugal", "PT50000201231234567890154"):
        if expected not in body:
            raise Failure(f"the organisation profile lacks {expected!r}")
    # Until validation, a new exchange is not offered.
    b.click_link("New exchange")
    b.wait_heading("Propose a new exchange")
    b.wait_text("pending validation: a coordinator validates it before you can apply")
    if b.driver.find_elements(By.XPATH, "//button[normalize-space()='Save the draft']"):
        raise Failure("a pending organisation is offered the draft form")


# ---- 2. browse hosts, draft with live figures, refused then accepted submission ------------------

def drafts_and_submits(b: Browser):
    legal_name = f"Drafting Labs {RUN} Lda"
    register_validated_sme(DRAFTER_EMAIL, legal_name)
    demo_host = next(h for h in Api.login(DEMO_APPLICANT).call("GET", "/v1/hosts?country=RO&limit=100")["items"]
                     if h["legal_name"] == "Demo Genomics SRL")

    b.login(DRAFTER_EMAIL)
    b.wait_heading("My exchanges")
    b.wait_text("No exchanges yet")
    b.click_link("Hosts")
    b.wait_heading("Host directory")
    b.wait_text("Basque Health Cluster")
    b.choose("Country", "RO")
    b.click("Show hosts")
    b.wait_text("2 hosts found.")
    rows = text_of(b, "table tbody")
    if "IMAGO-MOL" not in rows or "Demo Genomics SRL" not in rows or "Basque Health Cluster" in rows:
        raise Failure(f"the country filter shows:\n{rows}")
    b.choose("Kind", "SME")
    b.type("Name or city", "genomics")
    b.click("Show hosts")
    b.wait_text("1 host found.")
    rows = text_of(b, "table tbody")
    if "Demo Genomics SRL" not in rows or "IMAGO-MOL" in rows:
        raise Failure(f"the kind and name filters show:\n{rows}")
    b.click_link("Propose an exchange")
    b.wait_heading("Propose a new exchange")
    host_field = b.field("Host organisation")
    if host_field.get_attribute("value") != str(demo_host["id"]):
        raise Failure("the chosen host is not preselected")

    start = next_monday(3)
    type_date(b, "First day of the activity", start)
    type_date(b, "Last day of the activity", start + dt.timedelta(days=3))  # Monday to Thursday
    wait_figure(b, "Working days (estimate)", "4")
    distance = haversine(PORTO["latitude"], PORTO["longitude"], demo_host["latitude"], demo_host["longitude"])
    wait_figure(b, "Distance (estimate)", f"{round(distance):,} km")
    wait_figure(b, "Lump sum (estimate)", "€350.00")  # RO EUR 700, halved under 5 working days
    b.wait_text("Under 5 working days the lump sum is halved.")
    type_date(b, "Last day of the activity", start + dt.timedelta(days=4))  # to Friday
    wait_figure(b, "Working days (estimate)", "5")
    wait_figure(b, "Lump sum (estimate)", "€700.00")
    b.screenshot("applicant-draft-figures")
    b.choose("Activity", "Job shadowing")
    b.type("Objectives", "Learn the host's sequencing pipeline and plan a joint pilot.")
    b.type("Participant name", "Inês Costa")
    b.type("Participant e-mail", f"ines-{RUN}@journey.example")
    b.type("Position", "Lab manager")
    b.check("The participant is employed by our organisation")
    b.check("The participant is a national of a country outside COSME")
    b.type("Days of residence in a COSME country", "100")
    b.check("Our organisation has not visited in any ClusterXchange partnership before")
    b.click("Save the draft")
    b.wait_heading("Exchange ")
    b.wait_text("Demo Genomics SRL")
    if figure(b, "Working days") != "5" or figure(b, "Lump sum") != "€700.00" or figure(b, "Distance") != f"{round(distance):,} km":
        raise Failure(f"the saved draft shows {figure(b, 'Working days')} days, {figure(b, 'Distance')}, {figure(b, 'Lump sum')}")
    app_id = int(b.driver.execute_script("return location.hash.split('/').pop()"))
    STATE["drafted"] = app_id

    # The first submission is refused: no host acceptance, too few residence days, no permit.
    b.click("Submit the application")
    b.wait(lambda _: "rules are not met" in b.form_message(), 15, "the refused submission's message")
    residence = b.field_error("Days of residence in a COSME country")
    if "183 days" not in residence:
        raise Failure(f"the residence days error reads {residence!r}")
    slots = text_of(b, ".rule-slot .field-error")
    if "the host has not accepted the match yet" not in slots or "residence permit" not in slots:
        raise Failure(f"the rule errors beside the form read {slots!r}")
    if "draft" not in text_of(b, ".status-line"):
        raise Failure("a refused submission changed the status")
    b.screenshot("applicant-submission-refused")

    # Wrong files are refused before anything is sent: a text file, and an 11 MiB PDF dropped on the zone.
    not_a_pdf = b.downloads.parent / f"notes-{RUN}.txt"
    not_a_pdf.write_text("just notes")
    b.upload("File", not_a_pdf.resolve())
    b.wait(lambda _: "is not a PDF, PNG or JPEG" in b.field_error("File"), 10, "the file type error")
    b.driver.execute_script("""
        const zone = document.querySelector('[data-dropzone]');
        const bytes = new Uint8Array(11 * 1024 * 1024); bytes.set([0x25, 0x50, 0x44, 0x46]);
        const dt = new DataTransfer(); dt.items.add(new File([bytes], 'huge-scan.pdf', {type: 'application/pdf'}));
        zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));""")
    b.wait(lambda _: "the limit is 10 MiB" in b.field_error("File"), 10, "the file size error")
    b.click("Upload")
    b.wait(lambda _: "the limit is 10 MiB" in b.field_error("File"), 10, "the size error on upload")
    if b.driver.find_elements(By.XPATH, "//td[normalize-space()='huge-scan.pdf']"):
        raise Failure("an oversized file was uploaded")
    b.screenshot("applicant-upload-refused")

    # The residence permit, by the file input, with the progress bar.
    upload_document(b, "Residence permit", DOCS / "exchange-plan.pdf", "exchange-plan.pdf")
    if "Residence permit" not in text_of(b, "table tbody"):
        raise Failure("the uploaded document is not listed as a residence permit")
    b.logout()

    # The host (the demo SME's applicant) accepts the match in its own console.
    b.login(DEMO_APPLICANT)
    b.click_link("We host")
    b.wait_heading("Exchanges we host")
    card = section_of(b, f"{legal_name}: exchange {app_id}")
    if "Inês Costa" not in card.text:
        raise Failure(f"the hosted exchange lacks its participant: {card.text}")
    b.click("Accept the match", within=card)
    b.wait(lambda _: "accepted" in section_of(b, f"exchange {app_id}").text
           and not section_of(b, f"exchange {app_id}").find_elements(By.XPATH, ".//button[normalize-space()='Accept the match']"),
           15, "the host's acceptance")
    b.logout()

    # Back as the visitor: the host's answer shows, the submission goes through.
    b.login(DRAFTER_EMAIL)
    b.wait_heading("My exchanges")
    b.click_link(f"Exchange {app_id}")
    b.wait_heading(f"Exchange {app_id}")
    b.wait_text("Host answer: accepted")
    b.type("Days of residence in a COSME country", "200")
    b.click("Submit the application")
    b.wait(lambda _: "submitted" in text_of(b, ".status-line"), 15, "the status submitted")
    if b.driver.find_elements(By.XPATH, "//button[normalize-space()='Submit the application']"):
        raise Failure("a submitted application still offers Submit")
    got = Api.login(DRAFTER_EMAIL).call("GET", f"/v1/applications/{app_id}")
    if got["status"] != "submitted" or got["declarations"].get("residence_days_in_cosme") != 200:
        raise Failure(f"the service has {got['status']} with declarations {got['declarations']}")


# ---- 3. an approved exchange: the Commitment to Quality ---------------------------------------------

def prepare_submitted_exchange(email: str, legal_name: str) -> int:
    """A validated SME's exchange to BIOTECYL, accepted by the host (a coordinator records its
    written answer) and submitted; returns its id."""
    register_validated_sme(email, legal_name)
    sme = Api.login(email)
    co = Api.login("coordinator@medic-nest.example")
    host = next(h for h in sme.call("GET", "/v1/hosts?country=ES")["items"] if h["legal_name"].startswith("BIOTECYL"))
    programme = sme.call("GET", "/v1/programmes")["items"][0]["id"]
    call = sme.call("GET", f"/v1/programmes/{programme}/calls")["items"][0]["id"]
    start = next_monday(2)
    app = sme.call("POST", "/v1/applications", {
        "call_id": call, "host_organisation_id": host["id"],
        "participant": {"name": "Tiago Sousa", "email": f"tiago-{RUN}@journey.example", "position": "CTO"},
        "origin": PORTO, "activity_start": start.isoformat(), "activity_end": (start + dt.timedelta(days=4)).isoformat(),
        "activity_type": "job_shadowing", "objectives": "Learn the host's clinical data platform.",
        "declarations": {"participant_employed_by_visitor": True, "participant_third_country_national": False,
                         "no_previous_clusterxchange_visit": True}}, expect=201)
    app_id = app["id"]
    acceptance = co.call("POST", f"/v1/applications/{app_id}/documents?kind=host_acceptance&filename=host-acceptance.pdf",
                         raw=pdf("host-acceptance.pdf"), content_type="application/pdf", expect=201)
    co.call("POST", f"/v1/applications/{app_id}/host-decision", {"decision": "accepted", "document_id": acceptance["id"]}, expect=200)
    sme.call("POST", f"/v1/applications/{app_id}/submit", expect=200)
    return app_id


def prepare_approved_exchange() -> int:
    app_id = prepare_submitted_exchange(FUNDED_EMAIL, f"Funded Health {RUN} Lda")
    co = Api.login("coordinator@medic-nest.example")
    co.call("POST", f"/v1/applications/{app_id}/eligibility", {"eligible": True, "reason": "complete"}, expect=200)
    for who in ("evaluator1", "evaluator2"):
        ev = Api.login(f"{who}@medic-nest.example")
        me = ev.call("GET", "/v1/me")
        assignment = co.call("POST", f"/v1/applications/{app_id}/assignments", {"evaluator_id": me["id"]}, expect=201)
        ev.call("POST", f"/v1/assignments/{assignment['id']}/declaration", {"conflict_of_interest": False}, expect=200)
        ev.call("PUT", f"/v1/assignments/{assignment['id']}/scores",
                {"scores": {"relevance": 4.5, "quality": 4, "impact": 3.5}, "comments": {"impact": "clear plan"}}, expect=200)
    co.call("POST", f"/v1/applications/{app_id}/decision", {"decision": "approved", "reason": "ranked within the budget"},
            headers={"Idempotency-Key": f"journey-approve-{RUN}"}, expect=200)
    return app_id


def signs_commitment_to_quality(b: Browser):
    app_id = prepare_approved_exchange()
    STATE["funded"] = app_id

    b.login(FUNDED_EMAIL)
    b.wait_heading("My exchanges")
    row = home_row(b, app_id)
    if "approved" not in row.text or "BIOTECYL" not in row.text:
        raise Failure(f"the home row reads {row.text!r}")
    b.click_link(f"Exchange {app_id}")
    b.wait_heading(f"Exchange {app_id}: BIOTECYL")
    if figure(b, "Granted") != "€780.00":
        raise Failure(f"the decision shows granted {figure(b, 'Granted')!r}")
    b.wait_text("Upload the Commitment to Quality")
    if b.driver.find_elements(By.XPATH, "//button[normalize-space()='Sign the Commitment to Quality']"):
        raise Failure("signing is offered before the document is uploaded")
    upload_document(b, "Commitment to Quality", DOCS / "commitment-to-quality.pdf", "commitment-to-quality.pdf")
    b.click("Sign the Commitment to Quality")
    b.wait(lambda _: "signed your organisation (the visitor)" in section_of(b, "Commitment to Quality").text, 15, "the visitor's signature")
    ctq = section_of(b, "Commitment to Quality").text
    if "pending the host organisation" not in ctq:
        raise Failure(f"the other parties' signatures read as done: {ctq}")
    got = Api.login(FUNDED_EMAIL).call("GET", f"/v1/applications/{app_id}")
    if "visitor_organisation" in got["missing_signatures"]:
        raise Failure("the service has no visitor signature")


# ---- 4. the exchange took place: the closing report with its proofs ------------------------------------

def files_closing_report(b: Browser):
    app_id = STATE.get("funded")
    if not app_id:
        raise Failure("the approved exchange of the previous journey is missing")
    co, co2 = Api.login("coordinator@medic-nest.example"), Api.login("coordinator2@medic-nest.example")
    signed = co.call("POST", f"/v1/applications/{app_id}/documents?kind=signed_commitment_to_quality&filename=ctq-host.pdf",
                     raw=pdf("commitment-to-quality-host-signed.pdf"), content_type="application/pdf", expect=201)
    co.call("POST", f"/v1/applications/{app_id}/signatures",
            {"party": "host_organisation", "on_behalf_of": "BIOTECYL director", "evidence_document_id": signed["id"]}, expect=201)
    co.call("POST", f"/v1/applications/{app_id}/signatures", {"party": "visitor_partnership"}, expect=201)
    co2.call("POST", f"/v1/applications/{app_id}/signatures", {"party": "host_partnership"}, expect=201)
    b.run_cli("demo-exchange-took-place", "--application", str(app_id))
    took_place = Api.login(FUNDED_EMAIL).call("GET", f"/v1/applications/{app_id}")

    b.login(FUNDED_EMAIL)
    b.go(f"#/applications/{app_id}")
    b.wait_heading(f"Exchange {app_id}")
    b.wait(lambda _: "agreement signed" in text_of(b, ".status-line"), 10, "the status agreement signed")
    b.wait_text("File the closing report")
    if b.field("Actual first day").get_attribute("value") != took_place["activity_start"]:
        raise Failure("the report form does not start from the exchange's dates")
    b.type("Summary", "Five days on the host's clinical data platform; a joint pilot follows.")
    b.click("File the closing report")
    b.wait(lambda _: "upload at least one boarding_pass or invoice" in text_of(b, ".rule-slot .field-error"), 15, "the missing proofs")
    if "upload the host_confirmation" not in text_of(b, ".rule-slot .field-error"):
        raise Failure("the missing host confirmation is not shown")

    upload_document(b, "Boarding pass", DOCS / "boarding-pass.png", "boarding-pass.png")
    upload_document(b, "Host confirmation of attendance", DOCS / "host-confirmation.pdf", "host-confirmation.pdf")
    upload_document(b, "Closing report", DOCS / "closing-report.pdf", "closing-report.pdf")
    b.type("Summary", "Five days on the host's clinical data platform; a joint pilot follows.")
    b.click("File the closing report")
    b.wait(lambda _: "report submitted" in text_of(b, ".status-line"), 15, "the status report submitted")
    b.wait_text("a joint pilot follows")
    got = Api.login(FUNDED_EMAIL).call("GET", f"/v1/applications/{app_id}")
    if got["status"] != "report_submitted" or got["actual_end"] != took_place["activity_end"]:
        raise Failure(f"the service has {got['status']}, actual end {got['actual_end']}")


# ---- 5. paid: the payment and its notification -----------------------------------------------------------------

def sees_payment_and_notification(b: Browser):
    app_id = STATE.get("funded")
    if not app_id:
        raise Failure("the reported exchange of the previous journey is missing")
    co, co2 = Api.login("coordinator@medic-nest.example"), Api.login("coordinator2@medic-nest.example")
    co.call("POST", f"/v1/applications/{app_id}/report/review", {"accepted": True}, expect=200)
    payment = co.call("POST", "/v1/payments", {"application_id": app_id, "kind": "final"}, expect=201)
    co2.call("POST", f"/v1/payments/{payment['id']}/approve", expect=200)
    co.call("POST", f"/v1/payments/{payment['id']}/execute",
            {"bank_reference": f"BT-{RUN}", "value_date": dt.date.today().isoformat()}, expect=200)

    b.login(FUNDED_EMAIL)
    b.wait_heading("My exchanges")
    unread_box = section_of(b, "Unread notifications").text
    if "No unread notifications" in unread_box:
        raise Failure("the home shows no unread notification after the payment")
    b.click_link("Payments")
    b.wait_heading("Payments")
    rows = text_of(b, "table tbody")
    if f"BT-{RUN}" not in rows or "€780.00" not in rows or "paid" not in rows:
        raise Failure(f"the payments table reads:\n{rows}")
    if figure(b, "Paid to you") != "€780.00":
        raise Failure(f"paid to you reads {figure(b, 'Paid to you')!r}")

    b.click_link("Notifications")
    b.wait_heading("Notifications")
    before = int(b.driver.find_element(By.XPATH, "//main//p[contains(., ' unread.')]").text.split()[0])
    if before < 1:
        raise Failure("no unread notification")
    cards = [c for c in b.driver.find_elements(By.CSS_SELECTOR, "li.notification.unread")]
    paid_card = next((c for c in cards if "paid" in c.text.lower() or "payment" in c.text.lower()), None)
    if paid_card is None:
        raise Failure("no unread notification tells of the payment:\n" + "\n---\n".join(c.text for c in cards))
    subject = paid_card.find_element(By.TAG_NAME, "h2").text.replace("unread", "").strip()
    b.click("Mark read", within=paid_card)
    b.wait(lambda d: d.find_element(By.XPATH, "//main//p[contains(., ' unread.')]").text.startswith(f"{before - 1} "),
           10, "the unread count to drop")
    still_unread = [c.text for c in b.driver.find_elements(By.CSS_SELECTOR, "li.notification.unread")]
    if any(subject in t for t in still_unread):
        raise Failure(f"{subject!r} is still unread")
    if before - 1 > 0:
        b.click("Mark all read")
        b.wait(lambda d: d.find_element(By.XPATH, "//main//p[contains(., ' unread.')]").text.startswith("0 "), 10, "no unread left")
    left = Api.login(FUNDED_EMAIL).call("GET", "/v1/notifications?unread=true")["items"]
    if left:
        raise Failure(f"the service still has {len(left)} unread notifications")


# ---- 6. an ineligible outcome is appealed -------------------------------------------------------------

def appeals_ineligibility(b: Browser):
    email = f"appealing-{RUN}@journey.example"
    app_id = prepare_submitted_exchange(email, f"Appealing Care {RUN} Lda")
    Api.login("coordinator@medic-nest.example").call(
        "POST", f"/v1/applications/{app_id}/eligibility", {"eligible": False, "reason": "the host letter is unsigned"}, expect=200)

    b.login(email)
    b.wait_heading("My exchanges")
    row = home_row(b, app_id)
    if "ineligible" not in row.text or "Appeal the outcome" not in row.text:
        raise Failure(f"the home row reads {row.text!r}")
    b.click_link(f"Exchange {app_id}")
    b.wait_heading(f"Exchange {app_id}")
    if "the host letter is unsigned" not in text_of(b, ".status-line"):
        raise Failure(f"the outcome's reason is not shown: {text_of(b, '.status-line')!r}")
    b.wait_text("You may appeal until")
    b.click("Appeal")
    b.wait(lambda _: b.field_error("Grounds of the appeal") != "" or b.form_message() != "", 10, "the empty grounds refused")
    b.type("Grounds of the appeal", "The host's letter was signed; the signed copy is attached to our e-mail.")
    b.click("Appeal")
    b.wait(lambda _: "under appeal" in text_of(b, ".status-line"), 15, "the status under appeal")
    if b.driver.find_elements(By.XPATH, "//button[normalize-space()='Appeal']"):
        raise Failure("an appealed outcome still offers Appeal")
    appeals = Api.login("coordinator@medic-nest.example").call("GET", f"/v1/appeals?application_id={app_id}")["items"]
    if len(appeals) != 1 or "signed copy" not in appeals[0].get("grounds", ""):
        raise Failure(f"the service has the appeals {appeals}")
    # Afterwards (not part of the journey): another coordinator decides it, so the appeal
    # does not stay in the coordinators' inbox that their own journeys and tour look at.
    Api.login("coordinator2@medic-nest.example").call(
        "POST", f"/v1/appeals/{appeals[0]['id']}/decision", {"decision": "upheld", "reason": "the letter is unsigned"}, expect=200)


class _FundedApplication:
    """The tour's hash of the funded exchange, known only once the journeys ran."""

    def __format__(self, spec):
        return f"#/applications/{STATE.get('funded', 1)}"


JOURNEYS = [registers_new_sme, drafts_and_submits, signs_commitment_to_quality, files_closing_report,
            sees_payment_and_notification, appeals_ineligibility]
PAGES = [
    ("applicant-register", None, "#/register"),
    ("applicant-organisation-pending", REGISTERED_EMAIL, "#/organisation"),
    ("applicant-home", FUNDED_EMAIL, "#/"),
    ("applicant-organisation", FUNDED_EMAIL, "#/organisation"),
    ("applicant-hosts", FUNDED_EMAIL, "#/hosts?country=ES"),
    ("applicant-new-exchange", DRAFTER_EMAIL, "#/applications/new?host=4"),
    ("applicant-application", FUNDED_EMAIL, _FundedApplication()),
    ("applicant-payments", FUNDED_EMAIL, "#/payments"),
    ("applicant-notifications", FUNDED_EMAIL, "#/notifications"),
    ("applicant-hosted", DEMO_APPLICANT, "#/hosted"),
]
