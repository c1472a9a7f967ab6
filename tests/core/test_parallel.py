"""parallel.map_forked: the batch runner behind `lint -j`. Order, completeness, and no
orphaned helpers whatever happens to a helper or to the parent."""
from __future__ import annotations

import os
import time

import pytest

from replydesk.linting.parallel import map_forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_results_come_back_in_order_from_every_process():
    items = list(range(600))
    parent = os.getpid()

    def task(x):
        time.sleep(0.0005)  # long enough that no process can take every chunk before the others start
        return x * x, os.getpid()

    out = map_forked(task, items, jobs=3, chunk_size=7)
    assert [v for v, _ in out] == [x * x for x in items]
    workers = {pid for _, pid in out}
    assert parent in workers, "the calling process lints too"
    assert len(workers) >= 2, "the work was spread over helpers"
    assert _no_children_left()


def test_a_helper_that_dies_loses_nothing():
    parent = os.getpid()

    def task(x):
        if x == 500 and os.getpid() != parent:
            os._exit(9)  # a helper killed mid-chunk
        return x + 1

    items = list(range(1000))
    for _ in range(3):  # whichever process happens to claim item 500
        assert map_forked(task, items, jobs=2, chunk_size=10) == [x + 1 for x in items]
    assert _no_children_left()


def test_an_error_in_the_parent_stops_the_helpers():
    parent = os.getpid()

    def task(x):
        if os.getpid() == parent and x >= 0:
            raise ValueError("boom")
        time.sleep(0.002)  # helpers slower than the parent, so the parent surely takes a chunk on a busy machine
        return x

    with pytest.raises(ValueError, match="boom"):
        map_forked(task, list(range(400)), jobs=2, chunk_size=5)
    assert _no_children_left()


def test_before_runs_once_here_while_the_helpers_work():
    parent = os.getpid()
    ran = []

    def before():
        ran.append(os.getpid())
        time.sleep(0.05)  # a slow import, say: the helpers take chunks meanwhile

    def task(x):
        time.sleep(0.0005)
        return os.getpid()

    out = map_forked(task, list(range(400)), jobs=2, chunk_size=5, before=before)
    assert ran == [parent] and len(out) == 400
    assert set(out) - {parent}, "a helper worked"
    ran.clear()
    assert map_forked(lambda x: x, [1, 2], jobs=1, before=before) == [1, 2] and ran == [parent]
    assert _no_children_left()


def test_one_job_stays_in_process():
    parent = os.getpid()
    assert map_forked(lambda x: os.getpid(), list(range(100)), jobs=1) == [parent] * 100
    assert map_forked(lambda x: x, [], jobs=2) == []
