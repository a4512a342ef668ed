# ruff: noqa: E501 - Japanese text counts double toward the line length
"""leader-election: replicas elect one owner with a lease in a consistent store, or Raft-style.

Two protocols, one timeline of scripted failures shown on the charts, and a
batch of `trials` independent elections for the election-time statistics.

- lease: a store with compare-and-swap and a TTL (etcd, Consul, ZooKeeper, a
  Kubernetes Lease). Every replica ticks every `renew_every_s` at its own
  phase. At a tick a replica that believes it leads renews the lease (the
  store moves the expiry to now + `lease_ttl_s`); any other replica acquires
  the lease if it is free (never taken, or past its expiry), which bumps the
  fencing token. Store calls take no time. A leader writes to the storage at
  every tick and half-way between ticks. A crashed leader stops renewing, so
  its lease runs out `lease_ttl_s` after its last renewal and the first
  replica to tick after that takes it: the leaderless gap after a crash lies in
  (ttl - every, ttl + every]. Replica 1 ticks at 0 and takes the first lease;
  the others tick at phases drawn per seed, except in `book_story`, where
  replica 3 ticks every/4 after the moment replica 1's lease expires and
  replica i > 3 (or 2) at (0.4 + 0.1 i) x every after it.
- raft: followers wait a random election timeout, uniform in
  [election_timeout_min_ms, election_timeout_max_ms] and drawn afresh whenever
  the timer is reset (a heartbeat from the leader, a vote granted); timers
  fire up to 1 ms late (uniform), as a scheduler makes them. On a timeout a
  follower becomes a candidate: it increments the term, votes for itself and
  asks every other replica; a replica grants one vote per term, to the first
  candidate that asks. A candidate with a majority of all replicas (crashed
  ones included) leads and sends heartbeats every min/2, as in Ongaro and
  Ousterhout's experiment; a candidate that times out again starts a new term.
  A message takes uniform 2-13 ms one way (mean 7.5 ms, so a broadcast and its
  replies take about 15 ms, the broadcast time of the paper's cluster); one
  sent to a crashed replica is lost. Logs are not modelled, so every replica is
  eligible. Replica 1 leads term 1 at the start. A term that ends without a
  leader is a split vote. With equal minimum and maximum, candidates that split
  stay nearly in lockstep and only the timer slack pulls them apart, slowly.

Failure plans, with times in units of the TTL for a lease and of the maximum
election timeout for Raft:
- none: nothing fails (5 units for a lease, 15 for Raft).
- book_story: Burns, Designing Distributed Systems, ch. 9. Replica 1 leads and
  crashes at 1.53 (Raft 3.1); another replica takes over (replica 3, by the
  phases above, in lease mode); replica 1 restarts 2 (Raft 7) units later and
  stays a follower.
- leader_crashes: whoever leads crashes at 1.53, 4.53 and 7.53 (Raft 3.1, 10.1,
  17.1) and restarts 2 (Raft 4) units later.
- flapping: whoever leads stalls in a stop-the-world pause of 1.3 (Raft 2)
  units, longer than the lease or the election timeout, at 1.53, 4.03 and 6.53
  (Raft 3.1, 9.1, 15.1). On waking, the write it was making lands first; then
  its overdue renewal or heartbeat tells it that it lost the lease or its term.
- random_crashes: each replica fails after exponential times (mean 4 units,
  Raft 8) and recovers after exponential times (mean 1, Raft 2), until 10
  (Raft 30); the run ends at 12 (Raft 34).
`partition` then cuts off whoever leads 0.53 (Raft 2.1) units after the plan
ends, for 2.5 (Raft 8) units, from the lease store (Raft: from the other
replicas) but not from the storage; the run goes on 1.5 (Raft 4) units more.
It keeps acting until it hears otherwise, after the partition heals: a renewal
that times out is not a refusal, and a Raft leader in a minority keeps its term
until it sees a higher one. With `fencing` every write carries the lease token
or the term and the storage rejects one lower than the highest it has seen
(Kleppmann, 2016); a new leader writes as soon as it is elected.

Results:
- leader_changes: times leadership moved to a different replica (the first
  leader not counted); leaders: the sequence of leaders; elections: leaders
  elected or leases acquired in the timeline, the first included.
- leaderless_s / max_leaderless_s: time (total, longest stretch) in which no
  running replica believed it led.
- dual_leader_s: time in which two running replicas believed they led;
  split_brain_s: the part of it in which both could act, i.e. the storage
  would accept the stale one's writes (all of it without fencing, none with).
- stale_writes_accepted, rejected_stale_writes: writes carrying a token lower
  than the newest granted, accepted or rejected by the storage.
- final_leader: the newest running leader at the end (None if none).
- election_ms_*: over independent elections, each a stable cluster whose leader
  crashes at a uniformly random moment of its renewal or heartbeat interval,
  right after renewing or sending heartbeats to all: the time from the crash
  until a new leader holds the lease or wins a term. split_votes counts the
  split terms in those elections and first_round_split_share the share whose
  first term split. An election still undecided after 60 s (or 200 maximum
  timeouts, or three lease takeover windows, if longer) counts as that long and
  as unfinished. The trials stop early once they have scheduled 100,000
  events, so `trials` in the result says how many ran.
"""

from __future__ import annotations

import bisect
import math
import random
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..engine import Chart, EventLoop, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 300
MAX_REPLICAS = 5
# One-way message delay in Raft mode, uniform on this range (ms).
DELAY_MS = (2.0, 13.0)
# Raft timers fire up to this late (uniform), as a scheduler does; without it
# candidates that split with equal timeouts stay in lockstep for ever.
TIMER_SLACK_MS = 1.0
TRIAL_CAP_S = 60.0
# The trials stop early once they have scheduled this many events (well under a
# second of CPU), so a slow configuration cannot hold a worker for minutes.
TRIAL_EVENT_BUDGET = 100_000
# Candidacies, split votes and repeated stale writes are listed up to this many.
MAX_MINOR_EVENTS = 14
PLANS = ("none", "book_story", "leader_crashes", "flapping", "random_crashes")


TOKEN, TERM = Text("token", "トークン"), Text("term", "ターム")


@dataclass
class Replica:
    id: int
    phase: float = 0.0  # lease: when its ticks fall, as an offset into the tick period
    alive: bool = True
    paused: bool = False
    cut: bool = False  # partitioned from the lease store or the other replicas
    leader: bool = False  # believes it leads
    token: int = 0  # the lease token or Raft term it leads with
    term: int = 0
    voted_for: int | None = None
    candidate: bool = False
    votes: set[int] = field(default_factory=set)
    timer: int = 0  # version of the election timer: bumping it cancels the pending one
    epoch: int = 0  # version of its tick or heartbeat loop: bumping it ends the loop

    @property
    def acting(self) -> bool:
        return self.alive and not self.paused and self.leader


class World:
    """The replicas, the fenced storage, the clock, and what the run measures."""

    def __init__(self, replicas: int, fencing: bool, record: bool, word: Text = TOKEN) -> None:
        self.loop = EventLoop()
        self.replicas = [Replica(i) for i in range(1, replicas + 1)]
        self.fencing = fencing
        self.record = record
        self.word = word
        self.events: list[Event] = []
        self.minor_events = 0
        self.newest = 0  # the newest token or term granted to a leader
        self.storage_max = 0  # the highest token the storage has seen
        self.writes_accepted = self.stale_accepted = self.stale_rejected = 0
        self.frame_stale_accepted = 0
        self.noted_stale: set[tuple[int, int]] = set()
        self.leaderless_s = self.max_leaderless_s = self.dual_leader_s = self.split_brain_s = 0.0
        self.leaderless_run = 0.0
        self.last = 0.0
        self.leaders: list[int] = []
        self.leader_changes = 0
        self.elected: list[tuple[float, int, int]] = []  # (time, replica, token)
        self.open_terms: set[int] = set()
        self.split_votes = 0
        self.candidates_by_term: dict[int, int] = {}
        self.were_candidates: set[int] = set()
        self.scheduled = 0
        # A trial stops scheduling anything once a leader is elected after this time.
        self.halt_after: float | None = None
        self.halted = False

    @property
    def now(self) -> float:
        return self.loop.now

    def at(self, delay: float, action: Callable[[], None]) -> None:
        """Schedule an action; in a recorded run the time since the last one is accounted first."""
        if self.halted:
            return
        self.scheduled += 1
        if not self.record:
            self.loop.schedule(max(0.0, delay), action)
            return

        def step() -> None:
            self.account()
            action()

        self.loop.schedule(max(0.0, delay), step)

    def account(self) -> None:
        """Add the time since the last event to the leaderless and split-brain totals."""
        dt = self.now - self.last
        self.last = self.now
        if dt <= 0:
            return
        acting = [r for r in self.replicas if r.acting]
        if acting:
            self.leaderless_run = 0.0
        else:
            self.leaderless_s += dt
            self.leaderless_run += dt
            self.max_leaderless_s = max(self.max_leaderless_s, self.leaderless_run)
        if len(acting) >= 2:
            self.dual_leader_s += dt
            able = [r for r in acting if not self.fencing or r.token >= self.storage_max]
            if len(able) >= 2:
                self.split_brain_s += dt

    def event(self, kind: str, text: Text, minor: bool = False) -> None:
        if not self.record:
            return
        if minor:
            self.minor_events += 1
            if self.minor_events > MAX_MINOR_EVENTS:
                return
            if self.minor_events == MAX_MINOR_EVENTS:
                text = Text(
                    "Further elections and stale writes are not listed",
                    "以降の選挙と古い書き込みは表示を省略します",
                )
        self.events.append(Event(round(self.now, 6), kind, text))

    def acting_leaders(self) -> list[Replica]:
        """Running replicas that believe they lead, newest token first."""
        return sorted((r for r in self.replicas if r.acting), key=lambda r: -r.token)

    def became_leader(self, replica: Replica, token: int, text: Text) -> None:
        replica.leader, replica.token = True, token
        self.newest = max(self.newest, token)
        self.open_terms.discard(token)
        self.elected.append((self.now, replica.id, token))
        if self.halt_after is not None and self.now > self.halt_after:
            self.halted = True
        if self.leaders and self.leaders[-1] != replica.id:
            self.leader_changes += 1
        if not self.leaders or self.leaders[-1] != replica.id:
            self.leaders.append(replica.id)
        self.event("elected", text)

    def step_down(self, replica: Replica, text: Text) -> None:
        replica.leader = False
        self.event("stepped_down", text)

    def candidacy(self, replica: Replica, term: int) -> None:
        """A replica asks for votes in a new term: older terms still without a leader were split votes."""
        for old in sorted(t for t in self.open_terms if t < term):
            self.open_terms.discard(old)
            self.split_votes += 1
            self.event("split_vote", Text(f"Election for term {old}: split vote, nobody won a majority", f"ターム {old} の選挙は票が割れ、誰も過半数を取れませんでした"), minor=True)  # fmt: skip
        self.open_terms.add(term)
        self.candidates_by_term[term] = self.candidates_by_term.get(term, 0) + 1
        self.were_candidates.add(replica.id)
        self.event("candidate", Text(f"Replica {replica.id} timed out and asks for votes in term {term}", f"レプリカ {replica.id} がタイムアウトし、ターム {term} に立候補して票を求めています"), minor=True)  # fmt: skip

    def write(self, replica: Replica) -> None:
        """The leader writes to the storage with its token; with fencing, a stale token is refused."""
        if not replica.acting:
            return
        token, word = replica.token, self.word
        stale = token < self.newest
        if self.fencing and token < self.storage_max:
            self.stale_rejected += 1
            if (replica.id, token) not in self.noted_stale:
                self.noted_stale.add((replica.id, token))
                self.event("rejected", Text(f"Storage rejected a write from replica {replica.id} with stale {word.en} {token} (it has seen {self.storage_max})", f"ストレージが、古い{word.ja} {token} を持つレプリカ {replica.id} の書き込みを拒否しました（ストレージがこれまでに見た最大値は {self.storage_max}）"))  # fmt: skip
            return
        self.storage_max = max(self.storage_max, token)
        self.writes_accepted += 1
        if stale:
            self.stale_accepted += 1
            self.frame_stale_accepted += 1
            if (replica.id, token) not in self.noted_stale:
                self.noted_stale.add((replica.id, token))
                self.event("stale_write", Text(f"Storage accepted a write from replica {replica.id} with stale {word.en} {token} (newest is {self.newest}): two leaders are writing", f"ストレージが、古い{word.ja} {token} を持つレプリカ {replica.id} の書き込みを受け付けました（最新は {self.newest}）。2 つのリーダーが書き込んでいます"))  # fmt: skip


class Lease:
    """Leadership as a lease in a store with compare-and-swap and a TTL."""

    def __init__(self, world: World, ttl: float, every: float) -> None:
        self.world, self.ttl, self.every = world, ttl, every
        self.holder: int | None = None
        self.expiry = 0.0
        self.token = 0

    def start(self) -> None:
        for replica in self.world.replicas:
            self._schedule(replica, self._next_half_tick(replica, 0.0))

    def _next_half_tick(self, replica: Replica, after: float) -> int:
        """Index k of the first half-tick at or after `after`; ticks are at phase + k x every / 2."""
        return max(0, math.ceil((after - replica.phase) / (self.every / 2) - 1e-9))

    def _schedule(self, replica: Replica, k: int) -> None:
        epoch = replica.epoch
        when = replica.phase + k * self.every / 2
        self.world.at(when - self.world.now, lambda: self._half_tick(replica, k, epoch))

    def _half_tick(self, replica: Replica, k: int, epoch: int) -> None:
        if epoch != replica.epoch or not replica.alive:
            return
        if not replica.paused:
            if k % 2 == 0:
                self._tick(replica)
            self.world.write(replica)
        following = k + 1
        if not replica.leader and not self.free():
            # A follower's ticks do nothing while the lease is held: go to its first poll at or after the expiry.
            first = self._next_half_tick(replica, self.expiry)
            following = max(following, first + first % 2)
        self._schedule(replica, following)

    def free(self) -> bool:
        return self.holder is None or self.world.now >= self.expiry

    def _tick(self, replica: Replica) -> None:
        world, now = self.world, self.world.now
        if replica.leader:
            if replica.cut:
                return  # the renewal times out, and a timeout is not a refusal: it keeps acting
            if self.holder == replica.id and now < self.expiry:
                self.expiry = now + self.ttl
                self._watch_expiry()
                return
            if self.free():
                text = Text(f"Replica {replica.id} found its lease expired and stepped down", f"レプリカ {replica.id} は自分のリースが切れていたことを知り、リーダーを降りました")  # fmt: skip
            else:
                text = Text(f"Replica {replica.id} found the lease held by replica {self.holder} (token {self.token}) and stepped down", f"レプリカ {replica.id} はリースがレプリカ {self.holder}（トークン {self.token}）に移っていたことを知り、リーダーを降りました")  # fmt: skip
            world.step_down(replica, text)
        if replica.cut or not self.free():
            return
        self.token += 1
        self.holder, self.expiry = replica.id, now + self.ttl
        world.became_leader(replica, self.token, Text(f"Replica {replica.id} acquired the lease (token {self.token})", f"レプリカ {replica.id} がリースを取得しました（トークン {self.token}）"))  # fmt: skip
        self._watch_expiry()

    def _watch_expiry(self) -> None:
        if not self.world.record:
            return
        holder, expiry, token = self.holder, self.expiry, self.token

        def check() -> None:
            if self.holder == holder and self.expiry == expiry:
                self.world.event("expired", Text(f"The lease of replica {holder} (token {token}) expired", f"レプリカ {holder} のリース（トークン {token}）が期限切れになりました"))  # fmt: skip

        self.world.at(expiry - self.world.now, check)

    def crash(self, replica: Replica) -> None:
        replica.alive = replica.leader = False
        replica.epoch += 1
        self.world.event(
            "crashed", Text(f"Replica {replica.id} crashed", f"レプリカ {replica.id} がクラッシュしました")
        )

    def restart(self, replica: Replica) -> None:
        replica.alive, replica.leader = True, False
        replica.epoch += 1
        self.world.event("restarted", Text(f"Replica {replica.id} restarted as a follower", f"レプリカ {replica.id} がフォロワーとして再起動しました"))  # fmt: skip
        self._schedule(replica, self._next_half_tick(replica, self.world.now))

    def wake(self, replica: Replica) -> None:
        """After a pause the write in progress lands first; the overdue renewal comes right after."""
        replica.paused = False
        if replica.leader:
            self.world.write(replica)
            self._tick(replica)


class Raft:
    """Raft's leader election: randomized timeouts, one vote per term, a majority wins."""

    def __init__(self, world: World, tmin_ms: float, tmax_ms: float, rng: random.Random, delay_ms: tuple[float, float] = DELAY_MS, slack_ms: float = TIMER_SLACK_MS) -> None:  # fmt: skip
        self.world, self.rng = world, rng
        self.tmin, self.tmax = tmin_ms / 1000, max(tmin_ms, tmax_ms) / 1000
        self.slack = slack_ms / 1000
        self.heartbeat = self.tmin / 2
        self.delay = (delay_ms[0] / 1000, delay_ms[1] / 1000)
        self.quorum = len(world.replicas) // 2 + 1

    def start(self) -> None:
        """Replica 1 leads term 1; the others follow it and run their timers."""
        for replica in self.world.replicas:
            replica.term, replica.voted_for = 1, 1
            if replica.id != 1:
                self._reset_timer(replica)
        self._become_leader(self.world.replicas[0])

    def _send(self, src: Replica, dst: Replica, deliver: Callable[[], None]) -> None:
        if src.cut or dst.cut or not dst.alive:
            return  # lost in the partition, or refused by a host that is down

        def arrive() -> None:
            if dst.alive and not dst.paused and not (src.cut or dst.cut):
                deliver()

        self.world.at(self.rng.uniform(*self.delay), arrive)

    def _reset_timer(self, replica: Replica) -> None:
        replica.timer += 1
        version = replica.timer
        wait = self.rng.uniform(self.tmin, self.tmax) + self.rng.uniform(0, self.slack)
        self.world.at(wait, lambda: self._timeout(replica, version))

    def _timeout(self, replica: Replica, version: int) -> None:
        if version != replica.timer or not replica.alive or replica.paused or replica.leader:
            return
        replica.term += 1
        replica.candidate, replica.voted_for, replica.votes = True, replica.id, {replica.id}
        self.world.candidacy(replica, replica.term)
        self._reset_timer(replica)
        term = replica.term
        for other in self.world.replicas:
            if other is not replica:
                self._send(replica, other, lambda o=other: self._on_request_vote(o, replica, term))

    def _adopt_term(self, replica: Replica, term: int) -> None:
        """A higher term: the replica follows it, and a leader or candidate steps down."""
        replica.term, replica.voted_for, replica.candidate = term, None, False
        if replica.leader:
            replica.epoch += 1
            self.world.step_down(replica, Text(f"Replica {replica.id} saw term {term} and stepped down", f"レプリカ {replica.id} はターム {term} を知り、リーダーを降りました"))  # fmt: skip
            self._reset_timer(replica)

    def _on_request_vote(self, replica: Replica, candidate: Replica, term: int) -> None:
        if term > replica.term:
            self._adopt_term(replica, term)
        granted = (
            term == replica.term
            and not replica.candidate
            and not replica.leader
            and replica.voted_for in (None, candidate.id)
        )
        if granted:
            replica.voted_for = candidate.id
            self._reset_timer(replica)
        reply_term = replica.term
        self._send(replica, candidate, lambda: self._on_vote(candidate, replica.id, reply_term, granted))

    def _on_vote(self, candidate: Replica, voter: int, term: int, granted: bool) -> None:
        if term > candidate.term:
            self._adopt_term(candidate, term)
            return
        if candidate.candidate and term == candidate.term and granted:
            candidate.votes.add(voter)
            if len(candidate.votes) >= self.quorum:
                self._become_leader(candidate)

    def _become_leader(self, replica: Replica) -> None:
        replica.candidate = False
        replica.timer += 1
        replica.epoch += 1
        n, votes = len(self.world.replicas), len(replica.votes)
        if replica.term == 1:
            text = Text(f"Replica {replica.id} leads term 1", f"レプリカ {replica.id} がターム 1 のリーダーです")
        else:
            text = Text(f"Replica {replica.id} won the election for term {replica.term} ({votes} of {n} votes)", f"レプリカ {replica.id} がターム {replica.term} の選挙に勝ちました（{n} 票中 {votes} 票）")  # fmt: skip
        self.world.became_leader(replica, replica.term, text)
        self._beat(replica, replica.epoch)

    def _beat(self, replica: Replica, epoch: int) -> None:
        if epoch != replica.epoch or not replica.alive or not replica.leader:
            return
        if not replica.paused:
            self.world.write(replica)
            self._send_heartbeats(replica)
        self.world.at(self.heartbeat, lambda: self._beat(replica, epoch))

    def _send_heartbeats(self, leader: Replica) -> None:
        term = leader.term
        for other in self.world.replicas:
            if other is not leader:
                self._send(leader, other, lambda o=other: self._on_heartbeat(o, leader, term))

    def _on_heartbeat(self, replica: Replica, leader: Replica, term: int) -> None:
        if term < replica.term:
            reply_term = replica.term
            self._send(replica, leader, lambda: self._on_refusal(leader, reply_term))
            return
        if term > replica.term:
            self._adopt_term(replica, term)
        replica.candidate = False
        self._reset_timer(replica)

    def _on_refusal(self, leader: Replica, term: int) -> None:
        if term > leader.term:
            self._adopt_term(leader, term)

    def crash(self, replica: Replica) -> None:
        replica.alive = replica.leader = replica.candidate = False
        replica.epoch += 1
        replica.timer += 1
        self.world.event(
            "crashed", Text(f"Replica {replica.id} crashed", f"レプリカ {replica.id} がクラッシュしました")
        )

    def restart(self, replica: Replica) -> None:
        replica.alive = True  # its term and vote were on disk
        self.world.event("restarted", Text(f"Replica {replica.id} restarted as a follower (term {replica.term})", f"レプリカ {replica.id} がフォロワーとして再起動しました（ターム {replica.term}）"))  # fmt: skip
        self._reset_timer(replica)

    def wake(self, replica: Replica) -> None:
        """After a pause the write in progress lands first; the overdue heartbeats go out right after."""
        replica.paused = False
        if replica.leader:
            self.world.write(replica)
            self._send_heartbeats(replica)
        else:
            self._reset_timer(replica)


# ---- independent elections for the statistics ----


@dataclass(frozen=True)
class Trial:
    election_ms: float
    split_votes: int
    first_round_candidates: int
    finished: bool
    events: int

    @property
    def first_round_split(self) -> bool:
        return self.split_votes > 0


def _first_election_after(world: World, crash_at: float, step: float, cap_s: float) -> Trial:
    def elected() -> tuple[float, int, int] | None:
        return next((e for e in world.elected if e[0] > crash_at), None)

    steps = 0
    while elected() is None and world.now < crash_at + cap_s:
        world.loop.run_until(world.now + step)
        steps += 1
    found = elected()
    first_round = world.candidates_by_term.get(2, 0)
    if found is None:
        return Trial(cap_s * 1000, len(world.candidates_by_term), first_round, False, world.scheduled + steps)
    # Every term after the first that started before the winning one ended without a leader.
    splits = sum(1 for t in world.candidates_by_term if t < found[2])
    return Trial((found[0] - crash_at) * 1000, splits, first_round, True, world.scheduled + steps)


def lease_trial(replicas: int, ttl: float, every: float, rng: random.Random) -> Trial:
    """Replica 1 holds a fresh lease; it crashes uniformly within its renewal period; time until another acquires."""
    world = World(replicas, fencing=False, record=False)
    for replica in world.replicas[1:]:
        replica.phase = every * (1 - rng.random())
    lease = Lease(world, ttl, every)
    lease.start()
    crash_at = every * (1 - rng.random())
    world.at(crash_at, lambda: lease.crash(world.replicas[0]))
    world.halt_after = crash_at
    return _first_election_after(world, crash_at, max(every, ttl / 4), max(TRIAL_CAP_S, 3 * (ttl + every)))


def raft_trial(replicas: int, tmin_ms: float, tmax_ms: float, rng: random.Random, delay_ms: tuple[float, float] = DELAY_MS, slack_ms: float = TIMER_SLACK_MS) -> Trial:  # fmt: skip
    """Replica 1 leads and has just sent heartbeats to all; it crashes uniformly within its heartbeat interval."""
    world = World(replicas, fencing=False, record=False)
    raft = Raft(world, tmin_ms, tmax_ms, rng, delay_ms, slack_ms)
    raft.start()
    crash_at = rng.uniform(0, raft.heartbeat)
    world.at(crash_at, lambda: raft.crash(world.replicas[0]))
    world.halt_after = crash_at
    return _first_election_after(world, crash_at, raft.heartbeat, max(TRIAL_CAP_S, 200 * raft.tmax))


def run_trials(params: dict[str, Any], rng: random.Random) -> list[Trial]:
    """`trials` independent elections, fewer if they use up the event budget first."""
    n, tmin, tmax = params["replicas"], params["election_timeout_min_ms"], params["election_timeout_max_ms"]
    trials: list[Trial] = []
    events = 0
    while len(trials) < params["trials"] and events < TRIAL_EVENT_BUDGET:
        if params["protocol"] == "lease":
            trial = lease_trial(n, params["lease_ttl_s"], params["renew_every_s"], rng)
        else:
            trial = raft_trial(n, tmin, tmax, rng)
        trials.append(trial)
        events += trial.events
    return trials


def quantile(ordered: list[float], q: float) -> float:
    """Nearest-rank quantile of a sorted list."""
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# ---- the timeline: a failure plan played on one cluster ----


@dataclass(frozen=True)
class Action:
    t: float
    kind: str  # crash, pause, partition (each of the leader at that moment), crash_id, restart_id
    length: float = 0.0
    replica: int = 0


def plan_actions(params: dict[str, Any], unit: float, rng: random.Random) -> tuple[list[Action], float]:
    """The scripted failures and the run's length, in units of the TTL (lease) or the max timeout (raft)."""
    plan, lease = params["failure_plan"], params["protocol"] == "lease"
    actions: list[Action] = []
    if plan == "none":
        end = 5.0 if lease else 15.0
    elif plan == "book_story":
        down = 2.0 if lease else 7.0
        actions = [Action(1.53 if lease else 3.1, "crash", down)]
        end = 5.0 if lease else 15.0
    elif plan == "leader_crashes":
        first, gap, down = (1.53, 3.0, 2.0) if lease else (3.1, 7.0, 4.0)
        actions = [Action(first + i * gap, "crash", down) for i in range(3)]
        end = first + 3 * gap - 0.5 if lease else first + 3 * gap
    elif plan == "flapping":
        first, gap, pause = (1.53, 2.5, 1.3) if lease else (3.1, 6.0, 2.0)
        actions = [Action(first + i * gap, "pause", pause) for i in range(3)]
        end = first + 3 * gap
    else:  # random_crashes: each replica fails and recovers at exponential times
        up_mean, down_mean, start, stop, end = (4.0, 1.0, 0.5, 10.0, 12.0) if lease else (8.0, 2.0, 1.0, 30.0, 34.0)
        for replica in range(1, params["replicas"] + 1):
            t = start + rng.expovariate(1 / up_mean)
            while t < stop:
                back = min(stop, t + rng.expovariate(1 / down_mean))
                actions += [Action(t, "crash_id", replica=replica), Action(back, "restart_id", replica=replica)]
                t = back + rng.expovariate(1 / up_mean)
    if params["partition"]:
        settle, length, after = (0.53, 2.5, 1.5) if lease else (2.1, 8.0, 4.0)
        actions.append(Action(end + settle, "partition", length))
        end += settle + length + after
    scaled = [Action(a.t * unit, a.kind, a.length * unit, a.replica) for a in actions]
    return sorted(scaled, key=lambda a: a.t), end * unit


def book_story_phases(world: World, ttl: float, every: float) -> None:
    """Replica 3 ticks every/4 after replica 1's lease would expire, replica i > 3 at (0.4 + 0.1 i) x every."""
    for replica in world.replicas[1:]:
        offset = 0.25 if replica.id == 3 else 0.4 + 0.1 * replica.id
        replica.phase = (ttl + offset * every) % every


def _apply(action: Action, world: World, protocol: Lease | Raft) -> None:
    if action.kind in ("crash_id", "restart_id"):
        replica = world.replicas[action.replica - 1]
        if action.kind == "crash_id" and replica.alive:
            protocol.crash(replica)
        elif action.kind == "restart_id" and not replica.alive:
            protocol.restart(replica)
        return
    leaders = world.acting_leaders()
    if not leaders:
        return
    target = leaders[0]
    if action.kind == "crash":
        protocol.crash(target)
        world.at(action.length, lambda: protocol.restart(target))
    elif action.kind == "pause":
        target.paused = True
        world.event("paused", Text(f"Replica {target.id} stalls in a stop-the-world pause for {action.length:.3g} s", f"レプリカ {target.id} が全停止（stop-the-world）で {action.length:.3g} 秒止まります"))  # fmt: skip

        def wake() -> None:
            world.event("woke", Text(f"Replica {target.id} resumes, still believing it leads", f"レプリカ {target.id} が再開しました。まだ自分がリーダーだと信じています"))  # fmt: skip
            protocol.wake(target)

        world.at(action.length, wake)
    else:
        target.cut = True
        where = Text("the lease store", "リースストア") if isinstance(protocol, Lease) else Text("the other replicas", "ほかのレプリカ")  # fmt: skip
        world.event("partitioned", Text(f"Replica {target.id} is cut off from {where.en} but keeps running", f"レプリカ {target.id} が{where.ja}から切り離されましたが、動き続けています"))  # fmt: skip

        def heal() -> None:
            target.cut = False
            world.event("healed", Text("The partition healed", "ネットワーク分断が解消しました"))

        world.at(action.length, heal)


def node_states(world: World, lease: bool) -> dict[str, str]:
    states: dict[str, str] = {}
    for r in world.replicas:
        if not r.alive or r.paused:
            states[f"r{r.id}"] = "down"
        elif r.leader:
            states[f"r{r.id}"] = "busy"
        elif r.candidate or r.id in world.were_candidates:
            states[f"r{r.id}"] = "degraded"
        else:
            states[f"r{r.id}"] = "idle"
    states["store"] = "ok" if lease else "idle"
    states["storage"] = "degraded" if world.frame_stale_accepted else "ok"
    return states


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    lease = params["protocol"] == "lease"
    trials = run_trials(params, random.Random(f"trials-{seed}"))
    rng = random.Random(seed)
    word = TOKEN if lease else TERM
    world = World(params["replicas"], params["fencing"], record=True, word=word)
    protocol: Lease | Raft
    if lease:
        ttl, every = params["lease_ttl_s"], params["renew_every_s"]
        if params["failure_plan"] == "book_story":
            book_story_phases(world, ttl, every)
        else:
            for replica in world.replicas[1:]:
                replica.phase = every * (1 - rng.random())
        protocol = Lease(world, ttl, every)
        unit = ttl
    else:
        protocol = Raft(world, params["election_timeout_min_ms"], params["election_timeout_max_ms"], rng)
        unit = protocol.tmax
    actions, duration = plan_actions(params, unit, rng)
    for action in actions:
        world.at(action.t, lambda a=action: _apply(a, world, protocol))
    protocol.start()

    step = duration / MAX_FRAMES
    revealed: list[float] = []
    for k in range(1, MAX_FRAMES + 1):
        t = k * step
        world.loop.run_until(t)
        world.account()
        for trial in trials[len(revealed) : math.ceil(k * len(trials) / MAX_FRAMES)]:
            bisect.insort(revealed, trial.election_ms)
        leaders = world.acting_leaders()
        yield Frame(
            t=t,
            progress=k / MAX_FRAMES,
            series={
                "leader": leaders[0].id if leaders else 0,
                "stale_leader": leaders[-1].id if len(leaders) >= 2 else 0,
                "term": protocol.token if isinstance(protocol, Lease) else max(r.term for r in world.replicas),
                "leaderless_s": round(world.leaderless_s, 3),
                "split_brain_s": round(world.split_brain_s, 3),
                "dual_leader_s": round(world.dual_leader_s, 3),
                "writes_accepted": world.writes_accepted,
                "stale_writes_accepted": world.stale_accepted,
                "stale_writes_rejected": world.stale_rejected,
                "election_p50_ms": round(quantile(revealed, 0.5), 1) if revealed else 0,
                "election_p90_ms": round(quantile(revealed, 0.9), 1) if revealed else 0,
                "election_max_ms": round(revealed[-1], 1) if revealed else 0,
            },
            events=list(world.events),
            nodes=node_states(world, lease),
        )
        world.events.clear()
        world.were_candidates.clear()
        world.frame_stale_accepted = 0

    times = sorted(trial.election_ms for trial in trials)
    leaders = world.acting_leaders()
    yield Result(
        {
            "leader_changes": world.leader_changes,
            "leaderless_s": round(world.leaderless_s, 6),
            "max_leaderless_s": round(world.max_leaderless_s, 6),
            "split_brain_s": round(world.split_brain_s, 6),
            "dual_leader_s": round(world.dual_leader_s, 6),
            "rejected_stale_writes": world.stale_rejected,
            "stale_writes_accepted": world.stale_accepted,
            "writes_accepted": world.writes_accepted,
            "final_leader": leaders[0].id if leaders else None,
            "leaders": world.leaders[:20],
            "elections": len(world.elected),
            "timeline_split_votes": world.split_votes,
            "election_ms_median": round(statistics.median(times), 3),
            "election_ms_mean": round(statistics.fmean(times), 3),
            "election_ms_p90": round(quantile(times, 0.9), 3),
            "election_ms_min": round(times[0], 3),
            "election_ms_max": round(times[-1], 3),
            "split_votes": sum(trial.split_votes for trial in trials),
            "first_round_split_share": round(sum(trial.first_round_split for trial in trials) / len(trials), 6),
            "unfinished_trials": sum(not trial.finished for trial in trials),
            "trials": len(trials),
            "duration_s": round(duration, 6),
        }
    )


def _preset(**values: Any) -> dict[str, Any]:
    base = {
        "protocol": "lease",
        "replicas": 3,
        "lease_ttl_s": 10.0,
        "renew_every_s": 2.0,
        "election_timeout_min_ms": 150.0,
        "election_timeout_max_ms": 300.0,
        "failure_plan": "leader_crashes",
        "partition": False,
        "fencing": False,
        "trials": 200,
    }
    return {**base, **values}


def _replica_position(i: int) -> tuple[float, float]:
    """Replicas on a pentagon around the store, replica 1 at the top."""
    angle = math.radians(-90 + 72 * (i - 1))
    return round(0.5 + 0.38 * math.cos(angle), 3), round(0.5 + 0.5 * math.sin(angle), 3)


TOPOLOGY = Topology(
    nodes=(
        *(
            Node(f"r{i}", Text(f"Replica {i}", f"レプリカ {i}"), *_replica_position(i))
            for i in range(1, MAX_REPLICAS + 1)
        ),
        Node("store", Text("Lease store", "リースストア"), 0.5, 0.3),
        Node("storage", Text("Storage", "ストレージ"), 0.5, 0.68),
    ),
    links=tuple((f"r{i}", target) for i in range(1, MAX_REPLICAS + 1) for target in ("store", "storage")),
)

SCENARIO = Scenario(
    slug="leader-election",
    pattern="ownership-election",
    title=Text("Leader election: leases and Raft", "リーダー選出：リースと Raft"),
    description=Text(
        "Three to five replicas keep exactly one owner. In lease mode the owner holds a lease in a consistent store "
        "(compare-and-swap with a TTL) and renews it; when it stops renewing, the lease expires and another replica "
        "takes it. In Raft mode followers wait a random election timeout and then ask for votes; a majority elects the "
        "leader. Play a failure plan (the book's story, crashes, stop-the-world pauses, random failures), cut the "
        "leader off with a partition, and turn fencing on or off to see whether a stale leader's writes get through. "
        "Beside the story, many independent elections measure how long a takeover takes and how often votes split.",
        "3〜5 台のレプリカが、所有者（リーダー）を常にちょうど 1 つに保ちます。リース方式では、所有者が強い整合性を持つストアのリース"
        "（TTL 付きの比較交換）を持ち、更新し続けます。更新が止まるとリースが切れ、別のレプリカが取得します。Raft 方式では、"
        "フォロワーがランダムな選挙タイムアウトを待ってから票を求め、過半数を得たものがリーダーになります。障害の筋書き"
        "（本の例、クラッシュ、全停止、ランダムな障害）を再生し、ネットワーク分断でリーダーを切り離し、フェンシングの有無を"
        "切り替えると、古いリーダーの書き込みが通ってしまうかどうかを確かめられます。筋書きとは別に多数の独立した選挙を試し、"
        "引き継ぎにかかる時間と票が割れる頻度も測ります。",
    ),
    params=(
        Param(
            "protocol",
            "choice",
            "lease",
            Text("Protocol", "方式"),
            Text(
                "How the replicas agree on a leader: a lease in a store, or a Raft-style vote among themselves.",
                "リーダーの決め方です。ストアのリースを使うか、Raft のようにレプリカ同士の投票で決めます。",
            ),
            choices=(
                Choice("lease", Text("Lease in a store (CAS + TTL)", "ストアのリース（比較交換と TTL）")),
                Choice("raft", Text("Raft-style election", "Raft 方式の選挙")),
            ),
        ),
        Param(
            "replicas",
            "int",
            3,
            Text("Replicas", "レプリカ数"),
            Text(
                "Replicas that can lead. Raft needs votes from a majority of all of them, crashed ones included.",
                "リーダーになれるレプリカの数です。Raft では、クラッシュしたものも含めた全体の過半数の票が必要です。",
            ),
            min=3,
            max=MAX_REPLICAS,
        ),
        Param(
            "lease_ttl_s",
            "float",
            10.0,
            Text("Lease TTL", "リースの TTL"),
            Text(
                "How long the lease stays valid after its last renewal: the store frees it this long after the leader stops renewing. Lease mode only.",
                "最後の更新からリースが有効な時間です。リーダーが更新をやめると、ストアはこの時間の後にリースを解放します。リース方式だけで使います。",
            ),
            unit="s",
            min=1,
            max=120,
            step=0.5,
        ),
        Param(
            "renew_every_s",
            "float",
            2.0,
            Text("Renew and poll every", "更新・確認の間隔"),
            Text(
                "The leader renews its lease this often, and every other replica checks this often whether the lease is free. Keep it well below the TTL. Lease mode only.",
                "リーダーはこの間隔でリースを更新し、ほかのレプリカは同じ間隔でリースが空いたかを確かめます。TTL より十分短くします。リース方式だけで使います。",
            ),
            unit="s",
            min=0.1,
            max=60,
            step=0.1,
        ),
        Param(
            "election_timeout_min_ms",
            "float",
            150.0,
            Text("Election timeout, minimum", "選挙タイムアウトの最小値"),
            Text(
                "Shortest time a follower waits without a heartbeat before it stands as a candidate. The leader sends heartbeats every half of this. Raft mode only.",
                "ハートビートが届かないフォロワーが、立候補するまでに待つ最短の時間です。リーダーはこの半分の間隔でハートビートを送ります。Raft 方式だけで使います。",
            ),
            unit="ms",
            min=10,
            max=5000,
            step=1,
        ),
        Param(
            "election_timeout_max_ms",
            "float",
            300.0,
            Text("Election timeout, maximum", "選挙タイムアウトの最大値"),
            Text(
                "Longest such wait; each wait is drawn uniformly between the minimum and this. Equal to the minimum means no randomness; below it counts as the minimum. Raft mode only.",
                "その待ち時間の最長値です。待ち時間は毎回、最小値とこの値の間から一様に選びます。最小値と同じなら乱数を使わず、最小値より小さければ最小値とみなします。Raft 方式だけで使います。",
            ),
            unit="ms",
            min=10,
            max=10000,
            step=1,
        ),
        Param(
            "failure_plan",
            "choice",
            "leader_crashes",
            Text("Failure plan", "障害の筋書き"),
            Text(
                "What goes wrong in the story shown on the charts.",
                "チャートに表示する筋書きの中で起きる障害です。",
            ),
            choices=(
                Choice("none", Text("None", "なし")),
                Choice(
                    "book_story",
                    Text(
                        "Book story: replica 1 fails, replica 3 takes over, 1 returns as a follower",
                        "本の例：レプリカ 1 が落ち、3 が引き継ぎ、1 はフォロワーとして戻る",
                    ),
                ),
                Choice("leader_crashes", Text("The leader crashes three times", "リーダーが 3 回クラッシュする")),
                Choice(
                    "flapping",
                    Text(
                        "The leader stalls three times (stop-the-world pause)",
                        "リーダーが 3 回全停止する（stop-the-world）",
                    ),
                ),
                Choice(
                    "random_crashes", Text("Random crashes of any replica", "どのレプリカもランダムにクラッシュする")
                ),
            ),
        ),
        Param(
            "partition",
            "bool",
            False,
            Text("Partition the leader", "リーダーを分断する"),
            Text(
                "After the plan, cut the leader off from the lease store (or from the other replicas) for a while. It keeps running and keeps writing to the storage until it learns it was replaced.",
                "筋書きの後、しばらくリーダーをリースストア（Raft ではほかのレプリカ）から切り離します。リーダーは動き続け、自分が置き換えられたと知るまでストレージに書き込み続けます。",
            ),
        ),
        Param(
            "fencing",
            "bool",
            False,
            Text("Fencing tokens", "フェンシングトークン"),
            Text(
                "Writes carry the lease token (or the Raft term), and the storage rejects any token lower than the highest it has seen.",
                "書き込みにリースのトークン（Raft ではターム）を添え、ストレージはそれまでに見た最大値より小さいトークンを持つ書き込みを拒否します。",
            ),
        ),
        Param(
            "trials",
            "int",
            200,
            Text("Election trials", "選挙の試行回数"),
            Text(
                "Independent elections run for the election-time statistics: each time a stable leader crashes at a random moment and the time until a new leader takes over is measured. Very slow elections stop the batch early; the result says how many ran.",
                "選出時間の統計のために試す独立した選挙の回数です。毎回、安定したリーダーをランダムな時点でクラッシュさせ、新しいリーダーが引き継ぐまでの時間を測ります。選挙が非常に遅い設定では途中で打ち切り、実際に試した回数を結果に示します。",
            ),
            min=1,
            max=5000,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="leadership",
            title=Text("Who leads", "誰がリーダーか"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("replica / token or term", "レプリカ / トークンまたはターム"),
            series=(
                Series("leader", Text("leader (newest token; 0 = none)", "リーダー（最新のトークン。0 はなし）")),
                Series(
                    "stale_leader",
                    Text("stale leader still acting (0 = none)", "まだ動いている古いリーダー（0 はなし）"),
                ),
                Series("term", Text("newest token or term", "最新のトークンまたはターム")),
            ),
        ),
        Chart(
            id="trouble",
            title=Text("Time without exactly one leader", "リーダーがちょうど 1 つでない時間"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("seconds, cumulative", "秒（累計）"),
            series=(
                Series("leaderless_s", Text("no leader", "リーダー不在")),
                Series("dual_leader_s", Text("two believe they lead", "2 つが自分をリーダーと信じている")),
                Series("split_brain_s", Text("split brain: both can write", "スプリットブレイン：両方が書き込める")),
            ),
        ),
        Chart(
            id="writes",
            title=Text("Writes to the storage", "ストレージへの書き込み"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("writes, cumulative", "書き込み数（累計）"),
            series=(
                Series("writes_accepted", Text("accepted", "受け付け")),
                Series("stale_writes_accepted", Text("accepted from a stale leader", "古いリーダーから受け付け")),
                Series("stale_writes_rejected", Text("rejected by fencing", "フェンシングで拒否")),
            ),
        ),
        Chart(
            id="elections",
            title=Text("Election time over the trials so far", "これまでの試行での選出時間"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("ms from the crash to a new leader", "クラッシュから新しいリーダーが決まるまで（ミリ秒）"),
            series=(
                Series("election_p50_ms", Text("median", "中央値")),
                Series("election_p90_ms", Text("90th percentile", "90 パーセンタイル")),
                Series("election_max_ms", Text("slowest", "最長")),
            ),
        ),
    ),
    run=run,
    source=Text(
        "Burns, Designing Distributed Systems (2018), ch. 9; Kleppmann, 'How to do distributed locking' (2016); "
        "the split-vote probability of randomized timeouts and Figure 16 of Ongaro and Ousterhout's Raft paper (USENIX ATC 2014)",
        "Burns『Designing Distributed Systems』（2018 年、邦訳『分散システムデザインパターン』）9 章、Kleppmann「How to do distributed locking」（2016 年）、"
        "ランダムなタイムアウトで票が割れる確率と Ongaro・Ousterhout の Raft 論文（USENIX ATC 2014）の図 16",
    ),
    topology=TOPOLOGY,
    results=(
        Measure(
            "leaderless_s",
            Text("Time without a leader", "リーダー不在の時間"),
            "s",
            Text(
                "Total time in which no running replica believed it led.",
                "動いているレプリカのどれも自分をリーダーと信じていなかった時間の合計です。",
            ),
        ),
        Measure("max_leaderless_s", Text("Longest stretch without a leader", "リーダー不在が続いた最長の時間"), "s"),
        Measure(
            "split_brain_s",
            Text("Split brain: both leaders can write", "スプリットブレイン：両方のリーダーが書き込める時間"),
            "s",
            Text(
                "The part of the two-leader time in which the storage would accept the stale leader's writes: all of it without fencing, none with.",
                "2 つが自分をリーダーと信じている時間のうち、ストレージが古いリーダーの書き込みを受け付けてしまう部分です。フェンシングなしではそのすべて、ありでは 0 になります。",
            ),
        ),
        Measure(
            "dual_leader_s",
            Text("Time with two believing they lead", "2 つが自分をリーダーと信じている時間"),
            "s",
        ),
        Measure(
            "stale_writes_accepted",
            Text("Stale writes accepted", "受け付けた古い書き込み"),
            help=Text(
                "Writes carrying a token or term lower than the newest granted that the storage accepted.",
                "最新より小さいトークン（Raft ではターム）を持つ書き込みのうち、ストレージが受け付けたものの数です。",
            ),
        ),
        Measure(
            "rejected_stale_writes",
            Text("Stale writes rejected by fencing", "フェンシングで拒否した古い書き込み"),
        ),
        Measure(
            "writes_accepted",
            Text("Writes accepted", "受け付けた書き込み"),
            help=Text(
                "Every write the storage accepted, stale ones included.",
                "ストレージが受け付けたすべての書き込みの数で、古いものも含みます。",
            ),
        ),
        Measure(
            "leader_changes",
            Text("Leader changes", "リーダー交代の回数"),
            help=Text(
                "Times leadership moved to a different replica; the first leader is not counted.",
                "リーダーが別のレプリカに移った回数です。最初のリーダーは数えません。",
            ),
        ),
        Measure(
            "leaders",
            Text("Sequence of leaders (replica numbers)", "リーダーの順番（レプリカ番号）"),
            help=Text("The first 20 at most.", "最初の 20 件までです。"),
        ),
        Measure(
            "final_leader",
            Text("Leader at the end (replica)", "終了時のリーダー（レプリカ）"),
            help=Text(
                "The running leader with the newest token or term. Empty when none leads.",
                "最新のトークンまたはタームを持つ、動いているリーダーです。リーダーがいなければ値がありません。",
            ),
        ),
        Measure(
            "elections",
            Text("Elections in the story", "筋書きの中の選出回数"),
            help=Text(
                "Leaders elected or leases acquired on the timeline, the first included.",
                "タイムライン上でリーダーが選ばれた、またはリースを取得した回数で、最初の 1 回も含みます。",
            ),
        ),
        Measure(
            "timeline_split_votes",
            Text("Split votes in the story", "筋書きの中で票が割れた回数"),
            help=Text(
                "Raft terms that ended without a leader. Always 0 for a lease.",
                "リーダーが決まらずに終わった Raft のタームの数です。リース方式では常に 0 です。",
            ),
        ),
        Measure(
            "election_ms_median",
            Text("Election time, median", "選出時間の中央値"),
            "ms",
            Text(
                "Over the independent trials: from the leader's crash until a new leader holds the lease or wins a term.",
                "独立した試行での、リーダーのクラッシュから、新しいリーダーがリースを取得するか選挙に勝つまでの時間です。",
            ),
        ),
        Measure("election_ms_mean", Text("Election time, mean", "選出時間の平均"), "ms"),
        Measure("election_ms_p90", Text("Election time, 90th percentile", "選出時間の 90 パーセンタイル"), "ms"),
        Measure("election_ms_min", Text("Election time, shortest", "選出時間の最短"), "ms"),
        Measure(
            "election_ms_max",
            Text("Election time, longest", "選出時間の最長"),
            "ms",
            Text(
                "An election still undecided at the cap counts as that long.",
                "上限までに決着しなかった選挙は、その上限の長さとして数えます。",
            ),
        ),
        Measure(
            "split_votes",
            Text("Split votes in the trials", "試行で票が割れた回数"),
            help=Text(
                "Raft terms that ended without a leader, over all trials.",
                "すべての試行で、リーダーが決まらずに終わった Raft のタームの数です。",
            ),
        ),
        Measure(
            "first_round_split_share",
            Text("Share of trials whose first term split", "最初のタームで票が割れた試行の割合"),
        ),
        Measure(
            "unfinished_trials",
            Text("Unfinished trials", "決着しなかった試行"),
            help=Text(
                "Elections still undecided after 60 s (or longer, for slow settings).",
                "60 秒（遅い設定ではそれ以上）たっても決まらなかった選挙の数です。",
            ),
        ),
        Measure(
            "trials",
            Text("Trials run", "実際に試した回数"),
            help=Text(
                "Fewer than asked when very slow elections stopped the batch early.",
                "選挙が非常に遅く、途中で打ち切ったときは、指定した回数より少なくなります。",
            ),
        ),
        Measure("duration_s", Text("Length of the story", "筋書きの長さ"), "s"),
    ),
    presets=(
        Preset(
            "book-story",
            Text(
                "The book's story: replica 3 takes over and keeps the lease",
                "本の例：レプリカ 3 が引き継ぎ、リースを持ち続ける",
            ),
            _preset(failure_plan="book_story"),
        ),
        Preset(
            "leader-crash",
            Text(
                "Leader crashes with Kubernetes-like timings (15 s lease, 2 s retry)",
                "Kubernetes 風の設定でリーダーがクラッシュ（リース 15 秒、リトライ 2 秒）",
            ),
            _preset(lease_ttl_s=15.0, failure_plan="leader_crashes", trials=1000),
        ),
        Preset(
            "partition-no-fencing",
            Text(
                "Partitioned leader, no fencing: split brain",
                "分断されたリーダー、フェンシングなし：スプリットブレイン",
            ),
            _preset(failure_plan="none", partition=True, fencing=False),
        ),
        Preset(
            "partition-fencing",
            Text(
                "Partitioned leader with fencing: stale writes rejected",
                "分断されたリーダー、フェンシングあり：古い書き込みは拒否",
            ),
            _preset(failure_plan="none", partition=True, fencing=True),
        ),
        Preset(
            "raft-150-300",
            Text("Raft, 5 replicas, timeouts 150-300 ms", "Raft、レプリカ 5 台、タイムアウト 150〜300 ミリ秒"),
            _preset(protocol="raft", replicas=5, failure_plan="leader_crashes", trials=1000),
        ),
        Preset(
            "raft-150-150",
            Text(
                "Raft, 5 replicas, timeouts 150-150 ms (no randomness)",
                "Raft、レプリカ 5 台、タイムアウト 150〜150 ミリ秒（乱数なし）",
            ),
            _preset(
                protocol="raft", replicas=5, election_timeout_max_ms=150.0, failure_plan="leader_crashes", trials=30
            ),
        ),
    ),  # fmt: skip
)
