"""The workshop surge as a Locust load (bench/surge_bench.py runs `python -m bench.surge_load` in a
process of its own): each simulated participant enters the round's join code, chooses a group, answers
every page as a browser does (GET the page, POST its answers with the CSRF token), submits, records
what it sent and stops. Prints one line of JSON: requests, failures, time, per request kind."""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from types import SimpleNamespace

import gevent
from locust import HttpUser, between, task
from locust.env import Environment
from locust.exception import StopUser

from bench.server import CSRF_FIELD, form_fields, sample_answers
from questionnaire import item_bank, journey
from questionnaire.content import load_all

QUESTIONNAIRE = load_all()[os.environ.get("RUPA_SURGE_VERSION") or max(load_all())]
PAGES = journey.pages(QUESTIONNAIRE, SimpleNamespace(is_group=True))  # a round respondent's pages
SENT = os.environ["RUPA_SURGE_SENT"]  # JSON lines: one per participant that submitted
THINK = float(os.environ.get("RUPA_SURGE_THINK", "1.0"))


class Participant(HttpUser):
    wait_time = between(0, 0)

    def csrf(self, html: str) -> str:
        return CSRF_FIELD.search(html).group(1)

    started = 0  # Locust may start a user again once one stops: the room has exactly PARTICIPANTS people
    room = int(os.environ.get("RUPA_SURGE_PARTICIPANTS", "200"))

    @task
    def take_part(self) -> None:
        if Participant.started >= Participant.room:
            raise StopUser()
        Participant.started += 1
        rng = random.Random()
        code = os.environ["RUPA_SURGE_CODE"]
        group, organisation = rng.choice(item_bank.GROUPS), f"Organisation {rng.randint(1, 40)}"
        page = self.client.get("/join")
        invitation = self.client.post("/join", data={"csrf_token": self.csrf(page.text), "code": code},
                                      name="/join [code]")
        joined = self.client.post(invitation.url, name="/j/[invitation]", allow_redirects=False, data={
            "csrf_token": self.csrf(invitation.text), "group": group, "organisation": organisation})
        if joined.status_code != 303:
            raise StopUser()
        token = re.search(r"/r/([A-Za-z0-9_-]+)/", joined.headers["Location"]).group(1)
        answers = sample_answers(QUESTIONNAIRE, rng)
        answers = {k: v for k, v in answers.items() if not k.startswith(("profile.", "respondent."))}
        answers.update({"respondent.group": group, "respondent.organisation": organisation})  # sent on joining
        for section in PAGES:  # the group and organisation were given on joining: no profile page
            page = self.client.get(f"/r/{token}/s/{section.id}", name="/r/[token]/s/[section]")
            self.wait_a_little(rng)
            saved = self.client.post(
                f"/r/{token}/s/{section.id}", name="/r/[token]/s/[section] [save]", allow_redirects=False,
                data=[("csrf_token", self.csrf(page.text)), *form_fields(section, answers), ("action", "next")])
            if saved.status_code != 303:
                raise StopUser()
        review = self.client.get(f"/r/{token}/review", name="/r/[token]/review")
        submitted = self.client.post(f"/r/{token}/submit", name="/r/[token]/submit", allow_redirects=False,
                                     data={"csrf_token": self.csrf(review.text)})
        if submitted.status_code == 303:
            with open(SENT, "a") as sent:
                sent.write(json.dumps({"token": token, "answers": answers}) + "\n")
        raise StopUser()

    def wait_a_little(self, rng: random.Random) -> None:
        """A participant reads each page for a moment (the surge is a room, not a loop)."""
        gevent.sleep(rng.uniform(0, THINK))


def main(host: str, participants: int, spawn_seconds: float, limit_seconds: float) -> dict:
    Participant.room = participants
    environment = Environment(user_classes=[Participant], host=host)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(participants, spawn_rate=participants / max(spawn_seconds, 0.1))
    gevent.sleep(0.5)
    while time.monotonic() - started < limit_seconds:
        if runner.spawning_greenlet.dead and runner.user_count == 0:
            break
        gevent.sleep(0.2)
    seconds = time.monotonic() - started
    runner.quit()
    total = environment.stats.total
    return {"participants": participants, "seconds": round(seconds, 1), "requests": total.num_requests,
            "failures": total.num_failures, "p50_ms": total.get_response_time_percentile(0.5),
            "p99_ms": total.get_response_time_percentile(0.99),
            "errors": [f"{e.method} {e.name}: {e.error} ({e.occurrences})" for e in environment.stats.errors.values()],
            "timed_out": seconds >= limit_seconds}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))))
