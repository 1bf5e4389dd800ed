"""Straightforward batch computations of the Nexmark queries over a list of events, to check the
streaming versions against."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from nexmark.generator import Auction, Bid, Person
from nexmark.queries import SESSION_GAP_MS, SLIDE_MS, WINDOW_MS


def _bids(events):
    return [e for e in events if isinstance(e, Bid)]


def q0(events: list[Any]) -> Counter:
    return Counter(_bids(events))


def q1(events):
    return Counter((b.auction, b.bidder, b.price * 908 // 1000, b.date_time) for b in _bids(events))


def q2(events):
    return Counter((b.auction, b.price) for b in _bids(events) if b.auction % 123 == 0)


def q3(events):
    people = {p.id: p for p in events if isinstance(p, Person) and p.state in ("OR", "ID", "CA")}
    return Counter((people[a.seller].name, people[a.seller].city, people[a.seller].state, a.id)
                   for a in events
                   if isinstance(a, Auction) and a.category == 10 and a.seller in people)


def q4_final_averages(events) -> dict[int, float]:
    auctions = {a.id: a for a in events if isinstance(a, Auction)}
    best: dict[int, int] = {}
    for b in _bids(events):
        a = auctions.get(b.auction)
        if a and a.date_time <= b.date_time <= a.expires and b.price >= a.reserve:
            best[a.id] = max(best.get(a.id, 0), b.price)
    per_category = defaultdict(list)
    for aid, price in best.items():
        per_category[auctions[aid].category].append(price)
    return {c: sum(p) / len(p) for c, p in per_category.items()}


def q5(events):
    counts: Counter = Counter()
    for b in _bids(events):
        last = b.date_time - b.date_time % SLIDE_MS
        start = last
        while start > b.date_time - WINDOW_MS:
            counts[(start + WINDOW_MS, b.auction)] += 1
            start -= SLIDE_MS
    top: dict[int, int] = {}
    for (end, _), count in counts.items():
        top[end] = max(top.get(end, 0), count)
    return Counter((end, auction, count) for (end, auction), count in counts.items()
                   if count == top[end])


def q7(events):
    windows = defaultdict(list)
    for b in _bids(events):
        windows[b.date_time - b.date_time % WINDOW_MS + WINDOW_MS].append(b)
    out: Counter = Counter()
    for end, rows in windows.items():
        top = max(b.price for b in rows)
        out.update((b.auction, b.price, b.bidder, end) for b in rows if b.price == top)
    return out


def q8(events):
    people = defaultdict(dict)
    sellers = defaultdict(set)
    for e in events:
        start = e.date_time - e.date_time % WINDOW_MS
        if isinstance(e, Person):
            people[start].setdefault(e.id, e.name)
        elif isinstance(e, Auction):
            sellers[start].add(e.seller)
    return Counter((pid, name, start) for start, persons in people.items()
                   for pid, name in persons.items() if pid in sellers[start])


def q11(events):
    by_bidder = defaultdict(list)
    for b in _bids(events):
        by_bidder[b.bidder].append(b.date_time)
    out: Counter = Counter()
    for bidder, times in by_bidder.items():
        times.sort()
        start = end = None
        count = 0
        for t in times:
            if start is not None and t <= end:
                end = max(end, t + SESSION_GAP_MS)
                count += 1
            else:
                if start is not None:
                    out[(bidder, count, start, end)] += 1
                start, end, count = t, t + SESSION_GAP_MS, 1
        out[(bidder, count, start, end)] += 1
    return out
