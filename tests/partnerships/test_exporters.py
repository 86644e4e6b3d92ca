"""One registry of export formats (partnerships/exporters.py, issue #22 item 3) drives the routes, their
mimetypes, the dashboard's links and the OpenAPI document."""

from __future__ import annotations

import re

from partnerships.exporters import EXPORTERS


def test_every_export_format_is_a_route_a_link_and_an_api_path(app, full_round):
    client, base = full_round["client"], full_round["base"]
    dashboard = client.get(base).text
    linked = re.findall(rf'href="{re.escape(base)}/export\.([a-z]+)"', dashboard)
    assert linked == list(EXPORTERS)
    for kind, exporter in EXPORTERS.items():
        response = client.get(f"{base}/export.{kind}")
        assert response.status_code == 200 and response.mimetype == exporter.mimetype
        assert f".{kind}" in response.headers["Content-Disposition"]
    assert client.get(f"{base}/export.pdf").status_code == 404  # no such format, no such route
    spec = client.get("/api/v1/openapi.json").get_json()
    exported = {path.rsplit(".", 1)[1]: operation["get"] for path, operation in spec["paths"].items()
                if "/export." in path}
    assert exported.keys() == EXPORTERS.keys()
    for kind, operation in exported.items():
        assert list(operation["responses"]["200"]["content"]) == [EXPORTERS[kind].mimetype]
        assert ("409" in operation["responses"]) == EXPORTERS[kind].needs_submissions
