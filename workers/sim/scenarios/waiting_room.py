# ruff: noqa: E501 - Japanese text counts double toward the line length
"""waiting-room: a ticket-sale surge hits an origin of fixed capacity, with or without a virtual waiting room.

Users. `surge_users` users arrive at times drawn independently and uniformly
over [0, surge_s] (all at t = 0 when surge_s = 0). round(priority_share x
surge_users) of them, picked at random, hold priority (members, presale codes).
Each user draws a patience once, exponential with mean `patience_s`
(patience_s = 0: nobody ever gives up): the delay they accept, counting both
the time spent in the waiting room and the time lost to failed requests.

Sessions. A user at the origin makes a purchase in a session of r =
`requests_per_user` requests, one per slot of g = session_s / r seconds, sent in
each slot at the same offset, drawn uniformly at random once per user (so the
requests of many users add up to r / session_s per session in progress, with no
common beat). The purchase is made when the r-th request succeeds and the
session ends at the end of that slot, so an undisturbed session lasts
exactly session_s and offers r / session_s requests per second. A failed request
is sent again in the next slot, so each failure costs the user a slot of g
seconds. After a failed request, a user whose delay (wait in the room plus g per
failed request) exceeds their patience gives up. Latency below the timeout does
not slow a session down.

Origin. It answers C = `origin_capacity_rps` requests per second from a FIFO
backlog. A request succeeds when at most C x timeout_s requests are ahead of it,
that is when it would be answered within the client's `timeout_s`; otherwise it
times out. Without `load_shedding` the origin queues the doomed requests anyway
and works through them for clients that are gone, so once its backlog is longer
than the timeout every request fails until the load falls below C and the
backlog drains: goodput collapses (the SRE book's "Addressing Cascading
Failures"). With `load_shedding` it rejects such a request at once (503) and
queues only what it can answer in time, so it keeps answering C per second. The
backlog is advanced in steps of at most 0.25 s.

Load. The origin's offered load at time t is the sessions in progress times
r / session_s; origin_overload_s is the time during which it exceeds C,
measured exactly from the sessions' start and end times.

Waiting room. When it is on, every arrival joins one of two FIFO queues
(priority users in their own, served first). A releaser lets one user through
at each tick m / a (a = `admission_rate`, m = 1, 2, ...): the head of the
priority queue if anyone waits there, else the head of the normal queue; a tick
with nobody waiting is lost. A user still waiting at arrival + patience leaves.
Paced exactly, at most ceil(a x session_s) users are let in within any window of
session_s, so by Little's law (L = lambda W = a x session_s) at most
ceil(a x session_s) sessions are in progress at once and the offered load never
exceeds ceil(a S) r / S: when a x S is a whole number that is a x r, and the
room keeps the origin within capacity exactly when admission_rate x
requests_per_user <= C, the sizing rule of the AWS solution's inlet strategies.
The price of pacing by rate alone: sessions in progress build up to a x S only
over the first session_s, so the origin is under-used while the room fills it.
While the queue never empties the k-th user is let in at k / a, so the last of
N users, who arrived near surge_s, waits about N / a - surge_s; a priority user
waits only behind other priority users. A user whose turn would come after a
wait w (their exposure) gives up first with probability 1 - exp(-w / patience_s).
Without the room every user goes straight to the origin on arrival.

Results: admitted (users who completed their purchase), abandoned (gave up:
abandoned_waiting in the room, abandoned_at_origin after failed requests),
origin_overload_s, failed_requests (timed out, or rejected with load shedding),
successful_requests, the waits in the room of the users let in (max_wait_s,
mean_wait_s, and the same for priority users; 0 without a room, None when the
room let nobody of that class in), fifo_violations (users let in ahead of an
earlier arrival of their class who was still waiting: 0 by construction),
out_of_order_share (share of pairs of purchasers of the same class whose
purchase sessions ended in the reverse order of their arrival: 0 is strict arrival
order, about 0.5 a lottery), peak_sessions and its Little's-law bound,
overload_started_s, failures_started_s, and the head counts arrived,
priority_users, let_in, still_waiting, in_session, peak_waiting.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Param, Preset

MAX_FRAMES = 400
MAX_STEP_S = 0.25
# Overload or failure spells closer together than this are reported as one.
MERGE_GAP_S = 5.0
# At most this many spells of each kind get an event, so a flickering load does not flood the log.
MAX_SPELLS = 3


@dataclass
class Users:
    arrival: np.ndarray  # seconds, sorted
    priority: np.ndarray  # bool
    patience: np.ndarray  # seconds, inf for users who never give up
    phase: np.ndarray  # where in each request slot the user sends, 0..1


@dataclass
class Room:
    let_in: np.ndarray  # when each user was let through to the origin; nan if never
    left: np.ndarray  # when each user gave up waiting; nan if they did not
    exposure: np.ndarray  # the wait each user faced: until their turn, or until the run ended; nan if not arrived


@dataclass
class Origin:
    purchased: np.ndarray  # when each user's last request succeeded; nan if it did not
    quit: np.ndarray  # when each user gave up after a failed request; nan if they did not
    session_end: np.ndarray  # when each user left the origin (purchase slot ended or gave up); inf if still there
    requests: np.ndarray  # requests sent per step
    succeeded: np.ndarray  # per step
    failed: np.ndarray  # per step
    first_failed: np.ndarray  # per step: when its first request failed; nan if none did


def draw_users(params: dict[str, Any], rng: np.random.Generator) -> Users:
    """Arrival times (uniform over the surge, sorted), priority flags, patiences and request phases."""
    n = params["surge_users"]
    arrival = np.sort(rng.uniform(0.0, params["surge_s"], n)) if params["surge_s"] > 0 else np.zeros(n)
    priority = np.zeros(n, dtype=bool)
    priority[rng.permutation(n)[: round(params["priority_share"] * n)]] = True
    mean = params["patience_s"]
    patience = rng.exponential(mean, n) if mean > 0 else np.full(n, math.inf)
    return Users(arrival, priority, patience, rng.uniform(0.0, 1.0, n))


def run_room(users: Users, rate: float, horizon: float) -> Room:
    """Two FIFO queues (priority first) drained one user per tick m / rate; waiting users leave at their patience.

    A user who gave up is removed when the queue reaches them (lazy deletion): the
    tick at which that happens is the one that would have let them in, so their
    exposure is the wait they would have had.
    """
    n = len(users.arrival)
    let_in, left, exposure = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    arrival = users.arrival.tolist()
    priority = users.priority.tolist()
    deadline = (users.arrival + users.patience).tolist()
    queues: tuple[deque[int], deque[int]] = (deque(), deque())
    i, m = 0, 1
    while True:
        if not queues[0] and not queues[1]:
            if i >= n:
                break
            m = max(m, math.ceil(arrival[i] * rate))  # nobody waits: skip to the first tick after the next arrival
            while m / rate < arrival[i]:
                m += 1
        tick = m / rate
        if tick >= horizon:
            break
        while i < n and arrival[i] <= tick:
            queues[0 if priority[i] else 1].append(i)
            i += 1
        for queue in queues:
            while queue and deadline[queue[0]] < tick:
                u = queue.popleft()
                left[u], exposure[u] = deadline[u], tick - arrival[u]
            if queue:
                u = queue.popleft()
                let_in[u], exposure[u] = tick, tick - arrival[u]
                break
        m += 1
    unresolved = [*queues[0], *queues[1], *(u for u in range(i, n) if arrival[u] < horizon)]
    for u in unresolved:
        exposure[u] = horizon - arrival[u]
        if deadline[u] <= horizon:
            left[u] = deadline[u]
    return Room(let_in, left, exposure)


def _schedule(buckets: list[list[np.ndarray]], ids: np.ndarray, times: np.ndarray, dt: float, first: int) -> None:
    """Put each user's next request in the step that contains its time (never before step `first`)."""
    steps = np.maximum(np.floor(times / dt).astype(np.int64), first)
    keep = steps < len(buckets)
    ids, steps = ids[keep], steps[keep]
    if len(ids) == 0:
        return
    order = np.argsort(steps, kind="stable")
    ids, steps = ids[order], steps[order]
    values, starts = np.unique(steps, return_index=True)
    ends = [*starts[1:], len(steps)]
    for step, start, end in zip(values.tolist(), starts.tolist(), ends, strict=True):
        buckets[step].append(ids[start:end])


def run_origin(
    entry: np.ndarray, budget: np.ndarray, phase: np.ndarray, params: dict[str, Any], dt: float, n_steps: int
) -> Origin:
    """Sessions at the origin from their entry times (nan: never entered), advanced in steps of dt.

    `budget` is the delay each user still accepts on entering: patience minus the wait in the room.
    """
    n = len(entry)
    r = params["requests_per_user"]
    slot = params["session_s"] / r
    capacity = params["origin_capacity_rps"]
    in_time = capacity * params["timeout_s"]  # requests that can be ahead of one that still makes its timeout
    shedding = params["load_shedding"]
    sent, ok = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    lost = np.zeros(n)  # seconds lost to failed requests
    purchased, quit_at, session_end = np.full(n, np.nan), np.full(n, np.nan), np.full(n, math.inf)
    requests, succeeded, failed = (np.zeros(n_steps) for _ in range(3))
    buckets: list[list[np.ndarray]] = [[] for _ in range(n_steps)]
    entered = np.flatnonzero(~np.isnan(entry))
    _schedule(buckets, entered, entry[entered] + phase[entered] * slot, dt, 0)
    first_failed = np.full(n_steps, np.nan)
    backlog = 0.0
    for k in range(n_steps):
        due = buckets[k]
        if not due:
            backlog = max(0.0, backlog - capacity * dt)
            continue
        buckets[k] = []
        ids = due[0] if len(due) == 1 else np.concatenate(due)
        times = entry[ids] + (sent[ids] + phase[ids]) * slot
        order = np.argsort(times, kind="stable")
        ids, times = ids[order], times[order]
        count = len(ids)
        # The i-th request of the step finds the backlog plus the i before it, less what was served meanwhile.
        ahead = backlog + np.arange(count) - capacity * (times - k * dt)
        late = np.flatnonzero(ahead > in_time)
        fits = int(late[0]) if len(late) else count
        if fits < count:
            first_failed[k] = times[fits]
        backlog = max(0.0, backlog + (fits if shedding else count) - capacity * dt)
        requests[k], succeeded[k], failed[k] = count, fits, count - fits
        sent[ids] += 1
        good, good_times = ids[:fits], times[:fits]
        ok[good] += 1
        done = ok[good] >= r
        buyers = good[done]
        purchased[buyers] = good_times[done]
        session_end[buyers] = good_times[done] + (1 - phase[buyers]) * slot
        bad, bad_times = ids[fits:], times[fits:]
        lost[bad] += slot
        gives_up = lost[bad] > budget[bad]
        quitters = bad[gives_up]
        quit_at[quitters] = session_end[quitters] = bad_times[gives_up]
        going_on = np.concatenate((good[~done], bad[~gives_up]))
        _schedule(buckets, going_on, entry[going_on] + (sent[going_on] + phase[going_on]) * slot, dt, k + 1)
    return Origin(purchased, quit_at, session_end, requests, succeeded, failed, first_failed)


@dataclass
class Sessions:
    """The number of sessions in progress as a step function: `active[i]` holds on [times[i], times[i + 1])."""

    times: np.ndarray
    active: np.ndarray
    integral: np.ndarray  # of `active` from 0 to times[i]

    def mean_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Time-average of the sessions in progress over each [start, end)."""
        return (np.interp(end, self.times, self.integral) - np.interp(start, self.times, self.integral)) / (end - start)


def sessions_in_progress(starts: np.ndarray, ends: np.ndarray, horizon: float) -> Sessions:
    """Sweep over session starts (+1) and ends (-1); an end and a start at the same instant do not overlap."""
    # Rounding to 1e-9 s makes m / a + S and (m + aS) / a the same instant.
    times = np.round(np.concatenate((starts, np.minimum(ends, horizon), [horizon])), 9)
    deltas = np.concatenate((np.ones(len(starts)), -np.ones(len(ends)), [0.0]))
    order = np.lexsort((deltas, times))
    times, active = times[order], np.cumsum(deltas[order])
    widths = np.diff(times, append=times[-1])
    integral = np.concatenate(([0.0], np.cumsum(active * widths)[:-1]))
    return Sessions(times, active, integral)


def spells(times: np.ndarray, widths: np.ndarray, flags: np.ndarray) -> list[tuple[float, float]]:
    """Spells [start, end) in which flags hold, merging those less than MERGE_GAP_S apart."""
    found: list[tuple[float, float]] = []
    for start, width in zip(times[flags].tolist(), widths[flags].tolist(), strict=True):
        if width <= 0:
            continue
        if found and start - found[-1][1] < MERGE_GAP_S:
            found[-1] = (found[-1][0], start + width)
        else:
            found.append((start, start + width))
    return found


def count_inversions(values: np.ndarray) -> int:
    """Pairs i < j with values[i] > values[j]."""
    n = len(values)
    if n < 2:
        return 0
    if n <= 32:
        items = values.tolist()
        return sum(1 for i in range(n) for j in range(i + 1, n) if items[i] > items[j])
    mid = n // 2
    left, right = values[:mid], values[mid:]
    across = mid * len(right) - int(np.searchsorted(np.sort(left), right, side="right").sum())
    return count_inversions(left) + count_inversions(right) + across


def fifo_violations(let_in: np.ndarray, priority: np.ndarray) -> int:
    """Users let in ahead of an earlier arrival of their class (users are numbered in arrival order)."""
    violations = 0
    for cls in (True, False):
        ids = np.flatnonzero((priority == cls) & ~np.isnan(let_in))
        in_order = ids[np.argsort(let_in[ids], kind="stable")]
        if len(in_order) > 1:
            violations += int(np.sum(in_order[1:] < np.maximum.accumulate(in_order)[:-1]))
    return violations


def out_of_order_share(purchased: np.ndarray, session_end: np.ndarray, priority: np.ndarray) -> float | None:
    """Share of same-class pairs of purchasers whose purchase sessions ended in the reverse order of their arrival."""
    inverted = pairs = 0
    for cls in (True, False):
        times = session_end[(priority == cls) & ~np.isnan(purchased)]  # in arrival order
        inverted += count_inversions(times)
        pairs += len(times) * (len(times) - 1) // 2
    return inverted / pairs if pairs else None


def _count_before(times: np.ndarray, at: np.ndarray) -> np.ndarray:
    """How many of the (unsorted, nan for never) times fall before each instant in `at`."""
    return np.searchsorted(np.sort(times[~np.isnan(times)]), at, side="left")


def queue_peak(users: Users, room: Room, horizon: float) -> tuple[int, float, int]:
    """The most users waiting at once, when, and how many of them held priority."""
    left_room = np.where(np.isnan(room.let_in), room.left, room.let_in)
    gone = ~np.isnan(left_room)
    came = users.arrival < horizon
    times = np.concatenate((users.arrival[came], left_room[gone]))
    deltas = np.concatenate((np.ones(int(came.sum())), -np.ones(int(gone.sum()))))
    order = np.lexsort((deltas, times))  # a departure and an arrival at the same instant: departure first
    length = np.cumsum(deltas[order])
    if len(length) == 0 or length.max() <= 0:
        return 0, 0.0, 0
    at = int(np.argmax(length))
    peak_t = float(times[order][at])
    priority = int(np.sum(users.priority & (users.arrival <= peak_t) & ~(left_room <= peak_t)))
    return int(length[at]), peak_t, priority


def _wait_stats(waits: np.ndarray) -> tuple[float | None, float | None]:
    if len(waits) == 0:
        return None, None
    return round(float(waits.max()), 6), round(float(waits.mean()), 6)


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    """Draw the users, run the room (if on) and the origin, then replay the run frame by frame."""
    rng = np.random.default_rng(seed)
    duration = params["duration_s"]
    capacity = params["origin_capacity_rps"]
    r, session = params["requests_per_user"], params["session_s"]
    rate, use_room = params["admission_rate"], params["waiting_room"]
    users = draw_users(params, rng)
    n = len(users.arrival)
    arrived = users.arrival < duration
    n_frames = min(MAX_FRAMES, max(1, int(duration)))
    width = duration / n_frames
    substeps = math.ceil(width / min(MAX_STEP_S, session / r, params["timeout_s"] / 4) - 1e-9)
    dt = width / substeps

    if use_room:
        room = run_room(users, rate, duration)
        entry = room.let_in
    else:
        room = Room(np.full(n, np.nan), np.full(n, np.nan), np.where(arrived, 0.0, np.nan))
        entry = np.where(arrived, users.arrival, np.nan)
    budget = users.patience - np.nan_to_num(entry - users.arrival)
    origin = run_origin(entry, budget, users.phase, params, dt, n_frames * substeps)

    entered = ~np.isnan(entry)
    sessions = sessions_in_progress(entry[entered], origin.session_end[entered], duration)
    load = sessions.active * r / session
    widths = np.diff(sessions.times, append=sessions.times[-1])
    over = load > capacity * (1 + 1e-9)
    overload_spells = spells(sessions.times, widths, over)
    step_starts = np.arange(n_frames * substeps) * dt
    failing = origin.failed > 0
    # A failure spell starts at its first failed request, not at the start of that step.
    failure_spells = spells(origin.first_failed, step_starts + dt - np.nan_to_num(origin.first_failed), failing)

    # Per frame: the frame covers [start, end) and is stamped with its end.
    ends = np.arange(1, n_frames + 1) * width
    starts = ends - width
    per_frame = {
        name: getattr(origin, name).reshape(n_frames, substeps).sum(axis=1)
        for name in ("requests", "succeeded", "failed")
    }
    mean_load = sessions.mean_between(starts, ends) * r / session
    gave_up = np.where(np.isnan(room.left), origin.quit, room.left)
    abandoned_by = _count_before(gave_up, ends)
    purchased_by = _count_before(origin.purchased, ends)
    arrivals_by = np.searchsorted(users.arrival, ends, side="left")
    arrivals_in = np.diff(np.concatenate(([0], arrivals_by)))
    waiting, wait_means = {}, {}
    let_in_frame = np.floor(np.nan_to_num(room.let_in, nan=-1.0) / width).astype(np.int64)
    let_in_frame[np.isnan(room.let_in)] = -1
    let_in_frame = np.minimum(let_in_frame, n_frames - 1)
    waits = room.let_in - users.arrival
    for name, cls in (("priority", True), ("normal", False)):
        mine = users.priority == cls
        left_room = np.where(np.isnan(room.let_in), room.left, room.let_in)[mine]
        came = np.searchsorted(users.arrival[mine], ends, side="left")
        waiting[name] = (came - _count_before(left_room, ends)) if use_room else np.zeros(n_frames, dtype=np.int64)
        chosen = mine & (let_in_frame >= 0)
        count = np.bincount(let_in_frame[chosen], minlength=n_frames)
        total = np.bincount(let_in_frame[chosen], weights=waits[chosen], minlength=n_frames)
        wait_means[name] = np.divide(total, count, out=np.zeros(n_frames), where=count > 0)
    let_in_count = np.bincount(let_in_frame[let_in_frame >= 0], minlength=n_frames)
    in_play = arrivals_by - abandoned_by - purchased_by  # waiting or at the origin

    # Events.
    events: list[Event] = []
    n_priority = int(users.priority.sum())
    with_priority_en = f" ({n_priority:,} with priority)" if n_priority else ""
    with_priority_ja = f"（うち優先ユーザー {n_priority:,} 人）" if n_priority else ""
    within_en = f"within {params['surge_s']:g} s" if params["surge_s"] > 0 else "at once"
    within_ja = f"{params['surge_s']:g} 秒のうちに" if params["surge_s"] > 0 else "一度に"
    events.append(
        Event(
            0.0, "surge",
            Text(
                f"Sales open: {n:,} users{with_priority_en} arrive {within_en}",
                f"販売開始です。{within_ja} {n:,} 人{with_priority_ja}が押し寄せます",
            ),
        )
    )  # fmt: skip
    if use_room and rate * r > capacity:
        events.append(
            Event(
                0.0, "room_too_fast",
                Text(
                    f"The room lets in {rate:g} users/s × {r} requests = {rate * r:g} req/s of sessions, more than the origin's {capacity:g} req/s",
                    f"待合室は毎秒 {rate:g} 人 × {r} リクエスト = {rate * r:g} req/s 分のセッションを入場させます。オリジンの処理能力 {capacity:g} req/s を上回っています",
                ),
            )
        )  # fmt: skip
    for start, end in overload_spells[:MAX_SPELLS]:
        events.append(
            Event(
                start, "origin_over",
                Text(
                    f"Offered load passes the origin's capacity of {capacity:g} req/s",
                    f"オリジンへの負荷が処理能力 {capacity:g} req/s を超えました",
                ),
            )
        )  # fmt: skip
        if end < duration:
            events.append(
                Event(
                    end,
                    "origin_within",
                    Text("Offered load is back within capacity", "オリジンへの負荷が処理能力の範囲内に戻りました"),
                )
            )
    for start, end in failure_spells[:MAX_SPELLS]:
        if params["load_shedding"]:
            text = Text(
                f"The origin starts rejecting (503) requests it cannot answer within {params['timeout_s']:g} s",
                f"オリジンが {params['timeout_s']:g} 秒以内に応答できないリクエストを 503 で断り始めました",
            )
        else:
            text = Text(
                f"Requests time out: the origin's backlog is longer than the {params['timeout_s']:g} s timeout",
                f"リクエストがタイムアウトし始めました。オリジンの処理待ちがタイムアウトの {params['timeout_s']:g} 秒より長くなっています",
            )
        events.append(Event(start, "requests_failing", text))
        if end < duration:
            events.append(
                Event(
                    end, "requests_succeed", Text("Requests succeed again", "リクエストが再び成功するようになりました")
                )
            )
    peak_waiting, peak_t, peak_priority = queue_peak(users, room, duration) if use_room else (0, 0.0, 0)
    if peak_waiting:
        events.append(
            Event(
                peak_t, "queue_peak",
                Text(
                    f"The queue peaks at {peak_waiting:,} users waiting ({peak_priority:,} with priority)",
                    f"待合室の行列が最長の {peak_waiting:,} 人になりました（うち優先ユーザー {peak_priority:,} 人）",
                ),
            )
        )  # fmt: skip
    still_waiting = int(np.sum(arrived & np.isnan(room.let_in) & np.isnan(room.left))) if use_room else 0
    if use_room and still_waiting:
        events.append(
            Event(
                duration, "still_waiting",
                Text(f"{still_waiting:,} users are still waiting when the run ends", f"終了時点でまだ {still_waiting:,} 人が待合室で待っています"),
            )
        )  # fmt: skip
    elif use_room and entered.any() and arrived.all():
        last = int(np.nanargmax(room.let_in))
        events.append(
            Event(
                float(room.let_in[last]), "last_let_in",
                Text(
                    f"The last waiting user is let in after {waits[last]:.1f} s in the queue",
                    f"最後まで待っていたユーザーが {waits[last]:.1f} 秒待って入場しました",
                ),
            )
        )  # fmt: skip
    events.sort(key=lambda event: event.t)

    for f in range(n_frames):
        frame_events = [e for e in events if starts[f] <= e.t < ends[f] or (f == n_frames - 1 and e.t >= ends[f])]
        failed_here = per_frame["failed"][f] > 0
        if per_frame["requests"][f] == 0 and mean_load[f] == 0:
            origin_state = "idle"
        elif failed_here:
            origin_state = "degraded" if params["load_shedding"] else "down"
        elif mean_load[f] > capacity * (1 + 1e-9):
            origin_state = "degraded"
        elif mean_load[f] > 0.8 * capacity:
            origin_state = "busy"
        else:
            origin_state = "ok"
        queued = waiting["priority"][f] + waiting["normal"][f]
        room_state = ("busy" if queued or let_in_count[f] else "ok") if use_room else "idle"
        yield Frame(
            t=float(ends[f]),
            progress=float(ends[f] / duration),
            series={
                "waiting_normal": int(waiting["normal"][f]),
                "waiting_priority": int(waiting["priority"][f]),
                "let_in_per_s": round(float(let_in_count[f] / width), 3),
                "load_rps": round(float(mean_load[f]), 3),
                "succeeded_rps": round(float(per_frame["succeeded"][f] / width), 3),
                "failed_rps": round(float(per_frame["failed"][f] / width), 3),
                "capacity_rps": capacity,
                "abandoned": int(abandoned_by[f]),
                "purchased": int(purchased_by[f]),
                "wait_normal_s": round(float(wait_means["normal"][f]), 3),
                "wait_priority_s": round(float(wait_means["priority"][f]), 3),
            },
            events=frame_events,
            nodes={
                "users": "busy" if arrivals_in[f] else ("ok" if in_play[f] else "idle"),
                "room": room_state,
                "origin": origin_state,
            },
        )

    let_in_mask = ~np.isnan(room.let_in)
    if use_room:
        max_wait, mean_wait = _wait_stats(waits[let_in_mask])
        priority_max_wait, priority_mean_wait = _wait_stats(waits[let_in_mask & users.priority])
    else:
        max_wait = mean_wait = priority_max_wait = priority_mean_wait = 0.0
    share = out_of_order_share(origin.purchased, origin.session_end, users.priority)
    overload_s = float(np.sum(widths[over]))
    yield Result(
        {
            "admitted": int(np.sum(~np.isnan(origin.purchased))),
            "abandoned": int(np.sum(~np.isnan(gave_up))),
            "origin_overload_s": round(overload_s, 6),
            "failed_requests": int(origin.failed.sum()),
            "max_wait_s": max_wait,
            "mean_wait_s": mean_wait,
            "priority_max_wait_s": priority_max_wait,
            "priority_mean_wait_s": priority_mean_wait,
            "fifo_violations": fifo_violations(room.let_in, users.priority),
            "abandoned_waiting": int(np.sum(~np.isnan(room.left))),
            "abandoned_at_origin": int(np.sum(~np.isnan(origin.quit))),
            "successful_requests": int(origin.succeeded.sum()),
            "out_of_order_share": None if share is None else round(share, 6),
            "peak_sessions": int(sessions.active.max()) if len(sessions.active) else 0,
            "peak_sessions_bound": math.ceil(rate * session - 1e-9) if use_room else None,
            "overload_started_s": round(overload_spells[0][0], 6) if overload_spells else None,
            "failures_started_s": round(failure_spells[0][0], 6) if failure_spells else None,
            "arrived": int(arrived.sum()),
            "priority_users": n_priority,
            "let_in": int(entered.sum()),
            "peak_waiting": peak_waiting,
            "still_waiting": still_waiting,
            "in_session": int(np.sum(entered & np.isnan(origin.purchased) & np.isnan(origin.quit))),
        }
    )


# A sale of 5,000 users in 30 s against an origin that serves 200 req/s. A session is
# 10 requests over 60 s, so the room's Little's-law rate is 200 / 10 = 20 users/s
# (1,200 sessions in progress).
SALE = {
    "waiting_room": True,
    "surge_users": 5000,
    "surge_s": 30.0,
    "origin_capacity_rps": 200.0,
    "admission_rate": 20.0,
    "priority_share": 0.0,
    "requests_per_user": 10,
    "session_s": 60.0,
    "patience_s": 600.0,
    "timeout_s": 10.0,
    "load_shedding": False,
    "duration_s": 400.0,
}

SCENARIO = Scenario(
    slug="waiting-room",
    pattern="virtual-waiting-room",
    also_patterns=("load-shedding",),
    title=Text("Virtual waiting room for a ticket sale", "チケット発売と仮想待合室"),
    description=Text(
        "Thousands of users arrive within seconds of a ticket sale opening, and each purchase is a session of several "
        "requests to an origin that serves a fixed number of requests per second. Without a waiting room everyone "
        "hits the origin at once: its backlog outgrows the clients' timeout, requests fail, and users give up. With a "
        "waiting room, users queue in arrival order (priority users in a queue of their own, served first) and are let "
        "in at a fixed rate; sized by Little's law, that rate keeps the origin within its capacity, though the origin "
        "fills up only over the first session length. Optionally the origin sheds what it cannot answer in time, "
        "which keeps it serving at capacity but turns the sale into a lottery.",
        "チケットの発売直後の数秒間に何千人ものユーザーが押し寄せます。購入は、1 秒あたりに処理できるリクエスト数が決まっている"
        "オリジンへの、何回かのリクエストからなるセッションです。待合室がなければ全員が一斉にオリジンへ向かい、処理待ちが"
        "クライアントのタイムアウトより長くなって、リクエストが失敗し、ユーザーは離脱していきます。待合室があれば、ユーザーは"
        "到着順に並び（優先ユーザーは専用の行列に並んで先に案内されます）、一定の速さで入場します。リトルの法則で見積もった入場レートなら、"
        "オリジンは処理能力の範囲内に収まります。ただし、オリジンが処理能力いっぱいまで使われるのは、最初のセッション 1 回分の時間が過ぎてからです。"
        "オリジンに時間内に応答できない分を断らせる（ロードシェディング）こともでき、その場合オリジンは処理能力いっぱいで動き続けますが、"
        "購入できるかどうかはくじ引きのようになります。",
    ),
    params=(
        Param(
            "waiting_room",
            "bool",
            True,
            Text("Waiting room", "待合室"),
            Text(
                "On: users queue and are let in at the admission rate. Off: every user goes straight to the origin on arrival.",
                "オンなら、ユーザーは行列に並び、入場レートで入場します。オフなら、全員が到着してすぐにオリジンへ向かいます。",
            ),
        ),
        Param(
            "surge_users",
            "int",
            5000,
            Text("Users in the surge", "押し寄せるユーザー数"),
            Text("Users who arrive when the sale opens.", "販売開始とともに到着するユーザーの数です。"),
            unit="users",
            min=1,
            max=20000,
            step=100,
        ),
        Param(
            "surge_s",
            "float",
            30.0,
            Text("Surge length", "殺到が続く時間"),
            Text(
                "Users arrive at random, uniformly over this many seconds after the sale opens; 0 means all at once.",
                "ユーザーは販売開始からこの秒数のあいだに、一様にランダムな時刻に到着します。0 なら全員が同時に到着します。",
            ),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
        Param(
            "origin_capacity_rps",
            "float",
            200.0,
            Text("Origin capacity", "オリジンの処理能力"),
            Text(
                "Requests per second the origin answers. Beyond it a backlog builds, and a request that would wait longer than the timeout fails.",
                "オリジンが 1 秒あたりに応答できるリクエスト数です。これを超えると処理待ちがたまり、タイムアウトより長く待つことになるリクエストは失敗します。",
            ),
            unit="req/s",
            min=1,
            max=100000,
            step=10,
        ),
        Param(
            "admission_rate",
            "float",
            20.0,
            Text("Admission rate", "入場レート"),
            Text(
                "Users per second the waiting room lets through to the origin, one at a time at even intervals. It keeps the origin within capacity when admission rate × requests per user ≤ capacity.",
                "待合室がオリジンへ通す 1 秒あたりの人数です。一定の間隔で 1 人ずつ通します。入場レート × 1 人あたりのリクエスト数が処理能力以下なら、オリジンは処理能力の範囲内に収まります。",
            ),
            unit="users/s",
            min=0.1,
            max=10000,
            step=1,
        ),
        Param(
            "priority_share",
            "float",
            0.1,
            Text("Priority share", "優先ユーザーの割合"),
            Text(
                "Share of users with priority (members, presale codes). In the waiting room they queue separately and are let in first.",
                "優先権（会員、先行販売コードなど）を持つユーザーの割合です。待合室では専用の行列に並び、先に入場します。",
            ),
            min=0,
            max=1,
            step=0.05,
        ),
        Param(
            "requests_per_user",
            "int",
            10,
            Text("Requests per purchase", "購入 1 回あたりのリクエスト数"),
            Text(
                "Requests a purchase session makes to the origin, evenly spread over the session length.",
                "1 回の購入セッションがオリジンに送るリクエストの数です。セッションの長さに均等に散らばります。",
            ),
            unit="req",
            min=1,
            max=20,
        ),
        Param(
            "session_s",
            "float",
            60.0,
            Text("Session length", "セッションの長さ"),
            Text(
                "How long a purchase takes when no request fails. A failed request is sent again one request interval later, which stretches the session.",
                "リクエストが 1 つも失敗しなかったときに購入にかかる時間です。失敗したリクエストは 1 リクエスト分の間隔を空けて送り直すので、その分セッションが延びます。",
            ),
            unit="s",
            min=20,
            max=1800,
            step=5,
        ),
        Param(
            "patience_s",
            "float",
            600.0,
            Text("Mean patience", "我慢できる時間の平均"),
            Text(
                "The delay each user accepts, drawn from an exponential distribution with this mean. It counts the time in the waiting room plus the time lost to failed requests (one request interval per failure); a user whose delay exceeds it gives up. 0: nobody gives up.",
                "ユーザーごとに許容できる遅れで、この値を平均とする指数分布から引きます。待合室で待った時間と、失敗したリクエストで失った時間（失敗 1 回につきリクエスト 1 回分の間隔）を合わせて数え、これを超えたユーザーは離脱します。0 なら誰も離脱しません。",
            ),
            unit="s",
            min=0,
            max=7200,
            step=30,
        ),
        Param(
            "timeout_s",
            "float",
            10.0,
            Text("Client timeout", "クライアントのタイムアウト"),
            Text(
                "A request fails when the origin would answer it later than this.",
                "オリジンの応答がこの時間より遅くなるリクエストは失敗します。",
            ),
            unit="s",
            min=1,
            max=120,
            step=1,
        ),
        Param(
            "load_shedding",
            "bool",
            False,
            Text("Origin sheds load", "オリジンのロードシェディング"),
            Text(
                "On: the origin rejects at once (503) a request it cannot answer within the timeout and keeps serving at capacity. Off: it queues every request, also those whose clients have given up, and its goodput collapses under overload.",
                "オンなら、オリジンはタイムアウトまでに応答できないリクエストをすぐに 503 で断り、処理能力いっぱいの処理を続けます。オフなら、クライアントがもう待っていないリクエストまで含めてすべて処理待ちに積むので、過負荷になるとグッドプットが崩壊します。",
            ),
        ),
        Param(
            "duration_s",
            "float",
            400.0,
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time from the moment the sale opens.", "販売開始からのシミュレーション上の時間です。"),
            unit="s",
            min=10,
            max=1200,
            step=10,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="room",
            title=Text("Waiting room", "待合室"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("users, users/s", "人数、人/秒"),
            series=(
                Series("waiting_normal", Text("waiting (normal)", "待機中（一般）")),
                Series("waiting_priority", Text("waiting (priority)", "待機中（優先）")),
                Series("let_in_per_s", Text("let in per second", "1 秒あたりの入場者数")),
            ),
        ),
        Chart(
            id="origin",
            title=Text("Origin load and capacity", "オリジンの負荷と処理能力"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests/s", "リクエスト/秒"),
            series=(
                Series(
                    "load_rps",
                    Text(
                        "offered load (sessions × requests/session length)",
                        "負荷（セッション数 × リクエスト数 / セッションの長さ）",
                    ),
                ),
                Series("succeeded_rps", Text("succeeded", "成功")),
                Series("failed_rps", Text("failed", "失敗")),
                Series("capacity_rps", Text("capacity", "処理能力")),
            ),
        ),
        Chart(
            id="outcomes",
            title=Text("Purchases and users who gave up", "購入完了と離脱"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("users (cumulative)", "人数（累計）"),
            series=(
                Series("purchased", Text("purchased", "購入完了")),
                Series("abandoned", Text("gave up", "離脱")),
            ),
        ),
        Chart(
            id="waits",
            title=Text("Wait of the users let in during each step", "各ステップで入場したユーザーの待ち時間"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("mean wait (s), 0 when nobody was let in", "平均待ち時間（秒、入場者なしなら 0）"),
            series=(
                Series("wait_normal_s", Text("normal users", "一般ユーザー")),
                Series("wait_priority_s", Text("priority users", "優先ユーザー")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "admitted",
            Text("Purchases completed", "購入を完了したユーザー数"),
            "users",
            Text(
                "Users whose purchase went through (the last request of their session succeeded) before the run ended.",
                "シミュレーション終了までに購入が成立した（セッションの最後のリクエストが成功した）ユーザーの数です。",
            ),
        ),
        Measure(
            "abandoned",
            Text("Users who gave up", "離脱したユーザー数"),
            "users",
            Text(
                "Those who left the waiting room after waiting longer than their patience, plus those who gave up at the origin when the wait and the time lost to failed requests together exceeded it.",
                "我慢の時間より長く待って待合室を離れた人と、待った時間と失敗したリクエストで失った時間の合計が我慢の時間を超えてオリジンであきらめた人の合計です。",
            ),
        ),
        Measure(
            "origin_overload_s",
            Text("Time the origin was over capacity", "オリジンが処理能力を超えていた時間"),
            "s",
            Text(
                "Time during which the sessions in progress offered more requests per second than the origin's capacity.",
                "進行中のセッションが送る 1 秒あたりのリクエスト数が、オリジンの処理能力を上回っていた時間です。",
            ),
        ),
        Measure(
            "failed_requests",
            Text("Failed requests", "失敗したリクエスト数"),
            "req",
            Text(
                "Timed out, or rejected at once when the origin sheds load.",
                "タイムアウトしたもの、またはロードシェディングですぐに断られたものです。",
            ),
        ),
        Measure(
            "max_wait_s",
            Text("Longest wait in the room", "待合室での最長の待ち時間"),
            "s",
            Text(
                "Among the users the room let in; 0 without a waiting room, empty when nobody was let in.",
                "待合室から入場したユーザーの中での値です。待合室がなければ 0、入場者がいなければ値がありません。",
            ),
        ),
        Measure("mean_wait_s", Text("Mean wait in the room", "待合室での平均の待ち時間"), "s"),
        Measure(
            "priority_max_wait_s",
            Text("Longest wait of a priority user", "優先ユーザーの最長の待ち時間"),
            "s",
            Text(
                "Priority users wait only behind other priority users.",
                "優先ユーザーは、ほかの優先ユーザーの後ろにだけ並びます。",
            ),
        ),
        Measure("priority_mean_wait_s", Text("Mean wait of a priority user", "優先ユーザーの平均の待ち時間"), "s"),
        Measure(
            "fifo_violations",
            Text("Let in out of arrival order", "到着順を守らずに入場させた数"),
            "users",
            Text(
                "Users let in ahead of an earlier arrival of their own class who was still waiting; the room admits in arrival order, so this is 0.",
                "同じ区分でより早く到着してまだ待っている人がいるのに、先に入場したユーザーの数です。待合室は到着順に入場させるので 0 になります。",
            ),
        ),
        Measure("abandoned_waiting", Text("Gave up in the waiting room", "待合室で離脱した人数"), "users"),
        Measure("abandoned_at_origin", Text("Gave up at the origin", "オリジンであきらめた人数"), "users"),
        Measure("successful_requests", Text("Successful requests", "成功したリクエスト数"), "req"),
        Measure(
            "out_of_order_share",
            Text("Share of purchases out of arrival order", "到着順と逆に購入が完了した割合"),
            help=Text(
                "Among pairs of purchasers of the same class, the share whose purchase sessions ended in the reverse order of their arrival: 0 is strict arrival order, about 0.5 a lottery.",
                "同じ区分の購入者の組のうち、到着順と逆の順に購入セッションを終えた組の割合です。0 なら完全に到着順、0.5 前後ならくじ引きと同じです。",
            ),
        ),
        Measure(
            "peak_sessions",
            Text("Most sessions in progress at once", "同時に進行したセッションの最大数"),
            "sessions",
        ),
        Measure(
            "peak_sessions_bound",
            Text("Little's-law bound on sessions", "リトルの法則によるセッション数の上限"),
            "sessions",
            Text(
                "ceil(admission rate × session length): the most sessions an exactly paced room can have in progress at once; empty without a room.",
                "ceil(入場レート × セッションの長さ) です。正確な間隔で入場させる待合室で、同時に進行しうるセッションの最大数です。待合室がなければ値がありません。",
            ),
        ),
        Measure(
            "overload_started_s", Text("Origin first over capacity at", "オリジンが初めて処理能力を超えた時刻"), "s"
        ),
        Measure("failures_started_s", Text("First failed request at", "最初にリクエストが失敗した時刻"), "s"),
        Measure("arrived", Text("Users who arrived", "到着したユーザー数"), "users"),
        Measure("priority_users", Text("Priority users", "優先ユーザー数"), "users"),
        Measure(
            "let_in",
            Text("Users let in to the origin", "オリジンへ入場したユーザー数"),
            "users",
            Text("Without a waiting room, every user who arrived.", "待合室がなければ、到着した全員です。"),
        ),
        Measure("peak_waiting", Text("Longest queue", "最長の行列"), "users"),
        Measure("still_waiting", Text("Still waiting at the end", "終了時にまだ待っていた人数"), "users"),
        Measure("in_session", Text("Still in a session at the end", "終了時にまだセッション中だった人数"), "users"),
    ),  # fmt: skip
    source=Text(
        "Little's law L = λW (Little, 1961) as the sizing rule of the Virtual Waiting Room on AWS inlet strategies; "
        "FIFO queueing as in Cloudflare Waiting Room; exponential patience, P(give up) = 1 − e^(−w/patience)",
        "入場レートを決めるリトルの法則 L = λW（Little、1961 年）と Virtual Waiting Room on AWS のインレットストラテジー、"
        "Cloudflare Waiting Room と同じ到着順（FIFO）の行列、指数分布の我慢の時間による離脱確率 1 − e^(−w/平均)",
    ),
    topology=Topology(
        nodes=(
            Node("users", Text("Users", "ユーザー"), 0.12, 0.5),
            Node("room", Text("Waiting room", "待合室"), 0.5, 0.5),
            Node("origin", Text("Origin", "オリジン"), 0.88, 0.5),
        ),
        links=(("users", "room"), ("room", "origin")),
    ),
    presets=(
        Preset(
            "no-room-collapse",
            Text("No waiting room: the origin collapses", "待合室なし：オリジンが崩壊する"),
            {**SALE, "waiting_room": False},
        ),
        Preset(
            "room-sized",
            Text("A waiting room sized to the origin", "オリジンに合わせた待合室"),
            dict(SALE),
        ),
        Preset(
            "priority-first",
            Text("Priority users first", "優先ユーザーを先に"),
            {**SALE, "priority_share": 0.2, "patience_s": 0.0},
        ),
        Preset(
            "impatient",
            Text("Impatient users abandon", "待ちきれないユーザーが離脱する"),
            {**SALE, "patience_s": 120.0},
        ),
        Preset(
            "shedding-lottery",
            Text("No room, but the origin sheds load: a lottery", "待合室なしでロードシェディング：くじ引きになる"),
            {**SALE, "waiting_room": False, "load_shedding": True},
        ),
    ),
)
