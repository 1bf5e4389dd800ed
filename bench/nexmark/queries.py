"""Nexmark queries q0–q5, q7, q8 and q11 on weir's DataStream API.

Each ``qN(events)`` takes the stream of all events (with event timestamps and watermarks) and
returns the query's result stream. Window sizes are scaled to the generator's event rate
(``WINDOW_MS`` / ``SLIDE_MS``).
"""

from __future__ import annotations

from typing import Any

from nexmark.generator import Auction, Bid, NexmarkConfig, Person, generate_range
from weir.common import Duration, Time, WatermarkStrategy
from weir.connectors.collection import GeneratorSource
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import (
    AggregateFunction,
    KeyedCoProcessFunction,
    KeyedProcessFunction,
    ProcessWindowFunction,
)
from weir.datastream.state import ListStateDescriptor, ValueStateDescriptor
from weir.datastream.window import (
    EventTimeSessionWindows,
    SlidingEventTimeWindows,
    TumblingEventTimeWindows,
)

WINDOW_MS = 10_000
SLIDE_MS = 2_000
SESSION_GAP_MS = 10_000


def event_stream(env: StreamExecutionEnvironment, config: NexmarkConfig) -> Any:
    """All events, timestamped, with watermarks trailing by the generator's out-of-orderness."""
    strategy = (WatermarkStrategy.for_bounded_out_of_orderness(
        Duration.of_millis(config.out_of_order_ms))
        .with_timestamp_assigner(lambda event, ts: event.date_time))
    source = GeneratorSource(batch_generator=lambda a, b: generate_range(config, a, b),
                             count=config.events)
    return (env.from_source(source, source_name="Nexmark Source")
            .assign_timestamps_and_watermarks(strategy))


def bids(events: Any) -> Any:
    return events.filter(lambda e: isinstance(e, Bid))


def q0(events: Any) -> Any:
    """Pass-through: every bid."""
    return bids(events).map(lambda b: b)


def q1(events: Any) -> Any:
    """Currency conversion: bid prices in euros (x 0.908)."""
    return bids(events).map(
        lambda b: (b.auction, b.bidder, b.price * 908 // 1000, b.date_time))


def q2(events: Any) -> Any:
    """Selection: bids on every 123rd auction."""
    return bids(events).filter(lambda b: b.auction % 123 == 0).map(lambda b: (b.auction, b.price))


class SellerJoin(KeyedCoProcessFunction):
    """q3: auctions of category 10 joined with their seller, a person in OR, ID or CA."""

    def open(self, runtime_context):
        self.person = runtime_context.get_state(ValueStateDescriptor("person"))
        self.auctions = runtime_context.get_list_state(ListStateDescriptor("auctions"))

    def process_element1(self, auction, ctx):
        person = self.person.value()
        if person is None:
            self.auctions.add(auction.id)
        else:
            yield person[0], person[1], person[2], auction.id

    def process_element2(self, person, ctx):
        self.person.update((person.name, person.city, person.state))
        for auction_id in self.auctions.get():
            yield person.name, person.city, person.state, auction_id
        self.auctions.clear()


def q3(events: Any) -> Any:
    auctions = events.filter(lambda e: isinstance(e, Auction) and e.category == 10)
    persons = events.filter(lambda e: isinstance(e, Person) and e.state in ("OR", "ID", "CA"))
    return (auctions.connect(persons)
            .key_by(lambda a: a.seller, lambda p: p.id)
            .process(SellerJoin()))


class WinningBid(KeyedCoProcessFunction):
    """q4, step 1: when an auction closes, its highest bid at or above the reserve wins."""

    def open(self, runtime_context):
        self.auction = runtime_context.get_state(ValueStateDescriptor("auction"))
        self.best = runtime_context.get_state(ValueStateDescriptor("best"))
        self.early = runtime_context.get_list_state(ListStateDescriptor("early-bids"))

    def _offer(self, auction, price, ts):
        if auction.date_time <= ts <= auction.expires and price >= auction.reserve:
            best = self.best.value()
            if best is None or price > best:
                self.best.update(price)

    def process_element1(self, auction, ctx):
        self.auction.update((auction.date_time, auction.expires, auction.reserve,
                             auction.category))
        a = _AuctionView(*self.auction.value())
        for price, ts in self.early.get():
            self._offer(a, price, ts)
        self.early.clear()
        ctx.timer_service().register_event_time_timer(auction.expires)

    def process_element2(self, bid, ctx):
        stored = self.auction.value()
        if stored is None:
            self.early.add((bid.price, bid.date_time))
        else:
            self._offer(_AuctionView(*stored), bid.price, bid.date_time)

    def on_timer(self, timestamp, ctx):
        stored, best = self.auction.value(), self.best.value()
        if stored is not None and best is not None:
            yield stored[3], best
        self.auction.clear()
        self.best.clear()


class _AuctionView:
    __slots__ = ("date_time", "expires", "reserve", "category")

    def __init__(self, date_time, expires, reserve, category):
        self.date_time, self.expires, self.reserve, self.category = (
            date_time, expires, reserve, category)


class RunningAverage(KeyedProcessFunction):
    def open(self, runtime_context):
        self.sum_count = runtime_context.get_state(ValueStateDescriptor("sum-count"))

    def process_element(self, value, ctx):
        total, count = self.sum_count.value() or (0, 0)
        total, count = total + value[1], count + 1
        self.sum_count.update((total, count))
        yield value[0], total / count


def q4(events: Any) -> Any:
    """Average winning price per category, updated as auctions close."""
    auctions = events.filter(lambda e: isinstance(e, Auction))
    return (auctions.connect(bids(events))
            .key_by(lambda a: a.id, lambda b: b.auction)
            .process(WinningBid())
            .key_by(lambda w: w[0])
            .process(RunningAverage()))


class CountBids(AggregateFunction):
    def create_accumulator(self):
        return 0

    def add(self, value, accumulator):
        return accumulator + 1

    def get_result(self, accumulator):
        return accumulator

    def merge(self, a, b):
        return a + b


class WithWindowEnd(ProcessWindowFunction):
    def process(self, key, context, elements):
        for count in elements:
            yield context.window().end, key, count


class HottestPerWindow(ProcessWindowFunction):
    def process(self, key, context, elements):
        rows = list(elements)
        top = max(count for _, _, count in rows)
        for window_end, auction, count in rows:
            if count == top:
                yield window_end, auction, count


def q5(events: Any) -> Any:
    """Hot items: the auctions with the most bids in each sliding window."""
    counts = (bids(events).key_by(lambda b: b.auction)
              .window(SlidingEventTimeWindows.of(Time.milliseconds(WINDOW_MS),
                                                 Time.milliseconds(SLIDE_MS)))
              .aggregate(CountBids(), WithWindowEnd()))
    return (counts.key_by(lambda c: c[0])
            .window(TumblingEventTimeWindows.of(Time.milliseconds(SLIDE_MS)))
            .process(HottestPerWindow()))


class HighestBids(ProcessWindowFunction):
    def process(self, context, elements):
        rows = list(elements)
        top = max(b.price for b in rows)
        for b in rows:
            if b.price == top:
                yield b.auction, b.price, b.bidder, context.window().end


def q7(events: Any) -> Any:
    """Highest bid(s) of each tumbling window."""
    return (bids(events)
            .window_all(TumblingEventTimeWindows.of(Time.milliseconds(WINDOW_MS)))
            .process(HighestBids()))


class NewSellers(ProcessWindowFunction):
    def process(self, key, context, elements):
        rows = list(elements)
        names = [e.name for e in rows if isinstance(e, Person)]
        if names and any(isinstance(e, Auction) for e in rows):
            yield key, names[0], context.window().start


def q8(events: Any) -> Any:
    """New users who opened an auction in the same tumbling window they registered in."""
    people_and_auctions = events.filter(lambda e: isinstance(e, Person | Auction))
    return (people_and_auctions
            .key_by(lambda e: e.id if isinstance(e, Person) else e.seller)
            .window(TumblingEventTimeWindows.of(Time.milliseconds(WINDOW_MS)))
            .process(NewSellers()))


class SessionCount(ProcessWindowFunction):
    def process(self, key, context, elements):
        window = context.window()
        yield key, sum(1 for _ in elements), window.start, window.end


def q11(events: Any) -> Any:
    """User sessions: bids per bidder per session (gap ``SESSION_GAP_MS``)."""
    return (bids(events).key_by(lambda b: b.bidder)
            .window(EventTimeSessionWindows.with_gap(Time.milliseconds(SESSION_GAP_MS)))
            .process(SessionCount()))


QUERIES = {"q0": q0, "q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q7": q7, "q8": q8,
           "q11": q11}
