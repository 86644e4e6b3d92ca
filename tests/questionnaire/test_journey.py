"""The respondent journey through the test client: save, resume, review, submit, lock."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict

from database import db, utcnow
from questionnaire.models import Answer, Respondent


def stored(app, token_fragment: str | None = None) -> dict[str, object]:
    with app.app_context():
        return dict(db.session.execute(select(Answer.item_id, Answer.value)).all())


def answer_pages(client, token, pages):
    for section_id, data in pages.items():
        response = client.post(f"/r/{token}/s/{section_id}", data=MultiDict([*data, ("action", "next")]))
        assert response.status_code == 303, response.text


def test_start_page_explains_and_starts(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Start a self-assessment" in page.text
    started = client.post("/start", follow_redirects=True)
    assert "Your private link" in started.text
    assert re.search(r'value="http://localhost/r/[A-Za-z0-9_-]{43}"', started.text)


def test_token_is_unguessable_and_stored_only_hashed(app, start_respondent):
    token = start_respondent()
    assert len(token) >= 43  # 32 random bytes, base64url
    with app.app_context():
        respondent = db.session.execute(select(Respondent)).scalar_one()
    assert token not in respondent.token_hash and len(respondent.token_hash) == 64


def test_page_saves_partial_answers_and_resume_returns_to_where_they_stopped(app, client, start_respondent):
    token = start_respondent()
    response = client.post(f"/r/{token}/s/profile", data={
        "respondent.group": "rural_public", "profile.delegated_functions": ["transport", "environment"],
        "respondent.organisation": "Village of Upper Example", "action": "next"})
    assert response.status_code == 303
    assert response.location.endswith(f"/r/{token}/s/linkages")
    client.post(f"/r/{token}/s/linkages", data={"linkage.governance.strength": "3", "action": "later"})

    assert stored(app) == {
        "respondent.group": "rural_public",
        "respondent.organisation": "Village of Upper Example",
        "profile.delegated_functions": ["transport", "environment"],
        "linkage.governance.strength": 3,
    }
    # A new browser: only the link is known.
    other = app.test_client()
    resumed = other.get(f"/r/{token}")
    assert resumed.location.endswith(f"/r/{token}/s/linkages")
    page = other.get(f"/r/{token}/s/linkages")
    assert re.search(r'name="linkage.governance.strength" value="3" checked', page.text)
    profile = other.get(f"/r/{token}/s/profile").text
    assert re.search(r'value="rural_public" checked', profile)
    assert re.search(r'value="transport" checked', profile) and re.search(r'value="environment" checked', profile)
    assert 'value="Village of Upper Example"' in profile


def test_progress_indicator_and_back(client, start_respondent):
    token = start_respondent()
    page = client.get(f"/r/{token}/s/enablers")
    assert "Section 3 of 8" in page.text
    back = client.post(f"/r/{token}/s/enablers", data={"enabler.trust.1": "dont_know", "action": "back"})
    assert back.location.endswith("/s/linkages")


def page_base(client, path: str) -> str:
    """The hidden field of what a page showed, as the browser sends it back."""
    return html.unescape(re.search(r'name="_base" value="([^"]*)"', client.get(path).text).group(1))


def test_changing_an_answer_and_one_left_out(app, client, start_respondent):
    """An item absent from a POST is not a deletion: a radio button cannot be unticked."""
    token = start_respondent()
    client.post(f"/r/{token}/s/barriers", data={"barrier.funding": "4", "barrier.policy": "1"})
    path = f"/r/{token}/s/barriers"
    client.post(path, data={"_base": page_base(client, path), "barrier.funding": "dont_know"})
    assert stored(app) == {"barrier.funding": "dont_know", "barrier.policy": 1}


def test_clearing_a_text_and_unticking_every_box(app, client, start_respondent):
    token = start_respondent()
    client.post(f"/r/{token}/s/profile", data=MultiDict([
        ("respondent.group", "rural_public"), ("profile.purposes", "transport"), ("respondent.organisation", "Vale")]))
    path = f"/r/{token}/s/profile"
    client.post(path, data={"_base": page_base(client, path), "respondent.group": "rural_public"})
    assert stored(app) == {"respondent.group": "rural_public"}


def test_a_stale_tab_never_undoes_a_later_save(app, start_respondent, questionnaire):
    """Tab B shows the linkages page empty; tab A answers all ten questions; B's "Save and finish later"
    (and then a change of one answer in B) keeps A's answers."""
    token = start_respondent()
    path = f"/r/{token}/s/linkages"
    tab_b, tab_a = app.test_client(), app.test_client()
    stale = page_base(tab_b, path)
    items = [item for item in questionnaire.section("linkages").items if item.type != "text"]
    answers = {item.id: str(item.option_values[1]) for item in items}
    assert tab_a.post(path, data={"_base": page_base(tab_a, path), **answers}).status_code == 303
    assert tab_b.post(path, data={"_base": stale, "action": "later"}).status_code == 303
    expected = {item.id: item.option_values[1] for item in items}
    assert stored(app) == expected
    changed = items[0]
    assert tab_b.post(path, data={"_base": stale, changed.id: str(changed.option_values[0])}).status_code == 303
    assert stored(app) == {**expected, changed.id: changed.option_values[0]}


@pytest.mark.parametrize("base", ["not json", "[1, 2]", "", '{"linkage.demography_labour.strength": "x"'])
def test_a_missing_or_tampered_base_removes_nothing(app, client, start_respondent, base):
    token = start_respondent()
    path = f"/r/{token}/s/linkages"
    client.post(path, data={"linkage.demography_labour.strength": "3", "linkage.governance.strength": "2"})
    response = client.post(path, data={"_base": base, "linkage.governance.strength": "4"})
    assert response.status_code == 303
    assert stored(app) == {"linkage.demography_labour.strength": 3, "linkage.governance.strength": 4}


def test_required_items_only_at_submission_with_error_summary(client, start_respondent):
    token = start_respondent()
    assert client.post(f"/r/{token}/s/profile", data={"action": "next"}).status_code == 303
    response = client.post(f"/r/{token}/submit")
    assert response.status_code == 422
    assert "There is a problem" in response.text
    # One line per page with how many of its questions are unanswered, not one link per question.
    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    missing = re.search(r"<p>(\d+) answers are missing\.</p>", summary)
    assert missing and int(missing.group(1)) > 20
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)
    assert len(links) == len({href.split("?")[0] for href, _label in links}) < 10
    counts = [int(re.search(r"(\d+) questions? not answered", label).group(1)) for _href, label in links]
    assert sum(counts) == int(missing.group(1))
    first = links[0][0].replace("&amp;", "&")
    assert first.startswith(f"/r/{token}/s/profile?") and "check=1" in first and "from=review" in first
    assert first.endswith("#f-respondent.group")  # the page's first unanswered question
    checked = client.get(first.split("#")[0])
    for item_id in ("respondent.group", "profile.region_type"):  # every unanswered question of the page
        assert f'id="error-{item_id}"' in checked.text and f'href="#f-{item_id}"' in checked.text
    assert "Please answer this question" in checked.text
    assert 'name="from" value="review"' in checked.text and "Save and return to your answers" in checked.text


def test_change_on_the_review_page_leads_back_to_it(client, start_respondent, complete_answers):
    token = start_respondent()
    answer_pages(client, token, complete_answers())
    review = client.get(f"/r/{token}/review").text
    change = re.search(rf'href="(/r/{token}/s/enablers[^"#]*)#f-enabler.trust.1"', review).group(1)
    assert "from=review" in change
    page = client.get(change.replace("&amp;", "&")).text
    assert 'name="from" value="review"' in page and "Save and return to your answers" in page
    saved = client.post(f"/r/{token}/s/enablers", data={"enabler.trust.1": "2", "from": "review", "action": "next"})
    assert saved.status_code == 303 and saved.location.endswith(f"/r/{token}/review")
    assert "Strongly agree" in client.get(saved.location).text
    # Without it, the same button goes on to the next page, as before.
    onward = client.post(f"/r/{token}/s/enablers", data={"enabler.trust.1": "2", "action": "next"})
    assert onward.location.endswith(f"/r/{token}/s/enablers_people")
    french = client.get(change.replace("&amp;", "&") + "&lang=fr").text
    assert "Enregistrer et revenir à vos réponses" in french


def test_review_submit_lock_and_double_submit(app, client, start_respondent, complete_answers):
    token = start_respondent()
    answer_pages(client, token, complete_answers())
    review = client.get(f"/r/{token}/review")
    assert review.status_code == 200
    assert "Strongly agree" in review.text and "Change" in review.text

    first = client.post(f"/r/{token}/submit")
    second = client.post(f"/r/{token}/submit")
    assert first.status_code == second.status_code == 303
    assert client.get(first.location).status_code == 200
    before = stored(app)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Respondent)).scalar() == 1
        assert db.session.execute(select(Respondent.status)).scalar() == "submitted"

    locked = client.post(f"/r/{token}/s/enablers", data={"enabler.trust.1": "1"})
    assert locked.status_code == 409
    assert "can no longer be changed" in locked.text
    assert stored(app) == before
    assert client.get(f"/r/{token}/s/enablers").location.endswith("/done")


@pytest.mark.parametrize(("data", "message"), [
    ({"enabler.trust.1": "9", "enabler.trust.2": "4"}, "not one of the answers offered"),
    ({"enabler.trust.1": "4", "enabler.trust.2": "<script>"}, "not one of the answers offered"),
])
def test_tampered_value_is_rejected_and_changes_nothing(app, client, start_respondent, data, message):
    token = start_respondent()
    client.post(f"/r/{token}/s/enablers", data={"enabler.trust.2": "2"})
    response = client.post(f"/r/{token}/s/enablers", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert stored(app) == {"enabler.trust.2": 2}


def test_overlong_text_is_rejected_with_the_text_kept_on_the_page(app, client, start_respondent):
    token = start_respondent()
    client.post(f"/r/{token}/s/open", data={"open.priorities": "A bus line."})
    long_text = "village " * 600
    response = client.post(f"/r/{token}/s/open", data={"open.priorities": long_text, "open.obstacles": "x"})
    assert response.status_code == 400
    assert "4000 characters" in response.text
    assert long_text.strip() in response.text
    assert stored(app) == {"open.priorities": "A bus line."}


def test_the_free_text_limit_is_said_and_nothing_is_cut_by_the_browser(client, start_respondent):
    token = start_respondent()
    page = html.unescape(client.get(f"/r/{token}/s/open?lang=en").text)
    assert "maxlength" not in page  # a browser would cut a pasted text without a word
    assert "At most 4000 characters." in page  # as the error message says it
    assert re.search(r'<textarea id="f-open.priorities"[^>]*aria-describedby="[^"]*limit-open.priorities', page)
    french = html.unescape(client.get(f"/r/{token}/s/open?lang=fr").text)
    assert "4000 caractères au plus." in french


def test_text_is_stored_without_control_characters_and_escaped_on_review(app, client, start_respondent):
    token = start_respondent()
    client.post(f"/r/{token}/s/open", data={"open.obstacles": "<b>Roads</b>\x00\x07 & bridges"})
    assert stored(app) == {"open.obstacles": "<b>Roads</b> & bridges"}
    assert "&lt;b&gt;Roads&lt;/b&gt;" in client.get(f"/r/{token}/review").text


def test_exclusive_option_gets_a_clear_message(app, client, start_respondent):
    token = start_respondent()
    response = client.post(f"/r/{token}/s/profile",
                           data={"profile.delegated_functions": ["none", "transport"]})
    assert response.status_code == 400
    assert "cannot be combined" in response.text
    assert stored(app) == {}


def test_unknown_and_expired_tokens(app, client, start_respondent):
    assert client.get("/r/not-a-real-token").status_code == 404
    assert "unknown or has expired" in client.get("/r/not-a-real-token/s/profile").text
    token = start_respondent()
    with app.app_context():
        db.session.execute(update(Respondent).values(last_active_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    response = client.post(f"/r/{token}/s/profile", data={"respondent.group": "business"})
    assert response.status_code == 404
    assert stored(app) == {}


def test_unknown_section_is_404(client, start_respondent):
    token = start_respondent()
    assert client.get(f"/r/{token}/s/nowhere").status_code == 404


def test_missing_or_forged_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/start").status_code == 400
    home = client.get("/").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
    started = client.post("/start", data={"csrf_token": csrf})
    assert started.status_code == 303
    token = re.search(r"/r/([^/]+)/", started.location).group(1)
    client.post(f"/r/{token}/s/barriers", data={"csrf_token": csrf, "barrier.funding": "2"})
    forged = client.post(f"/r/{token}/s/barriers", data={"csrf_token": "forged", "barrier.funding": "4"})
    assert forged.status_code == 400
    assert "nothing was changed" in forged.text
    assert stored(csrf_app) == {"barrier.funding": 2}


def test_french_journey_and_language_remembered(app, client, start_respondent):
    token = start_respondent()
    page = client.get(f"/r/{token}/s/barriers?lang=fr")
    assert '<html lang="fr">' in page.text
    assert "Ce qui fait obstacle" in page.text and "Section 6 sur 8" in page.text
    # The switch back to English saves the page first (test_switching_language_on_a_page_saves_its_choices_first).
    assert 'form="answers" name="switch_language" value="en"' in page.text
    client.post(f"/r/{token}/s/barriers", data={"barrier.funding": "2"})
    # Another browser with no language preference: the respondent's language is used.
    fresh = app.test_client().get(f"/r/{token}/s/barriers")
    assert '<html lang="fr">' in fresh.text


def test_results_page_after_submission(client, start_respondent, complete_answers):
    token = start_respondent()
    answer_pages(client, token, complete_answers())
    done = client.post(f"/r/{token}/submit", follow_redirects=True)
    assert done.status_code == 200
    page = done.text
    assert "Your results" in page
    # profile: explicit = no, one delegated function -> implicit co-operation with delegated functions
    assert "Today, partners co-operate as: Implicit co-operation with delegated functions." in page
    # every obstacle answered "severe" (4) -> 0 points -> concern, with its recommendation and reason
    assert "Remove legal obstacles to inter-municipal co-operation" in page
    assert "Legal and regulatory obstacles: 0 out of 100, a serious obstacle" in page
    assert "Because:" in page
    french = client.get(f"/r/{token}/done?lang=fr").text
    assert "Vos résultats" in french
    assert "Lever les obstacles juridiques à la coopération intercommunale" in french
    # the reason in words, in French: no id, no English band name
    assert "Obstacles juridiques et réglementaires\u00a0: 0 sur 100, un obstacle sérieux" in french
    visible = re.sub(r"<[^>]+>", " ", french)  # what a reader sees (anchors may carry ids)
    assert "barrier.regulatory" not in visible and "(concern)" not in visible


def test_largest_questionnaire_page_with_its_assets_stays_under_60_kb(client, start_respondent, questionnaire):
    token = start_respondent()
    largest = max(questionnaire.sections, key=lambda s: len(s.items))
    page = client.get(f"/r/{token}/s/{largest.id}")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    total = len(page.data)
    for asset in assets:
        response = client.get(asset)
        total += len(response.data)
        response.close()
    assert total < 60 * 1024, f"{largest.id} page weighs {total} bytes with its assets"
    assert "http://" not in page.text.replace("http://localhost", "") and "https://" not in page.text


def test_an_empty_first_value_cannot_smuggle_an_option_in(app, client, start_respondent):
    token = start_respondent()
    response = client.post(f"/r/{token}/s/profile", data=MultiDict([
        ("profile.delegated_functions", ""), ("profile.delegated_functions", "evil")]))
    assert response.status_code == 400
    assert stored(app) == {}


def test_a_page_saved_after_a_submit_or_a_close_that_came_in_between_stores_nothing(app, start_respondent):
    """save_page checks, in the write itself, that the response is still open: a submit (another tab) or
    a closed round that landed after the page was read wins, and nothing of the page is stored."""
    from questionnaire import journey
    from questionnaire.models import Assessment

    token = start_respondent()
    with app.app_context():
        respondent = journey.find_respondent(token, 30)
        assert journey.save_page(respondent.id, {"enabler.awareness.1": 4}, "en", "barriers")
        db.session.execute(update(Assessment).values(accepts_answers=False))
        assert not journey.save_page(respondent.id, {"enabler.awareness.1": 1}, "fr", "open")
        db.session.execute(update(Assessment).values(accepts_answers=True))
        db.session.execute(update(Respondent).values(status="submitted", submitted_at=utcnow()))
        assert not journey.save_page(respondent.id, {"enabler.awareness.1": 2}, "fr", "open")
        db.session.commit()
        stored = db.session.execute(select(Answer.value).where(Answer.item_id == "enabler.awareness.1")).scalars()
        assert list(stored) == [4]
        assert db.session.scalar(select(Respondent.current_section)) == "barriers"


def test_two_stale_tabs_saving_at_once_keep_both_changes(app, start_respondent, questionnaire):
    """Two devices drawn from the same (empty) page save different answers at the same moment: each
    writes only what it changed, so both answers are kept (on PostgreSQL, two connections at once)."""
    import threading

    token = start_respondent()
    path = f"/r/{token}/s/linkages"
    first, second = questionnaire.section("linkages").items[:2]
    clients = [app.test_client(), app.test_client()]
    bases = [page_base(client, path) for client in clients]
    start, statuses = threading.Barrier(2), []

    def save(client, base, item) -> None:
        start.wait()
        statuses.append(client.post(path, data={"_base": base, item.id: str(item.option_values[1]),
                                                "action": "later"}).status_code)

    threads = [threading.Thread(target=save, args=(client, base, item))
               for client, base, item in zip(clients, bases, (first, second), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [303, 303]
    assert stored(app) == {first.id: first.option_values[1], second.id: second.option_values[1]}


def test_a_self_assessment_can_name_its_partnership_for_the_cover(client, complete_answers):
    home = client.get("/").text
    assert 'name="partnership"' in home and "Name of your partnership (optional)" in home
    too_long = client.post("/start", data={"partnership": "x" * 201})
    assert too_long.status_code == 422 and "There is a problem" in too_long.text
    started = client.post("/start", data={"partnership": "  Vallée de la Drôme  "})
    token = re.search(r"/r/([^/]+)/", started.location).group(1)
    pages = complete_answers()
    pages["profile"] = [*[(k, v) for k, v in pages["profile"] if k != "respondent.organisation"],
                          ("respondent.organisation", "Commune de Die")]
    answer_pages(client, token, pages)
    client.post(f"/r/{token}/submit")
    report = html.unescape(client.get(f"/r/{token}/report?lang=fr").text)
    assert "<h1 id=\"report-title\">Vallée de la Drôme</h1>" in report
    assert "Le point de vue d'un répondant\u00a0:" in report and "Commune de Die" in report
    pdf = client.get(f"/r/{token}/report.pdf?lang=fr&paper=letter")
    assert 'filename="rupa-vallee-de-la-drome-fr-letter-' in pdf.headers["Content-Disposition"]
    unnamed = client.post("/start")
    assert unnamed.status_code == 303  # the name stays optional


def test_a_submitted_response_never_reads_as_in_progress(client, start_respondent, complete_answers):
    token = start_respondent()
    answer_pages(client, token, complete_answers())
    assert client.post(f"/r/{token}/submit").status_code == 303
    for page in ("welcome", "saved", "review", "s/profile"):
        response = client.get(f"/r/{token}/{page}")
        assert response.status_code == 302 and response.location.endswith(f"/r/{token}/done"), page


def test_a_respondents_error_pages_lead_back_to_their_answers(app, client, start_respondent, complete_answers):
    token = start_respondent()
    answer_pages(client, token, complete_answers())
    assert client.post(f"/r/{token}/submit").status_code == 303
    locked = client.post(f"/r/{token}/s/enablers", data={"action": "next"})
    assert locked.status_code == 409
    assert f'href="/r/{token}"' in locked.text and "Back to your answers" in locked.text
    french = client.post(f"/r/{token}/s/enablers?lang=fr", data={"action": "next"})
    assert "Revenir à vos réponses" in french.text
    unknown = client.get("/r/" + "x" * 43 + "/welcome")  # the token itself is what was not found
    assert unknown.status_code == 404 and "Back to your answers" not in unknown.text


def test_the_results_say_where_the_bands_begin(client, start_respondent, complete_answers):
    """The thresholds are scoring.yaml's (tests/scoring/test_rule_validation.py moves them), written as the
    reader's language writes numbers."""
    token = start_respondent()
    answer_pages(client, token, complete_answers())
    client.post(f"/r/{token}/submit")
    done = html.unescape(client.get(f"/r/{token}/done").text)
    assert "Strength: 75 or more. Developing: from 50 to under 75. Concern: below 50." in done
    french = html.unescape(client.get(f"/r/{token}/done?lang=fr").text)
    assert "Point fort\u00a0: 75 ou plus. En progrès\u00a0: de 50 à moins de 75." in french
    report = html.unescape(client.get(f"/r/{token}/report?lang=en").text)
    assert "Bands: strength 75 or more, developing from 50 to under 75, concern below 50." in report


def test_an_autosave_saves_through_the_page_and_answers_what_the_page_now_stands_for(
        app, start_respondent, questionnaire):
    """The page's script saves as answers are given (action=autosave): the same save, so a stale tab's
    autosave keeps another tab's later answers, and the reply is the page's new base, JSON, the page
    staying where it is."""
    token = start_respondent()
    path = f"/r/{token}/s/linkages"
    items = [item for item in questionnaire.section("linkages").items if item.type != "text"]
    first, second = items[0], items[1]
    tab_b, tab_a = app.test_client(), app.test_client()
    stale = page_base(tab_b, path)
    assert tab_a.post(path, data={"_base": page_base(tab_a, path), second.id: str(second.option_values[2])}
                      ).status_code == 303
    saved = tab_b.post(path, data={"_base": stale, first.id: str(first.option_values[1]), "action": "autosave"})
    assert saved.status_code == 200 and saved.is_json and saved.json["saved"] is True
    assert saved.json["answered"] == 2  # this tab's answer and tab A's: the progress bar's new count
    assert json.loads(saved.json["base"]) == {first.id: first.option_values[1]}  # not tab A's answer
    assert stored(app) == {first.id: first.option_values[1], second.id: second.option_values[2]}
    # Tab B's next autosave, with its new base, still leaves tab A's answer alone.
    again = tab_b.post(path, data={"_base": saved.json["base"], first.id: str(first.option_values[0]),
                                   "action": "autosave"})
    assert again.status_code == 200
    assert stored(app) == {first.id: first.option_values[0], second.id: second.option_values[2]}
    wrong = tab_b.post(path, data={"_base": again.json["base"], first.id: "99", "action": "autosave"})
    assert wrong.status_code == 400 and wrong.json == {"saved": False}
    assert stored(app)[first.id] == first.option_values[0]
    assert 'data-autosave' in tab_b.get(path).text


def test_switching_language_on_a_page_saves_its_choices_first(app, client, start_respondent, questionnaire):
    """Without JavaScript the header's language buttons submit the page: what was chosen and not yet
    saved is kept, and the same page comes back in the other language."""
    token = start_respondent()
    path = f"/r/{token}/s/linkages"
    page = client.get(path).text
    assert 'form="answers" name="switch_language" value="fr"' in page
    item = next(item for item in questionnaire.section("linkages").items if item.type != "text")
    switched = client.post(path, data={"_base": page_base(client, path), item.id: str(item.option_values[1]),
                                       "switch_language": "fr"})
    assert switched.status_code == 303 and switched.location.endswith(f"{path}?lang=fr")
    assert stored(app) == {item.id: item.option_values[1]}
    french = client.get(switched.location)
    assert 'lang="fr"' in french.text and questionnaire.section("linkages").title["fr"] in french.text
    assert 'form="answers" name="switch_language" value="en"' in french.text
    unknown = client.post(path, data={"_base": page_base(client, path), "switch_language": "xx"})
    assert unknown.status_code == 303 and "lang=" not in unknown.location  # an ordinary save


def test_progress_counts_questions_answered_not_pages(app, client, start_respondent, questionnaire):
    token = start_respondent()
    total = sum(len(section.items) for section in questionnaire.sections)
    page = client.get(f"/r/{token}/s/enablers").text
    assert f'questions answered: <span data-answered="">0</span> of {total}' in page
    assert f'<progress max="{total}" value="0"' in page
    client.post(f"/r/{token}/s/linkages", data={"linkage.governance.strength": "3", "action": "later"})
    page = client.get(f"/r/{token}/s/enablers").text
    assert f'questions answered: <span data-answered="">1</span> of {total}' in page
    assert f'<progress max="{total}" value="1"' in page


def test_the_start_and_welcome_pages_say_what_is_kept_who_sees_it_and_for_how_long(app, client):
    app.config["RETENTION_DAYS"] = 200
    home = client.get("/").text
    assert "Your answers and your privacy" in home and "never asks your name" in home
    assert "200 days after the round closes" in home
    welcome = client.get(client.post("/start").location).text
    assert "Your answers and your privacy" in welcome and "fewer than three people" in welcome
    french = client.get("/?lang=fr").text
    assert "Vos réponses et votre vie privée" in french and "200 jours après la clôture du tour" in french
