"""Progress is visible to other connections (the job page) while a job runs, and never blocks the write.

Validation counters are committed as they go on both databases. During the write transaction PostgreSQL
reports written rows over a second connection; SQLite has one writer, so the page sees the phase and
the final counts at commit, and the import never waits on its own progress."""

from django.db import connection, connections

from twofront.core.models import Person
from twofront.transfer import engine
from twofront.transfer.choices import JobPhase, JobStatus
from twofront.transfer.tests.conftest import import_file, person_rows, write_csv


def test_another_connection_sees_the_counters(personas_tx, tmp_path, monkeypatch, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(engine, "CHUNK_ROWS", 500)
    settings.TWOFRONT_IMPORT_PROGRESS_SECONDS = 0
    path = write_csv(person_rows(3_000), tmp_path / "progress.csv")
    page = connections.create_connection(connection.alias)  # stands in for the job page's request
    seen: list[tuple] = []

    def look(job) -> None:
        with page.cursor() as cursor:
            cursor.execute("SELECT phase, rows_read, rows_written FROM transfer_importjob WHERE id = %s", [job.pk])
            seen.append((job.phase, *cursor.fetchone()))

    original = engine.Progress.__init__

    def with_probe(self, job, on_change=None):
        original(self, job, look)

    monkeypatch.setattr(engine.Progress, "__init__", with_probe)
    try:
        job = import_file(personas_tx["nanming"], path)
    finally:
        page.close()
    assert job.status == JobStatus.SUCCEEDED and Person.objects.count() == 3_000
    validating = [s for s in seen if s[0] == JobPhase.VALIDATING]
    writing = [s for s in seen if s[0] == JobPhase.WRITING]
    assert any(0 < rows_read < 3_000 for _, _, rows_read, _ in validating)  # committed while reading
    assert writing and all(s[1] == JobPhase.WRITING for s in writing)  # the phase was committed before writing
    written = [s[3] for s in writing]
    if connection.vendor == "postgresql":
        assert 0 < max(written) <= 3_000  # batches reported from inside the open transaction
    else:
        assert set(written) == {0}  # nothing before the commit, and no wait for the lock
