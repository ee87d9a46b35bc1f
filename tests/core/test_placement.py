"""Cameras on frame partitions: even for small N, stable while the site is unchanged."""

from collections import Counter

import pytest

from core.placement import FramePlacement, hashed_partition, slots_of, with_slots
from core.site import Site

ALL_DAY = {d: ["00:00-23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _site(*schools: list[str], disabled: frozenset[str] = frozenset()) -> Site:
    return Site.model_validate({"schools": [{
        "id": f"school-{i}", "name": f"S{i}", "kitchens": [{"id": "k", "name": "K"}],
        "schedule": {"working_hours": ALL_DAY},
        "cameras": [{"id": c, "name": c, "kitchen": "k", "url": f"synthetic://kitchen?seed={n}",
                     "enabled": c not in disabled} for n, c in enumerate(cams)],
    } for i, cams in enumerate(schools)]})


def _cams(n: int, prefix: str = "cam") -> list[str]:
    return [f"{prefix}-{i:03d}" for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 4, 5, 6, 7, 8, 12, 13, 100])
@pytest.mark.parametrize("partitions", [1, 3, 6, 8])
def test_partition_loads_differ_by_at_most_one_camera(n: int, partitions: int) -> None:
    placement = FramePlacement.of(_site(_cams(n)), partitions)
    loads = Counter(placement.partition(c) for c in _cams(n))
    counts = [loads.get(p, 0) for p in range(partitions)]
    assert max(counts) - min(counts) <= 1, counts
    assert set(loads) <= set(range(partitions))


@pytest.mark.parametrize(("n", "members"), [(4, 2), (8, 2), (7, 2), (8, 3), (9, 3), (13, 6), (40, 2)])
def test_members_owning_every_mth_partition_get_a_fair_share(n: int, members: int) -> None:
    """The detectors' assignor deals partition p to member slot p mod M (M divides 6)."""
    placement = FramePlacement.of(_site(_cams(n)), 6)
    per_member = Counter(placement.partition(c) % members for c in _cams(n))
    counts = [per_member.get(m, 0) for m in range(members)]
    assert max(counts) - min(counts) <= 1, counts


def test_the_issue_case_two_members_eight_cameras() -> None:
    """Kafka's hash put 7 of cam-000…cam-007 on the odd partitions; placement puts 4 and 4."""
    cams = _cams(8)
    assert sum(hashed_partition(c, 6) % 2 for c in cams) == 7
    placement = FramePlacement.of(_site(cams), 6)
    assert sum(placement.partition(c) % 2 for c in cams) == 4


def test_placement_follows_site_order_across_schools_and_skips_disabled_cameras() -> None:
    site = _site(["a1", "a2"], ["b1", "off", "b2"], disabled=frozenset({"off"}))
    placement = FramePlacement.of(site, 6)
    assert dict(placement.placed) == {"a1": 0, "a2": 1, "b1": 2, "b2": 3}


def test_stable_while_the_site_is_unchanged_and_when_cameras_are_appended() -> None:
    site = _site(_cams(9))
    first = FramePlacement.of(site, 6)
    again = FramePlacement.of(Site.decode(site.encode()), 6)  # the same site, as another role reads it
    assert again.placed == first.placed
    grown = FramePlacement.of(_site([*_cams(9), "cam-new-1", "cam-new-2"]), 6)
    assert all(grown.partition(c) == first.partition(c) for c in _cams(9))


def test_a_site_edit_moves_no_camera_it_does_not_touch() -> None:
    """Slots are given on apply against the stored site: inserting a camera at the front, removing
    one, disabling one moves none of the others (their detector state and incidents stay put)."""
    stored = with_slots(_site(_cams(6, "a"), _cams(6, "b")), None)
    before = FramePlacement.of(stored, 6)
    assert dict(before.placed) == dict(FramePlacement.of(_site(_cams(6, "a"), _cams(6, "b")), 6).placed)
    edited = _site(["a-new", *_cams(6, "a")[1:]], _cams(6, "b"), disabled=frozenset({"b-002"}))
    applied = with_slots(edited, stored)
    after = FramePlacement.of(Site.decode(applied.encode()), 6)  # as ingest and detect read it
    kept = [c for c in [*_cams(6, "a"), *_cams(6, "b")] if c not in ("a-000", "b-002")]
    assert all(after.partition(c) == before.partition(c) for c in kept)
    assert after.partition("a-new") == before.partition("a-000")  # the freed slot is reused
    assert "b-002" not in after.placed
    again = with_slots(edited, applied)  # applying the same edit twice changes nothing
    assert slots_of(again) == slots_of(applied)


def _slotted(cams: list[str], slots: list[int | None]) -> Site:
    school = _site(cams).schools[0].model_dump()
    school["cameras"] = [{**c, "slot": slot} for c, slot in zip(school["cameras"], slots, strict=True)]
    return Site.model_validate({"schools": [school]})


def test_given_slots_are_kept_and_must_be_unique() -> None:
    assert slots_of(_slotted(["x", "y", "z"], [7, None, 0])) == {"x": 7, "y": 1, "z": 0}
    with pytest.raises(ValueError, match=r"slot\(s\) \[3\] are used twice"):
        _slotted(["x", "y", "z"], [3, 3, None])


def test_a_camera_the_site_does_not_list_goes_where_kafka_would_hash_it() -> None:
    placement = FramePlacement.of(_site(_cams(3)), 6)
    assert placement.partition("nvr-bridge-7") == hashed_partition("nvr-bridge-7", 6)
    assert FramePlacement.of(None, 6).partition("cam-000") == hashed_partition("cam-000", 6)


def test_candidates_start_with_the_placement_then_the_hash_then_the_rest() -> None:
    placement = FramePlacement.of(_site(_cams(8)), 6)
    cam = "cam-007"  # placed on 1, hashed to 3
    assert (placement.partition(cam), hashed_partition(cam, 6)) == (1, 3)
    assert placement.candidates(cam, {0, 1, 2, 3, 4, 5}) == [1, 3, 0, 2, 4, 5]
    assert placement.candidates(cam, {0, 2}) == [0, 2]  # a topic with fewer partitions


def test_at_least_one_partition() -> None:
    with pytest.raises(ValueError, match="at least 1 partition"):
        FramePlacement(0)
