"""A real SMTP server for the e-mail tests (aiosmtpd, from .build/venv: scripts/python-tools.sh).

Prints "PORT <n>" once it listens on 127.0.0.1, then appends one JSON line per accepted message
to OUT, decoded by Python's own e-mail parser (an independent check of our encoding):
envelope, decoded headers, decoded body and the raw lines. Recipients steer its answers:
  +tempfail in the local part: 451 the first time, accepted afterwards;
  +reject: 550 always.
--delay slows each DATA answer (a relay under load, for the crash test).
With --auth USER:PASSWORD, AUTH (PLAIN or LOGIN) is required and checked.
"""
import argparse
import asyncio
import email
import json
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--auth", default="")
parser.add_argument("--delay", type=float, default=0.0, help="seconds before accepting each message")
args = parser.parse_args()

lock = threading.Lock()


class Sink:
    def __init__(self):
        self.failed_once = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "+reject" in address:
            return "550 5.1.1 mailbox unavailable"
        if "+tempfail" in address and address not in self.failed_once:
            self.failed_once.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if args.delay:
            await asyncio.sleep(args.delay)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "authenticated": bool(getattr(session, "authenticated", False)),
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "to_name": msg["to"].addresses[0].display_name if msg["to"] else "",
            "date": str(msg["date"]),
            "message_id": str(msg["message-id"]),
            "auto_submitted": str(msg["auto-submitted"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "transfer_encoding": str(msg["content-transfer-encoding"]),
            "kind": str(msg["x-clusterxchange-kind"]),
            "body": msg.get_content(),
            "raw": raw.decode("ascii", errors="replace"),
        }
        with lock, open(args.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    user, _, password = args.auth.partition(":")
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok)


probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
options = {}
if args.auth:
    options = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
controller = Controller(Sink(), hostname="127.0.0.1", port=port, **options)
controller.start()
print(f"PORT {port}", flush=True)
try:
    threading.Event().wait()  # until the test (or the bench) kills us
finally:
    controller.stop()
