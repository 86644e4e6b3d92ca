"""A round's CSV export is streamed a batch of respondents at a time, and its download holds no lock
that a respondent saving a page would wait for."""

from __future__ import annotations

import csv
import io
import threading

import reports.service


def test_csv_export_streams_in_batches_while_respondents_save(app, full_round, respondent_joins, monkeypatch):
    monkeypatch.setattr(reports.service, "EXPORT_BATCH", 4)
    path = f"{full_round['base']}/export.csv"
    whole = full_round["client"].get(path).text
    response = full_round["client"].get(path, buffered=False)
    pieces = iter(response.response)
    first = next(pieces)  # the header and the first 4 respondents: the rest is not read yet

    saved = threading.Event()

    def save() -> None:
        respondent_joins(full_round["code"], "civil_society", "Valley Trust")
        saved.set()

    writer = threading.Thread(target=save, daemon=True)
    writer.start()
    writer.join(timeout=30)
    assert saved.is_set(), "a respondent's saves waited for the export being downloaded"

    rest = b"".join(pieces)
    response.close()
    text = (first + rest).decode()
    assert text == whole  # the same file as read at once (the new respondent came after it began)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 10 and len((first.decode()).splitlines()) == 1 + 4
