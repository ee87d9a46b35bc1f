"""The detectors' assignor: aligned across frame topics, even in cameras, sticky."""

import pytest

from core.frame_assignor import Member, decode_owned, encode_owned, plan

BUCKETS = ("bk.frames.b7", "bk.frames.b8", "bk.frames.b9")
ONE = ("bk.frames",)


def _members(*owned: set[int], topics: tuple[str, ...] = BUCKETS) -> dict[str, Member]:
    return {f"m{i}": Member(frozenset(topics), frozenset(o)) for i, o in enumerate(owned)}


def _numbers(assignment: dict[str, list[int]]) -> set[int]:
    return {p for ps in assignment.values() for p in ps}


@pytest.mark.parametrize(("partitions", "members"), [(6, 2), (6, 3), (6, 4), (5, 2), (3, 2), (6, 1), (2, 3)])
def test_every_partition_once_and_one_owner_per_number_across_topics(partitions: int, members: int) -> None:
    layout = {t: range(partitions) for t in BUCKETS}
    out = plan(layout, _members(*[set() for _ in range(members)]))
    for topic in BUCKETS:
        got = sorted(p for a in out.values() for p in a.get(topic, []))
        assert got == list(range(partitions)), topic
    for m, assignment in out.items():  # the same numbers in every topic
        assert all(sorted(assignment[t]) == sorted(assignment[BUCKETS[0]]) for t in assignment), (m, assignment)
    owners = [m for p in range(partitions) for m, a in out.items() if p in _numbers(a)]
    assert len(owners) == partitions  # no number split between members
    sizes = sorted(len(_numbers(a)) for a in out.values())
    assert sizes[-1] - sizes[0] <= 1, sizes


def test_numbers_are_dealt_as_p_mod_m_so_cameras_placed_i_mod_p_spread_evenly() -> None:
    out = plan({"bk.frames": range(6)}, _members(set(), set(), topics=ONE))
    assert sorted(sorted(a["bk.frames"]) for a in out.values()) == [[0, 2, 4], [1, 3, 5]]


def test_a_member_keeps_the_numbers_it_owned() -> None:
    """The member sorting first by id owned the odd numbers: it keeps them (round-robin by id
    would hand them over and reset every camera's rule state)."""
    out = plan({t: range(6) for t in BUCKETS}, _members({1, 3, 5}, {0, 2, 4}))
    assert _numbers(out["m0"]) == {1, 3, 5} and _numbers(out["m1"]) == {0, 2, 4}


def test_a_member_back_from_a_short_absence_gets_its_numbers_back() -> None:
    """A detector re-creates its consumer for each new frame bucket: while it is away the other
    member covers every number, then the returning one takes its own back."""
    covering, returning = Member(frozenset(ONE), frozenset(range(6))), Member(frozenset(ONE), frozenset({0, 2, 4}))
    members = {"a": covering, "b": returning}
    out = plan({"bk.frames": range(6)}, members)
    assert sorted(out["b"]["bk.frames"]) == [0, 2, 4] and sorted(out["a"]["bk.frames"]) == [1, 3, 5]


def test_a_joining_member_takes_a_slot_the_others_give_up_least_of() -> None:
    out = plan({"bk.frames": range(6)}, _members({0, 1, 2, 3, 4, 5}, set(), topics=ONE))
    assert sorted(out["m0"]["bk.frames"]) == [0, 2, 4] and sorted(out["m1"]["bk.frames"]) == [1, 3, 5]
    three = plan({"bk.frames": range(6)}, _members({0, 2, 4}, {1, 3, 5}, set(), topics=ONE))
    kept = [len(set(three[m]["bk.frames"]) & old) for m, old in (("m0", {0, 2, 4}), ("m1", {1, 3, 5}))]
    assert kept == [1, 1] and len(three["m2"]["bk.frames"]) == 2


def test_a_topic_only_some_members_subscribe_to_still_gets_every_partition() -> None:
    members = {
        "m0": Member(frozenset(BUCKETS[:2]), frozenset({0, 2, 4})),  # not yet on the newest bucket
        "m1": Member(frozenset(BUCKETS), frozenset({1, 3, 5})),
    }
    out = plan({t: range(6) for t in BUCKETS}, members)
    assert sorted(out["m0"][BUCKETS[0]]) == [0, 2, 4] and sorted(out["m1"][BUCKETS[0]]) == [1, 3, 5]
    assert BUCKETS[2] not in out["m0"] and sorted(out["m1"][BUCKETS[2]]) == list(range(6))


def test_no_members_or_no_partitions() -> None:
    assert plan({"bk.frames": range(6)}, {}) == {}
    assert plan({}, _members(set())) == {"m0": {}}


def test_owned_numbers_round_trip_and_garbage_counts_as_none() -> None:
    assert decode_owned(encode_owned({5, 0, 3})) == {0, 3, 5}
    assert decode_owned(b"") == frozenset() and decode_owned(None) == frozenset()
    assert decode_owned(b"\xff\xfe") == frozenset() and decode_owned(b"1,x") == frozenset()
