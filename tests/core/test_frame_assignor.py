"""The detectors' assignor: aligned across frame topics, even in cameras, sticky."""

import itertools
import random

import pytest
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

from core.frame_assignor import (
    FrameAssignor,
    Member,
    Plan,
    Weights,
    agreed_weights,
    decode_metadata,
    encode_owned,
    plan,
)
from core.site import Site

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
    assert decode_metadata(encode_owned({5, 0, 3})) == (frozenset({0, 3, 5}), None)
    assert decode_metadata(b"") == (frozenset(), None) and decode_metadata(None) == (frozenset(), None)
    assert decode_metadata(b"\xff\xfe") == (frozenset(), None) and decode_metadata(b"1,x") == (frozenset(), None)


# Weighted by cameras: ingest places camera i on partition i mod P (core.placement).
EIGHT_ON_SIX = Weights(1, (2, 2, 1, 1, 1, 1))


def _weighted(
    *owned: set[int], weights: Weights | None = EIGHT_ON_SIX, topics: tuple[str, ...] = BUCKETS
) -> dict[str, Member]:
    return {f"m{i}": Member(frozenset(topics), frozenset(o), weights) for i, o in enumerate(owned)}


def _cameras(out: Plan, weights: Weights = EIGHT_ON_SIX) -> list[int]:
    return [sum(weights.cameras[p] for p in _numbers(out[m])) for m in sorted(out)]


def test_weights_count_the_cameras_the_placement_puts_on_each_partition() -> None:
    cams: list[dict[str, object]] = [
        {"id": f"cam-{i}", "name": f"c{i}", "kitchen": "k", "url": "synthetic://kitchen"} for i in range(8)
    ]
    cams[7]["enabled"] = False
    school = {"id": "s", "name": "S", "kitchens": [{"id": "k", "name": "K"}], "cameras": cams}
    site = Site.model_validate({"version": 4, "schools": [school]})
    assert Weights.of(site, 6) == Weights(4, (2, 1, 1, 1, 1, 1))


@pytest.mark.parametrize("members", [4, 3, 2])
def test_eight_cameras_on_six_partitions_are_even_in_cameras(members: int) -> None:
    """p mod M deals 3/3/1/1 cameras to four members; by weight each gets two."""
    out = plan({t: range(6) for t in BUCKETS}, _weighted(*[set() for _ in range(members)]))
    assert sorted(_cameras(out)) == {4: [2, 2, 2, 2], 3: [2, 3, 3], 2: [4, 4]}[members]
    for assignment in out.values():  # still aligned: the same numbers in every topic
        assert len({tuple(sorted(ps)) for ps in assignment.values()}) == 1
    unweighted = plan({t: range(6) for t in BUCKETS}, _members(*[set() for _ in range(4)]))
    assert members != 4 or sorted(_cameras(unweighted)) == [1, 1, 3, 3]


def test_weighted_members_keep_a_balanced_split_they_already_own() -> None:
    """{2,3} and {4,5} are as even as the greedy {2,4} and {3,5}: nobody moves."""
    owned = [{1}, {0}, {4, 5}, {2, 3}]
    out = plan({t: range(6) for t in BUCKETS}, _weighted(*owned))
    assert [_numbers(out[f"m{i}"]) for i in range(4)] == owned


def test_weighted_members_keep_what_they_can_when_the_old_split_is_uneven() -> None:
    """Owned as p mod 4 (3/3/1/1 cameras): the lightly loaded keep theirs, the others keep their heaviest."""
    owned = [{0, 4}, {1, 5}, {2}, {3}]
    out = plan({t: range(6) for t in BUCKETS}, _weighted(*owned))
    assert _cameras(out) == [2, 2, 2, 2]
    assert all(old & _numbers(out[f"m{i}"]) for i, old in enumerate(owned))
    assert {0, 1, 2, 3} <= set().union(*(old & _numbers(out[f"m{i}"]) for i, old in enumerate(owned)))


def test_weighted_member_back_from_a_short_absence_gets_its_numbers_back() -> None:
    covering = Member(frozenset(ONE), frozenset(range(6)), EIGHT_ON_SIX)
    returning = Member(frozenset(ONE), frozenset({1, 3, 5}), EIGHT_ON_SIX)
    out = plan({"bk.frames": range(6)}, {"a": covering, "b": returning})
    assert sorted(out["b"]["bk.frames"]) == [1, 3, 5] and sorted(out["a"]["bk.frames"]) == [0, 2, 4]


def test_more_members_than_partitions_gives_each_partition_its_own_member() -> None:
    out = plan({t: range(6) for t in BUCKETS}, _weighted(*[set() for _ in range(8)]))
    assert sorted(len(_numbers(a)) for a in out.values()) == [0, 0, 1, 1, 1, 1, 1, 1]
    assert sorted(_cameras(out)) == [0, 0, 1, 1, 1, 1, 2, 2]
    unweighted = plan({t: range(6) for t in BUCKETS}, _members(*[set() for _ in range(8)]))
    assert sorted(len(_numbers(a)) for a in unweighted.values()) == [0, 0, 1, 1, 1, 1, 1, 1]


def test_partitions_without_cameras_are_still_spread() -> None:
    two_cams = Weights(1, (1, 1, 0, 0, 0, 0))
    out = plan({"bk.frames": range(6)}, _weighted(set(), set(), weights=two_cams, topics=ONE))
    assert _cameras(out, two_cams) == [1, 1] and [len(out[m]["bk.frames"]) for m in sorted(out)] == [3, 3]


@pytest.mark.parametrize("weights", [None, Weights(1, (0, 0, 0, 0, 0, 0)), Weights(1, ())])
def test_unknown_weights_deal_as_today(weights: Weights | None) -> None:
    cases: list[list[set[int]]] = [[set()] * 4, [{1, 3, 5}, {0, 2, 4}], [set(range(6)), {0, 2, 4}]]
    for owned in cases:
        layout = {t: range(6) for t in BUCKETS}
        assert plan(layout, _weighted(*owned, weights=weights)) == plan(layout, _members(*owned))


def test_the_newest_site_wins_whoever_leads() -> None:
    old, new = Weights(1, (1, 1, 1, 1, 1, 1)), Weights(2, (2, 2, 1, 1, 1, 1))
    members = {"m0": Member(frozenset(ONE), weights=old), "m1": Member(frozenset(ONE), weights=new)}
    members |= {"m2": Member(frozenset(ONE)), "m3": Member(frozenset(ONE), weights=old)}
    assert agreed_weights(members) == new
    assert _cameras(plan({"bk.frames": range(6)}, members)) == [2, 2, 2, 2]
    assert agreed_weights(dict(reversed(members.items()))) == new
    assert agreed_weights({"m": Member(frozenset(ONE))}) is None


def test_metadata_with_weights_round_trips_and_the_old_format_still_decodes() -> None:
    assert encode_owned({3, 0}) == b"0,3"  # no weights: the old format, for older leaders
    assert decode_metadata(encode_owned({5, 0, 3}, EIGHT_ON_SIX)) == (frozenset({0, 3, 5}), EIGHT_ON_SIX)
    assert decode_metadata(b"0,3,5") == (frozenset({0, 3, 5}), None)
    assert decode_metadata(b'{"v":1,"owned":[1]}') == (frozenset({1}), None)
    for garbage in (b'{"owned":[-1]}', b'{"owned":"1"}', b"{nope", b'{"v":1}', b'{"owned":[1],"cameras":[1.5]}'):
        assert decode_metadata(garbage) == (frozenset(), None), garbage


def test_the_assignor_sends_its_weights_and_remembers_what_it_owns() -> None:
    assignor = FrameAssignor()
    assert assignor.metadata(["bk.frames"]).user_data == b""
    assignor.weights = EIGHT_ON_SIX
    assignor.on_assignment(ConsumerProtocolMemberAssignment(0, [("bk.frames", [2, 4])], b""))
    assert decode_metadata(assignor.metadata(["bk.frames"]).user_data) == (frozenset({2, 4}), EIGHT_ON_SIX)


def _best(weights: tuple[int, ...], members: int) -> int:
    """The smallest possible heaviest load (brute force over every split)."""
    return min(
        max(sum(w for w, m in zip(weights, split, strict=True) if m == k) for k in range(members))
        for split in itertools.product(range(members), repeat=len(weights))
    )


@pytest.mark.parametrize("seed", range(40))
def test_weighted_plans_are_whole_aligned_even_and_independent_of_member_order(seed: int) -> None:
    rng = random.Random(seed)
    partitions, count = rng.randint(1, 7), rng.randint(1, 5)
    cameras = rng.randint(1, 30) if seed % 2 else rng.randint(partitions, 3 * partitions)
    placed = tuple(sum(1 for i in range(cameras) if i % partitions == p) for p in range(partitions))
    arbitrary = tuple(rng.randint(0, 9) for _ in range(partitions))
    for weights in (Weights(1, placed), Weights(1, arbitrary)):
        owned = [set(rng.sample(range(partitions), rng.randint(0, partitions))) for _ in range(count)]
        members = _weighted(*owned, weights=weights)
        out = plan({t: range(partitions) for t in BUCKETS}, members)
        assert out == plan({t: range(partitions) for t in BUCKETS}, dict(reversed(members.items())))
        assert sorted(p for a in out.values() for p in _numbers(a)) == list(range(partitions))
        heaviest, best = max(_cameras(out, weights)), _best(weights.cameras, count)
        # The placement's loads differ by at most one camera: the greedy deal is the best split.
        # Any weights: greedy heaviest-first is within 4/3 of the best.
        assert heaviest == best if weights.cameras == placed else 3 * heaviest <= 4 * best, (weights, owned, out)
