"""Random sequences of box-office work, single commands and batches, refused ones
included: after every step each performance's seats sold equal its valid and
admitted tickets (in the aggregates and in the read models) and no ticket exists that
no successful command issued; after each example's last step, the read models equal a
rebuild from zero.

Refused work is drawn on purpose: sold out, bad input (a payment nobody takes, a
price level the performance does not have), a door volunteer trying to sell, a
refund of what was already refunded, an exchange to a full night. In a batch, each
refused command must leave nothing of itself behind (``Store.command``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from domain.application import Houselights
from domain.errors import HouselightsError, InvalidInput, NotAllowed, ValidationError
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import all_projections, box_office
from projections.runner import ReadModelRunner
from tests.crash.test_killed_mid_work import table_rows

START = datetime(2030, 3, 1, 19, 30, tzinfo=UTC)
PRICES = {"Adult": 3000, "Student": 1500}
HELD = ("valid", "admitted")
#: what a refused command raises (each a clear message for the volunteer)
REFUSED = (HouselightsError, InvalidInput, ValidationError)

#: per store: few enough examples that PostgreSQL stays well under a minute, enough
#: steps to mix batches, refusals and the door
EXAMPLES = {"sqlite": 40, "postgresql": 16}
STEPS = 12


class World:
    """One store for every example (each example its own performances and patrons):
    the staff accounts are made, and signed in, once (a password check is slow on
    purpose). ``door`` is a second workstation signed in as a door volunteer."""

    def __init__(self, config, folder) -> None:
        self.folder = folder
        self.services = bootstrap(config, staff="maria", workstation="box-office-1")
        app = self.services.app
        app.add_staff("Maria", "manager", password="manager-pass")
        app.sign_in("Maria", password="manager-pass")
        app.add_staff("Dee", "door", pin="4321")
        self.door = Houselights(env=config.eventsourcing_env())
        self.door.sign_in("Dee", pin="4321")
        #: every ticket code a successful command issued, in any example
        self.codes: set[str] = set()
        self.checks = 0

    def close(self) -> None:
        self.door.close()
        self.services.close()


def machine_for(world: World):
    """The state machine: each example sells for three new performances."""

    class BoxOffice(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.services, self.app = world.services, world.services.app
            app = self.app
            production = app.create_production("Tosca")
            self.nights = [
                app.schedule_performance(production, START + timedelta(days=i), capacity, PRICES)
                for i, capacity in enumerate((2, 3, 5))
            ]
            self.patrons = [app.register_patron(name, "Tester") for name in ("Ada", "Grace")]
            self.orders: list[str] = []
            self.subscriptions: list[str] = []
            #: every ticket code a successful command of this example issued
            self.codes: set[str] = set()

        # -- the work -------------------------------------------------------------
        def _sell(
            self, night: int, adults: int, students: int, patron: int | None, payment: str
        ) -> None:
            quantities = {k: v for k, v in (("Adult", adults), ("Student", students)) if v}
            patron_id = self.patrons[patron] if patron is not None else None
            sale = self.app.sell_tickets(
                self.nights[night], quantities or {"Adult": 1}, patron_id=patron_id, payment=payment
            )
            self.orders.append(sale.order_id)
            self.issued(sale.codes)

        def _subscribe(self, patron: int, nights: list[int]) -> None:
            sold = self.app.sell_subscription(
                self.patrons[patron], "Season", [self.nights[n] for n in nights], 6000
            )
            self.subscriptions.append(sold.id)
            self.issued(sold.codes)

        def _refund(self, which: int) -> None:
            self.app.refund_order(self.orders[which % len(self.orders)])

        def _exchange(self, which: int, night: int) -> None:
            code = sorted(self.codes)[which % len(self.codes)]
            changed = self.app.exchange_tickets([code], self.nights[night])
            self.issued(changed.codes)

        def _membership(self, patron: int) -> None:
            self.app.start_membership(
                self.patrons[patron], "Friend", "2030-01-01", "2030-12-31", 4000
            )

        def issued(self, codes: list[str]) -> None:
            self.codes.update(codes)
            world.codes.update(codes)

        def attempt(self, work, *args) -> bool:
            """Run one command; a refusal is expected (and must leave nothing)."""
            try:
                work(*args)
            except REFUSED:
                return False
            return True

        sales = st.tuples(
            st.integers(0, 2),
            st.integers(0, 3),
            st.integers(0, 2),
            st.one_of(st.none(), st.integers(0, 1)),
            st.sampled_from(["card", "cash", "IOU"]),
        )

        @rule(sale=sales)
        def sell(self, sale):
            self.attempt(self._sell, *sale)

        @rule(night=st.integers(0, 2))
        def sell_a_price_level_the_night_has_not(self, night):
            with pytest.raises(REFUSED):
                self.app.sell_tickets(self.nights[night], {"Balcony": 1})

        @rule(
            patron=st.integers(0, 1),
            nights=st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True),
        )
        def subscribe(self, patron, nights):
            self.attempt(self._subscribe, patron, nights)

        @rule(patron=st.integers(0, 1))
        def become_a_member(self, patron):
            self.attempt(self._membership, patron)

        @precondition(lambda self: self.orders)
        @rule(which=st.integers(0, 50))
        def refund(self, which):
            self.attempt(self._refund, which)

        @precondition(lambda self: self.subscriptions)
        @rule(which=st.integers(0, 50))
        def refund_a_subscription(self, which):
            self.attempt(
                self.app.refund_subscription, self.subscriptions[which % len(self.subscriptions)]
            )

        @precondition(lambda self: self.codes)
        @rule(which=st.integers(0, 50), night=st.integers(0, 2))
        def exchange(self, which, night):
            self.attempt(self._exchange, which, night)

        @precondition(lambda self: self.codes)
        @rule(which=st.integers(0, 50))
        def admit(self, which):
            code = sorted(self.codes)[which % len(self.codes)]
            ticket = self.app.get_ticket(code)
            self.app.scan(code, ticket.performance_id, "North door")

        @rule(night=st.integers(0, 2))
        def a_door_volunteer_may_not_sell(self, night):
            with pytest.raises(NotAllowed):
                world.door.sell_tickets(self.nights[night], {"Adult": 1})

        batch_work = st.lists(
            st.one_of(
                st.tuples(st.just("sell"), sales),
                st.tuples(
                    st.just("subscribe"), st.tuples(st.integers(0, 1), st.permutations([0, 1, 2]))
                ),
                st.tuples(st.just("refund"), st.tuples(st.integers(0, 50))),
                st.tuples(st.just("exchange"), st.tuples(st.integers(0, 50), st.integers(0, 2))),
                st.tuples(st.just("membership"), st.tuples(st.integers(0, 1))),
            ),
            min_size=3,
            max_size=8,
        )

        @rule(work=batch_work, size=st.sampled_from([1000, 1000, 2]))
        def a_batch(self, work, size):
            """Several commands in one batch (as the demo and the imports do), flushed
            every ``size`` aggregates; refused ones among them."""
            steps = {
                "sell": self._sell,
                "subscribe": self._subscribe,
                "refund": self._refund,
                "exchange": self._exchange,
                "membership": self._membership,
            }
            with self.app.batch(size=size):
                for name, args in work:
                    if name in ("refund", "exchange") and not (self.orders and self.codes):
                        continue
                    codes, orders = set(self.codes), list(self.orders)
                    if not self.attempt(steps[name], *args):
                        assert (self.codes, self.orders) == (codes, orders)

        @initialize(
            order=st.permutations([0, 1, 2]),
            patron=st.integers(0, 1),
            size=st.sampled_from([1000, 2]),
        )
        def start_like_the_demo(self, order, patron, size):
            self.a_batch_like_the_demos(order, patron, size)

        @rule(
            order=st.permutations([0, 1, 2]),
            patron=st.integers(0, 1),
            size=st.sampled_from([1000, 2]),
        )
        def a_batch_like_the_demos(self, order, patron, size):
            """What the demo does: a batch selling for every night, then subscriptions to
            all of them, which a sold-out night refuses after seats were taken on the
            others (in the batch's memory)."""
            with self.app.batch(size=size):
                for night in order:
                    self.attempt(self._sell, night, 1, 0, patron, "card")
                for _ in range(2):
                    codes = set(self.codes)
                    if not self.attempt(self._subscribe, patron, list(order)):
                        assert self.codes == codes

        # -- what must always hold ------------------------------------------------
        @invariant()
        def seats_agree(self):
            self.services.runner.catch_up()
            self.seats_sold_equal_valid_and_admitted_tickets()

        def teardown(self):
            # once per example, after its last step: a rebuild reads the whole store
            # (every example so far), so after every step it took most of the test's time
            self.services.runner.catch_up()
            self.read_models_equal_a_rebuild_from_zero()

        def seats_sold_equal_valid_and_admitted_tickets(self):
            app, runner = self.app, self.services.runner
            db = runner.db()
            held = {night: 0 for night in self.nights}
            for code in self.codes:
                ticket = app.get_ticket(code)
                if ticket.status == "valid":
                    held[ticket.performance_id] += 1
            for night in self.nights:
                performance = app.get_performance(night)
                assert performance.sold == held[night] <= performance.capacity
                assert performance.available == performance.capacity - held[night]
                read = box_office.performance(db, night)
                tickets = box_office.tickets(db, night)
                assert read["sold"] == held[night]
                assert sum(t["status"] in HELD for t in tickets) == held[night]
                assert read["admitted"] == sum(t["status"] == "admitted" for t in tickets)
                # no ticket that no successful command issued (a refused one's leftovers)
                assert {t["code"] for t in tickets} <= self.codes

        def read_models_equal_a_rebuild_from_zero(self):
            runner = self.services.runner
            world.checks += 1
            fresh = ReadModelRunner(
                self.app.recorder,
                self.app.mapper,
                world.folder / f"fresh-{world.checks}.sqlite",
                all_projections(),
            )
            try:
                fresh.catch_up()
                assert table_rows(runner.db()) == table_rows(fresh.db())
            finally:
                fresh.close()
                (world.folder / f"fresh-{world.checks}.sqlite").unlink()
            # nothing in the store that no successful command issued, in any example
            codes = {row[0] for row in runner.db().conn.execute("SELECT code FROM bo_tickets")}
            assert codes <= world.codes

    return BoxOffice


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_seats_always_agree_and_read_models_equal_a_rebuild(kind, request, tmp_path):
    if kind == "postgresql":
        config = resolve(tmp_path, store=request.getfixturevalue("postgres_db"))
    else:
        config = resolve(tmp_path, store="sqlite")
    world = World(config, tmp_path)
    try:
        run_state_machine_as_test(
            machine_for(world),
            settings=settings(
                max_examples=EXAMPLES[kind],
                stateful_step_count=STEPS,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                # a failing sequence is short enough to read as it is;
                # shrinking it replays whole stores for minutes
                phases=[Phase.explicit, Phase.generate],
            ),
        )
    finally:
        world.close()
    assert world.checks >= EXAMPLES[kind]  # the rebuild was compared, example after example
