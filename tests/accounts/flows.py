"""A facilitator account made as a new user makes one: sign up, follow the emailed link, sign in."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

from accounts import mail

LINK = re.compile(r"https?://[^/\s]+(/(?:account|i)/\S+)")  # an account link, or a personal invitation


class Served(str):
    """The base URL of an app served in other processes, with the folder they write their emails to
    (``RUPA_MAIL_FILE_PATH``)."""

    outbox: Path


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str


def outbox(source) -> list:
    """The messages sent so far: by an app in this process (its in-memory mail backend), by the app of a
    live server (``.app``), or by servers writing to a folder (a ``Served`` URL's ``.outbox``, a path)."""
    source = getattr(source, "app", getattr(source, "outbox", source))
    if not isinstance(source, Path):
        mail.wait_until_sent()  # sent by a thread of this process
        return getattr(source.extensions["mailman"], "outbox", [])
    messages = []
    for written in sorted(source.glob("*.log"), key=lambda path: path.stat().st_mtime_ns):
        for raw in written.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                parsed = message_from_bytes(raw, policy=policy.default)
                messages.append(Mail([str(parsed["To"])], str(parsed["Subject"]),
                                     parsed.get_body().get_content()))  # type: ignore[union-attr]
    return messages


def emailed_link(source, to: str, subject_part: str = "", wait: float = 0) -> str:
    """The path of the link in the last message sent to ``to`` (whose subject holds ``subject_part``), read
    from ``source`` (see ``outbox``); a server sends it just after its response, so it may be waited for
    up to ``wait`` seconds."""
    address, deadline = to.strip().lower(), time.monotonic() + wait
    while True:
        messages = [message for message in outbox(source)
                    if address in message.to and subject_part in message.subject]
        if messages or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert messages, f"no email to {to} about {subject_part!r} in {[(m.to, m.subject) for m in outbox(source)]}"
    return LINK.search(messages[-1].body).group(1)


def sign_up(app, client, email: str, password: str):
    """Sign ``client`` up as ``email`` with its address confirmed, and signed in; returns the client."""
    response = client.post("/account/signup", data={"email": email, "password": password, "confirm": password})
    assert response.status_code == 303, response.text
    assert client.get(emailed_link(app, email, "Confirm")).status_code == 303
    signed_in = client.post("/account/signin", data={"email": email, "password": password})
    assert signed_in.status_code == 303, signed_in.text
    return client
