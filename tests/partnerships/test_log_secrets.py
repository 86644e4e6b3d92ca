"""At the default level the logs hold no answer, SQL parameter, token, password, password hash or
resume link: a full journey (respondent, facilitator, API, failures included) is run with every logger
captured, and the logs are searched for each secret it used."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select

from accounts import mail
from accounts.models import Facilitator
from database import db
from tests.accounts.flows import emailed_link
from tests.partnerships.conftest import PASSWORD
from tests.partnerships.test_api import bearer, create_token

OPEN_ANSWER = "Our mayor Jane Doe distrusts the valley council"
ORGANISATION = "Harbour Board of Pontvilliers"


def test_a_full_journey_leaves_no_secret_in_the_logs(app, caplog, full_round, respondent_joins, signed_in):
    caplog.set_level(logging.INFO)  # the default level of the app, gunicorn and werkzeug
    client, base = full_round["client"], full_round["base"]
    respondent, token = respondent_joins(full_round["code"], "civil_society", ORGANISATION, submit=False)
    assert respondent.post(f"/r/{token}/s/open", data={"open.priorities": OPEN_ANSWER,
                                                       "action": "save"}).status_code == 303
    respondent.post(f"/r/{token}/submit")
    respondent.get(f"/r/{token}/report")
    respondent.get(f"/r/{token}/report.pdf")
    respondent.get(f"/r/{token}x/welcome")  # an unknown link: logged as a failure, without the link
    api_token = create_token(client)
    assert client.get(f"/api/v1{base.removeprefix('/facilitator').replace('/p/', '/partnerships/')}/result",
                      headers=bearer(api_token)).status_code == 200
    client.get("/api/v1/partnerships", headers=bearer(api_token + "x"))  # a refused token
    client.get(f"{base}/export.csv")
    client.get(f"{base}/results")
    client.post("/account/signout")
    client.post("/account/signin", data={"email": "facilitator@example.org", "password": "wrong " + PASSWORD})
    client.post("/account/signin", data={"email": "facilitator@example.org", "password": PASSWORD})
    invite = re.search(r"/j/([A-Za-z0-9_-]{20,})", client.get(base).text).group(1)
    client.post(f"{base}/invitations", data={"addresses": "guest@example.org, business", "lang": "en"})
    mail.wait_until_sent()
    personal = emailed_link(app, "guest@example.org", "Invitation")
    app.test_client().post(personal, data={"group": "business", "organisation": ""})
    client.post("/account/password/forgot", data={"email": "facilitator@example.org"})
    reset = emailed_link(app, "facilitator@example.org", "password")
    confirm = emailed_link(app, "facilitator@example.org", "Confirm")
    new_password = "a new passphrase after the reset"
    assert client.post(reset, data={"password": new_password, "confirm": new_password}).status_code == 303
    with app.app_context():
        password_hash = db.session.execute(select(Facilitator.password_hash)).scalars().first()

    logged = "\n".join(f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records)
    assert caplog.records, "the journey logged nothing: the capture is not working"
    for secret in (token, api_token, invite, personal.rsplit("/", 1)[1], "guest@example.org",
                   PASSWORD, password_hash, OPEN_ANSWER, ORGANISATION,
                   reset.rsplit("/", 1)[1], confirm.rsplit("/", 1)[1], new_password):
        assert secret not in logged, secret[:12]
