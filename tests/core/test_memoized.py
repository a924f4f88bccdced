"""Figures memoized per data version: computed again after every committed write, never kept from a
transaction that has written, never shared without a key."""
from __future__ import annotations

from tests.factories import build_world
from tracker.core.data_version import memoized


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute, calls


def test_computed_once_per_version_and_again_after_a_write(session):
    world = build_world(session)
    session.commit()
    compute, calls = _counter()
    assert memoized(session, "figures", compute) == 1
    session.commit()  # a new transaction that wrote nothing: the same version
    assert memoized(session, "figures", compute) == 1 and len(calls) == 1
    world.school.address = "вул. Нова, 1"
    session.add(world.school)
    # Written but not committed: computed afresh, and not kept for anyone else.
    assert memoized(session, "figures", compute) == 2
    session.commit()
    assert memoized(session, "figures", compute) == 3  # the committed write is a new version
    assert memoized(session, "figures", compute) == 3 and len(calls) == 3


def test_no_key_is_never_cached_and_keys_do_not_mix(session):
    build_world(session)
    session.commit()
    compute, calls = _counter()
    assert [memoized(session, None, compute) for _ in range(3)] == [1, 2, 3]
    assert memoized(session, ("authority", 1), compute) == 4
    assert memoized(session, ("authority", 2), compute) == 5
    assert memoized(session, ("authority", 1), compute) == 4 and len(calls) == 5
