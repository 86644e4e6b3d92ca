"""A workshop surge over HTTPS as a room of phones would make it: each participant joins by code, answers
every page (GET the page, POST its answers with the CSRF token, Origin and Referer as a browser sends
them) and submits. A request that fails because a server went away (no answer, or nginx's 502/504) is
sent once more, as a person would press the button again or reload the page; anything else is a failure.
A page cut short because its server died while sending it counts as no answer. Each participant
records exactly what it was told was saved."""

from __future__ import annotations

import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace

import requests
from werkzeug.urls import urlsplit

from bench.server import CSRF_FIELD, form_fields, sample_answers
from questionnaire import item_bank, journey

GONE = (502, 503, 504)


class Failed(Exception):
    """A request that failed although it was sent again, or answered with an unexpected page."""


@dataclass
class Outcome:
    token: str | None = None
    saved: dict = field(default_factory=dict)  # item id -> value, for every page answered 303
    submitted: bool = False
    retries: list[str] = field(default_factory=list)
    failure: str | None = None


@dataclass
class Room:
    base: str
    code: str
    certificate: str
    questionnaire: object
    saves: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saved_one(self) -> None:
        with self.lock:
            self.saves += 1


class Participant:
    def __init__(self, room: Room, seed: int):
        self.room, self.rng = room, random.Random(seed)
        self.session = requests.Session()
        self.session.verify = room.certificate
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would replace verify
        self.outcome = Outcome()

    def send(self, method: str, path: str, expect: int, data=None, referer: str | None = None):
        headers = {"Origin": self.room.base, "Referer": self.room.base + (referer or path)} if method == "POST" else {}
        for attempt in (1, 2):
            try:
                response = self.session.request(method, self.room.base + path, data=data, headers=headers,
                                                allow_redirects=False, timeout=120)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
                reason = f"{method} {path}: {type(error).__name__}"
            else:
                if response.status_code == expect:
                    return response
                if response.status_code not in GONE:
                    raise Failed(f"{method} {path}: {response.status_code} {response.text[:300]!r}")
                reason = f"{method} {path}: {response.status_code}"
            if attempt == 1:
                self.outcome.retries.append(reason)
        raise Failed(f"{reason} (twice)")

    def csrf(self, response) -> str:
        return CSRF_FIELD.search(response.text).group(1)

    def take_part(self) -> Outcome:
        try:
            self._take_part()
        except Failed as error:
            self.outcome.failure = str(error)
        finally:
            self.session.close()
        return self.outcome

    def _take_part(self) -> None:
        questionnaire, rng = self.room.questionnaire, self.rng
        group, organisation = rng.choice(item_bank.GROUPS), f"Organisation {rng.randint(1, 40)}"
        page = self.send("GET", "/join", 200)
        invitation = self.send("POST", "/join", 303, {"csrf_token": self.csrf(page), "code": self.room.code}).headers
        invite_path = urlsplit(invitation["Location"]).path
        form = self.send("GET", invite_path, 200)
        joined = self.send("POST", invite_path, 303, {"csrf_token": self.csrf(form), "group": group,
                                                      "organisation": organisation})
        token = re.search(r"/r/([A-Za-z0-9_-]+)/", joined.headers["Location"]).group(1)
        self.outcome.token = token
        answers = {k: v for k, v in sample_answers(questionnaire, rng).items()
                   if not k.startswith(("profile.", "respondent."))}
        for section in journey.pages(questionnaire, SimpleNamespace(is_group=True)):  # no profile page
            path = f"/r/{token}/s/{section.id}"
            page = self.send("GET", path, 200)
            time.sleep(rng.uniform(0, 0.5))  # reading the page
            self.send("POST", path, 303, [("csrf_token", self.csrf(page)), *form_fields(section, answers),
                                          ("action", "next")])
            self.outcome.saved.update({item.id: answers[item.id] for item in section.items if item.id in answers})
            self.room.saved_one()
        review = self.send("GET", f"/r/{token}/review", 200)
        self.send("POST", f"/r/{token}/submit", 303, {"csrf_token": self.csrf(review)}, referer=f"/r/{token}/review")
        self.outcome.submitted = True


def surge(room: Room, participants: int, spawn_seconds: float, during=None) -> list[Outcome]:
    """``participants`` people arriving over ``spawn_seconds``; ``during(room)`` runs beside them (it may
    wait for progress and kill a server)."""
    def arrive(number: int) -> Outcome:
        time.sleep(spawn_seconds * number / participants)
        return Participant(room, number).take_part()

    with ThreadPoolExecutor(max_workers=participants + 1) as pool:
        side = pool.submit(during, room) if during else None
        outcomes = list(pool.map(arrive, range(participants)))
        if side is not None:
            side.result()
    return outcomes
