"""The Nexmark event generator (Person / Auction / Bid, 1:3:46 by default), deterministic for a
seed, with event-time timestamps and a bounded out-of-order delay.

Events are numbered; number ``n`` decides the kind (within every block of
``person_proportion + auction_proportion + bid_proportion`` events, the first are persons, then
auctions, then bids), its id and its timestamp ``base_time + n * inter_event_delay`` (plus up to
``out_of_order_ms`` of delay, so watermarks must allow that much out-of-orderness). Bids go to
recent auctions and come from recent persons, hot auctions and bidders more often, as in the
reference generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, NamedTuple

US_STATES = ["AZ", "CA", "ID", "OR", "WA", "WY"]
US_CITIES = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond",
             "Seattle", "Kent", "Cheyenne"]
FIRST_NAMES = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah",
               "Deiter", "Walter"]
LAST_NAMES = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones",
              "Noris"]
CHANNELS = ["Google", "Facebook", "Baidu", "Apple"]


class Person(NamedTuple):
    id: int
    name: str
    email_address: str
    credit_card: str
    city: str
    state: str
    date_time: int
    extra: str


class Auction(NamedTuple):
    id: int
    item_name: str
    description: str
    initial_bid: int
    reserve: int
    date_time: int
    expires: int
    seller: int
    category: int
    extra: str


class Bid(NamedTuple):
    auction: int
    bidder: int
    price: int
    channel: str
    url: str
    date_time: int
    extra: str


@dataclass(frozen=True)
class NexmarkConfig:
    events: int = 100_000
    seed: int = 42
    base_time: int = 1_600_000_000_000
    #: Event time between consecutive events (ms); 0.1 = 10,000 events per second of event time.
    inter_event_delay_ms: float = 0.1
    person_proportion: int = 1
    auction_proportion: int = 3
    bid_proportion: int = 46
    first_person_id: int = 1000
    first_auction_id: int = 1000
    first_category_id: int = 10
    num_categories: int = 5
    active_people: int = 1000
    in_flight_auctions: int = 100
    hot_auction_ratio: int = 2
    hot_bidder_ratio: int = 4
    auction_duration_ms: int = 10_000
    out_of_order_ms: int = 50

    @property
    def total_proportion(self) -> int:
        return self.person_proportion + self.auction_proportion + self.bid_proportion


def _kind(config: NexmarkConfig, n: int) -> tuple[str, int, int]:
    """(kind, index of this kind of event among all events so far, block number)."""
    block, offset = divmod(n, config.total_proportion)
    if offset < config.person_proportion:
        return "person", block * config.person_proportion + offset, block
    offset -= config.person_proportion
    if offset < config.auction_proportion:
        return "auction", block * config.auction_proportion + offset, block
    return "bid", n - (block + 1) * (config.person_proportion + config.auction_proportion), block


def event_time(config: NexmarkConfig, n: int, rng: random.Random) -> int:
    on_time = config.base_time + int(n * config.inter_event_delay_ms)
    return on_time - (rng.randrange(config.out_of_order_ms + 1) if config.out_of_order_ms else 0)


BLOCK = 256


def generate(config: NexmarkConfig, n: int) -> Any:
    """Event number ``n`` (a Person, an Auction or a Bid); the same for the same config."""
    return generate_range(config, n, n + 1)[0]


def generate_range(config: NexmarkConfig, start: int, end: int) -> list[Any]:
    """Events ``start`` to ``end - 1``. Random draws come from one generator per block of
    ``BLOCK`` events, seeded by the block number, so any range gives the same events."""
    out: list[Any] = []
    first_block, last_block = start // BLOCK, (end - 1) // BLOCK
    for block_number in range(first_block, last_block + 1):
        rng = random.Random(config.seed * 1_000_003 + block_number)
        lo = block_number * BLOCK
        events = [_event(config, n, rng) for n in range(lo, lo + BLOCK)]
        out.extend(events[max(start, lo) - lo : min(end, lo + BLOCK) - lo])
    return out


def _event(config: NexmarkConfig, n: int, rng: random.Random) -> Any:
    kind, index, block = _kind(config, n)
    ts = event_time(config, n, rng)
    last_person = config.first_person_id + block * config.person_proportion
    if kind == "person":
        pid = config.first_person_id + index
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        return Person(pid, name, f"{name.replace(' ', '.').lower()}@example.com",
                      f"{rng.randrange(10**15, 10**16)}", rng.choice(US_CITIES),
                      rng.choice(US_STATES), ts, "")
    if kind == "auction":
        aid = config.first_auction_id + index
        seller = (last_person if rng.randrange(config.hot_auction_ratio * 2) == 0
                  else max(config.first_person_id,
                           last_person - rng.randrange(config.active_people)))
        initial = rng.randrange(1, 1000)
        return Auction(aid, f"item-{aid}", "", initial, initial + rng.randrange(1, 1000), ts,
                       ts + config.auction_duration_ms, seller,
                       config.first_category_id + rng.randrange(config.num_categories), "")
    last_auction = config.first_auction_id + (block + 1) * config.auction_proportion - 1
    if rng.randrange(config.hot_auction_ratio) == 0:
        auction = last_auction - last_auction % config.hot_auction_ratio
    else:
        auction = max(config.first_auction_id,
                      last_auction - rng.randrange(config.in_flight_auctions))
    if rng.randrange(config.hot_bidder_ratio) == 0:
        bidder = last_person - last_person % config.hot_bidder_ratio + 1
    else:
        bidder = max(config.first_person_id, last_person - rng.randrange(config.active_people))
    return Bid(max(auction, config.first_auction_id), max(bidder, config.first_person_id),
               rng.randrange(100, 100_000), rng.choice(CHANNELS),
               f"https://nexmark.example/{rng.randrange(10**6)}", ts, "")


def all_events(config: NexmarkConfig) -> list[Any]:
    return generate_range(config, 0, config.events)
