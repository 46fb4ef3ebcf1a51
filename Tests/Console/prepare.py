"""What other roles do before a journey starts, through the API: never inside a journey.
Shared by the role modules, so an SME is registered, a document uploaded and an activity dated
in one way everywhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from harness import Api

COORDINATOR = "coordinator@medic-nest.example"

# A cluster member SME in Cluj-Napoca (an SME visits only as one).
CLUJ_SME = {
    "country": "RO", "kind": "sme", "city": "Cluj-Napoca", "latitude": 46.7712, "longitude": 23.6236,
    "iban": "RO49AAAA1B31007593840000", "cluster_name": "Transylvania Lifesciences",
    "cluster_profile_url": "https://clustercollaboration.eu/cluster-organisations/transylvania-lifesciences",
}


def next_monday(weeks: int = 2) -> dt.date:
    """The Monday `weeks` weeks ahead (1: the coming one), as the service's UTC calendar counts."""
    today = dt.datetime.now(dt.timezone.utc).date()
    return today + dt.timedelta(days=((7 - today.weekday()) % 7 or 7) + 7 * (weeks - 1))


def upload(api: Api, app_id: int, kind: str, path: Path, filename: str | None = None) -> dict:
    """A document of `kind` from `path` (the service tells PDF, PNG and JPEG by their bytes)."""
    media = "image/png" if path.suffix == ".png" else "application/pdf"
    return api.call("POST", f"/v1/applications/{app_id}/documents?kind={kind}&filename={filename or path.name}",
                    raw=path.read_bytes(), content_type=media, expect=201)


def register_sme(email: str, password: str, legal_name: str, name: str = "Maria Owner", organisation: dict = CLUJ_SME,
                 validate: bool = True) -> tuple[int, Api]:
    """An SME registered by its owner and, unless `validate` is false, validated by a
    coordinator: its organisation id and the owner's API."""
    answer = Api().call("POST", "/v1/auth/register", {
        "email": email, "password": password, "name": name,
        "organisation": {"legal_name": legal_name, **organisation}}, expect=201)
    org = answer["organisation"]["id"]
    if validate:
        Api.login(COORDINATOR).call(
            "POST", f"/v1/organisations/{org}/validation", {"decision": "validated", "reason": "registry extract checked"}, expect=200)
    return org, Api.login(email, password)
