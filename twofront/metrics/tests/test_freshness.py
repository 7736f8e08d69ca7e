"""The worker's refresh thread keeps rollups current; concurrent writers never lose a change."""

import threading
import time

import pytest
from django.db import connection, transaction

from twofront.metrics import scheduler, services
from twofront.metrics.models import DirtyCell, Rollup
from twofront.metrics.tests.conftest import GRID_1


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_worker_thread_refreshes_dirty_cells(personas_tx, make_person):
    make_person(GRID_1)
    thread = scheduler.start(seconds=0.05)
    try:
        assert wait_for(lambda: not DirtyCell.objects.exists())
        assert Rollup.objects.get(key="core.persons_new", region__code=GRID_1).value == 1
    finally:
        thread.stop(timeout=10)
    assert not thread.is_alive()


def test_refresh_interval_is_at_most_a_minute(monkeypatch):
    monkeypatch.setenv("TWOFRONT_METRICS_REFRESH_SECONDS", "600")
    assert scheduler.interval() == 60
    monkeypatch.delenv("TWOFRONT_METRICS_REFRESH_SECONDS")
    assert scheduler.interval() == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; no overlap to test")
def test_a_mark_of_an_open_transaction_is_left_for_the_next_refresh(personas_tx, make_person):
    # given a dirty cell, and a writer that adds a person to it but has not committed yet
    make_person(GRID_1)
    touched, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                make_person(GRID_1)
                touched.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert touched.wait(10)
    # when a refresh runs meanwhile, it consumes the committed mark only (the writer's is not visible yet)
    assert services.refresh_dirty() == 1
    assert Rollup.objects.get(key="core.persons_new", region__code=GRID_1).value == 1
    release.set()
    thread.join(10)
    # then the writer's mark is in the log once it commits, and the next refresh counts both persons
    assert DirtyCell.objects.count() == 1
    services.refresh_dirty()
    assert Rollup.objects.get(key="core.persons_new", region__code=GRID_1).value == 2
    assert not DirtyCell.objects.exists()
