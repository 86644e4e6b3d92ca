"""Static CSS and JavaScript go over the wire compressed, like the pages (issue #24: they were not)."""

import gzip

import pytest


@pytest.mark.parametrize("path", ["/static/css/rupa.css", "/static/js/rupa.js"])
def test_static_text_files_are_compressed(client, path):
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert client.get(path, headers={"Accept-Encoding": "br, gzip"}).headers["Content-Encoding"] == "br"
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 2


def test_fonts_are_sent_as_they_are(client):
    with client.get("/static/fonts/NotoSans-Bold.ttf", headers={"Accept-Encoding": "br, gzip"}) as font:
        assert font.status_code == 200 and "Content-Encoding" not in font.headers
