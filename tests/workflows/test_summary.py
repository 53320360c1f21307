"""A batch summary reads the same for the same counts, whatever order the rows came in."""

from __future__ import annotations

from clearance.workflows.summary import Summary


def test_counts_are_listed_most_first_then_by_name() -> None:
    first, second = Summary(), Summary()
    labels = ["us-csl/EL", "un-sc", "ofac-sdn", "un-sc", "ofac-sdn", "ofac-sdn"]
    for label in labels:
        first.by_list[label] += 1
    for label in reversed(labels):
        second.by_list[label] += 1
    assert list(first.to_dict()["by_list"].items()) == [
        ("ofac-sdn", 3),
        ("un-sc", 2),
        ("us-csl/EL", 1),
    ]
    assert list(first.to_dict()["by_list"]) == list(second.to_dict()["by_list"])
    assert Summary.from_dict(first.to_dict()).by_list == first.by_list
