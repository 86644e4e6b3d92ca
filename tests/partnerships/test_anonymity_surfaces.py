"""Anonymity by arithmetic on every surface a round publishes (docs/assessment-model.md §7): the results page, the
PDF, the projector, the XLSX export and the API give the figures the scorer allows and no more. The
numbers each surface shows are read back from it and checked with tests/anonymity_check.py."""

from __future__ import annotations

import html
import io
import re

import pypdf
import pytest
from openpyxl import load_workbook

from scoring.dimensions import DIMENSION_IDS
from tests.anonymity_check import Published, exposed_sets, from_result
from tests.partnerships.test_api import bearer, create_token

# The issue's case: 4 urban and 5 rural public bodies, 3 businesses and a civil-society pair, each person
# their own organisation; the pair answers "strongly agree" throughout, everyone else less.
COMPOSITION = [("urban_public", 4, 4), ("rural_public", 5, 2), ("business", 3, 3), ("civil_society", 2, 5)]


@pytest.fixture
def issue_round(make_round, respondent_joins):
    round_ = make_round(name="Subtraction Valley")
    people = []
    for group, size, enabler in COMPOSITION:
        for number in range(size):
            respondent_joins(round_["code"], group, f"{group} {number}", enabler, 1)
            people.append(group)
    round_["people"] = people
    return round_


def members_by_group(document) -> dict[str, frozenset[int]]:
    members: dict[str, set[int]] = {}
    for index, respondent in enumerate(document["respondents"]):
        members.setdefault(respondent["group"], set()).add(index)
    return {group: frozenset(indexes) for group, indexes in members.items()}


def published_from_table(document, headers: list[str], rows: dict[str, list[str | float | None]],
                         names: dict[str, str], pooled: list[str]) -> dict[str, Published]:
    """The published means of a table with one column per group (headed by its name) and one row per
    dimension id, the overall score first."""
    members = members_by_group(document)
    pool = frozenset().union(*(members[g] for g in pooled))
    by_name = {name: group for group, name in names.items()}
    published = {}
    for dimension_id, cells in rows.items():
        shown = Published()
        for header, cell in zip(headers, cells, strict=True):
            if cell in (None, "", "—"):
                continue
            group = by_name[header]
            shown.means.append(frozenset(range(len(document["respondents"]))) if group == "overall"
                               else pool if group == "other_stakeholders" else members[group])
        published[dimension_id] = shown
    return published


def test_no_surface_publishes_what_gives_the_pair_away(app, issue_round):
    client, base = issue_round["client"], issue_round["base"]
    document = client.get(f"{base}/export.json").get_json()
    assert len(document["respondents"]) == 14

    # The API's result, and the scorer's
    token = create_token(client)
    api = client.get(f"/api/v1/partnerships/{issue_round['partnership_id']}/rounds/1/result",
                     headers=bearer(token)).json
    assert set(api["groups"]) == {"urban_public", "rural_public", "other_stakeholders"}
    assert api["groups"]["other_stakeholders"]["n"] == 5 and api["anonymity"]["pooled"] == ["civil_society", "business"]
    assert exposed_sets(document, "organisation", from_result(document, api)) == []
    # Without the pooling the checker finds the pair: the check can fail
    leaky = from_result(document, api)
    members = members_by_group(document)
    leaky["enabler.trust"].means = [frozenset(range(14)), members["urban_public"], members["rural_public"],
                                    members["business"]]
    assert exposed_sets(document, "organisation", leaky)

    # The results page: the groups table as shown
    page = client.get(f"{base}/results").text
    table = re.search(r"<caption>Scores by stakeholder group</caption>(.*?)</table>", page, re.S).group(1)
    headers = [html.unescape(h) for h in re.findall(r'<th scope="col" class="number">([^<]+) \(n=\d+\)</th>', table)]
    # every respondent's score first (the overall, published at a glance anyway), then each group's
    assert headers == ["All", "Urban public bodies", "Rural public bodies", "Other stakeholders, pooled"]
    headers = headers[1:]
    assert "Civil society (n=" not in page and "Business (n=" not in page
    rows = {}
    for dimension_id, row in zip(DIMENSION_IDS, re.findall(r"<tr><th scope=\"row\">[^<]+</th>(.*?)</tr>",
                                                           table.split("<tbody>")[1]), strict=True):
        rows[dimension_id] = re.findall(r'<td class="number">([^<]*)</td>', row)[1:]
    names = {"urban_public": "Urban public bodies", "rural_public": "Rural public bodies",
             "other_stakeholders": "Other stakeholders, pooled"}
    from_page = published_from_table(document, headers, rows, names, api["anonymity"]["pooled"])
    for shown in from_page.values():  # with the overall score beside them, as the page shows it
        shown.means.append(frozenset(range(14)))
    assert exposed_sets(document, "organisation", from_page) == []
    assert "Civil society and Business are shown together as “Other stakeholders, pooled” (n=5)" in page

    # The PDF says the same
    pdf = client.get(f"{base}/report.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages))
    assert "Other stakeholders, pooled (n=5)" in text
    assert "Civil society (n=" not in text and "Business (n=" not in text

    # The XLSX group columns
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/export.xlsx").data), read_only=True)
    sheet = list(workbook["dimensions"].iter_rows(values_only=True))
    workbook.close()
    group_headers = [h for h in sheet[0] if str(h).startswith("score ")]
    assert group_headers == ["score urban_public (n=4)", "score rural_public (n=5)", "score other_stakeholders (n=5)"]
    xlsx_rows = {row[0]: [row[2], *row[6:]] for row in sheet[1:]}
    xlsx_names = {"overall": "score", "urban_public": "score urban_public (n=4)",
                  "rural_public": "score rural_public (n=5)", "other_stakeholders": "score other_stakeholders (n=5)"}
    assert exposed_sets(document, "organisation", published_from_table(
        document, ["score", *group_headers], xlsx_rows, xlsx_names, api["anonymity"]["pooled"])) == []

    # The projector's trust step names the same three groups
    for _ in range(4):
        client.post(f"{base}/projector/next")
    projector = html.unescape(client.get(f"{base}/projector").text)
    assert "<h1>Trust and dialogue</h1>" in projector
    shown = re.search(r'<p class="projector-groups">(.*?)</p>', projector, re.S).group(1)
    assert re.findall(r"([A-Z][^(·]+?) \(n=(\d+)\)", shown) == [
        ("Urban public bodies", "4"), ("Rural public bodies", "5"), ("Other stakeholders, pooled", "5")]


def test_french_pages_name_the_pool_and_the_missing_side(app, make_round, respondent_joins):
    """One core city: the urban side has 2 respondents. The page says so, in French as in English."""
    round_ = make_round(name="Vallée Une Ville")
    for group, size in [("urban_public", 2), ("rural_public", 5), ("business", 3)]:
        for number in range(size):
            respondent_joins(round_["code"], group, f"{group} {number}", 3, 1)
    client, base = round_["client"], round_["base"]
    english = client.get(f"{base}/results").text
    assert ("Fewer than 3 organisations among urban public bodies answered in this round: their views cannot be "
            "shown on their own, and rural and urban views are not compared.") in html.unescape(english)
    french = html.unescape(client.get(f"{base}/results?lang=fr").text)
    assert "Moins de 3 organisations ont répondu dans ce tour parmi les collectivités urbaines" in french
    assert "Autres acteurs, regroupés (n=5)" in french
    assert "Other stakeholders" not in french and "other_stakeholders" not in french
