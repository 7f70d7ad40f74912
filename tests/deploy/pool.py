#!/usr/bin/python3
"""Process-model tests of the --listen pool behind nginx, under load.

Run by tests/deploy/run.sh once the master (started with --listen, `workers`
= 4, `max_requests` = 0) and nginx in front of it are up.  Each scenario runs
tests/deploy/load.py (a second process: kept-alive connections on
127.0.0.1, every response checked) while it does something to the service,
then judges the recorded responses.  Scenarios, in order:

  hup        SIGHUP: zero failed requests, every worker pid replaced
  bad_hup    SIGHUP with a file that does not load: refused, same pids,
             zero failed requests
  recycle    max_requests = 150 (by SIGHUP): workers replace themselves
             under load with zero failed requests
  kill9      SIGKILL of a worker at a random moment, then of one known to be
             inside a request: a new pid within 2 s each time, at most the
             request in flight on that worker lost
  backoff    a worker killed right after each start, before it accepts
             anything: the master waits longer each time (100, 200, 400,
             800 ms ...); one that dies after an accept is replaced at once
             (tests/security covers that)
  db_outage  MariaDB stopped for a few seconds and started again: only
             200 or 503 JSON with Retry-After, full service within seconds
             of the restart, no worker replaced
  long_run   wrk for LONG_SECONDS: per-worker VmRSS and open descriptors
             before/after (after a warm-up)
  sigterm    SIGTERM while requests are held in flight (tables locked): the
             held requests complete with 200, later ones get only 502 from
             nginx, master and workers gone within shutdown_timeout

Every wait is bounded.  The summary of each scenario is printed as one line
"pool: <scenario>: ..." and collected in --summary; the exit status is 1 if
any scenario failed.  The master is left running unless the sigterm scenario
ran (run.sh waits for it and checks its exit status).
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# ------------------------------------------------------------------ processes

def proc_state(pid):
    """The state letter of pid, or None if it is gone (a zombie counts as gone:
    its parent has not reaped it yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None
    return None if st in ("Z", "X") else st


def alive(pid):
    return proc_state(pid) is not None


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(x) for x in f.read().split()]
    except OSError:
        return []
    return sorted(k for k in kids if alive(k))


def vm_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_for(fn, timeout, interval=0.01):
    """Polls fn() until true; returns (value, seconds) or (None, timeout)."""
    t0 = time.monotonic()
    while True:
        v = fn()
        if v:
            return v, time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            return None, timeout
        time.sleep(interval)


class LogTail:
    """New lines of a log file since the last mark."""

    def __init__(self, path):
        self.path = path
        self.pos = self._size()

    def _size(self):
        try:
            return os.path.getsize(self.path)
        except OSError:
            return 0

    def mark(self):
        self.pos = self._size()

    def new(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


# ------------------------------------------------------------------ load

class Load:
    """load.py as a child process for at most `duration` seconds (or until
    stop())."""

    def __init__(self, ctx, duration, connections=4, name="load"):
        self.out = os.path.join(ctx.tmp, f"{name}.json")
        self.stop_file = os.path.join(ctx.tmp, f"{name}.stop")
        for f in (self.out, self.stop_file):
            if os.path.exists(f):
                os.unlink(f)
        self.duration = duration
        self.t_start = time.monotonic()
        self.p = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "load.py"), "--port", str(ctx.port),
             "--path", ctx.path, "--connections", str(connections),
             "--duration", str(duration), "--out", self.out,
             "--reference", ctx.reference, "--stop-file", self.stop_file])
        ctx.children.append(self.p)

    def stop(self):
        open(self.stop_file, "w").close()

    def result(self):
        try:
            self.p.wait(timeout=self.duration + 30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise Failure("load.py did not finish in time")
        if self.p.returncode != 0:
            raise Failure(f"load.py exited with status {self.p.returncode}")
        with open(self.out) as f:
            doc = json.load(f)
        return [tuple(r) for r in doc["records"]]


def counts(records):
    c = {}
    for r in records:
        c[r[2]] = c.get(r[2], 0) + 1
    return c


def fmt_counts(c):
    return " ".join(f"{k}={v}" for k, v in sorted(c.items())) or "none"


def examples(records, keep=("ok",), n=3):
    bad = [r for r in records if r[2] not in keep]
    return "; ".join(f"{r[2]} {r[3]}" for r in bad[:n])


class Failure(Exception):
    pass


# ------------------------------------------------------------------ context

class Ctx:
    def __init__(self, a):
        self.master = a.master_pid
        self.port = a.port
        self.path = a.path
        self.conf = a.conf
        self.base_conf = a.base_conf
        self.tmp = a.tmp
        self.sandbox = a.sandbox
        self.db_dir = a.db_dir
        self.db_socket = a.db_socket
        self.db_name = a.db_name
        self.workers = a.workers
        self.shutdown_timeout = a.shutdown_timeout
        self.long_seconds = a.long_seconds
        self.sanitized = a.sanitized
        self.app_log = LogTail(a.app_log)
        self.ngx_log = LogTail(a.nginx_error_log)
        self.reference = os.path.join(a.tmp, "reference.body")
        self.children = []
        self.summary = []
        self.failed = []
        self.strict_db = a.strict_db

    def write_conf(self, extra=""):
        with open(self.base_conf) as f:
            text = f.read()
        tmp = self.conf + ".new"
        with open(tmp, "w") as f:
            f.write(text + extra)
        os.chmod(tmp, 0o640)
        st = os.stat(self.base_conf)
        os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, self.conf)

    def db_crashes(self):
        """How many times the MariaDB error log says the server crashed."""
        try:
            with open(os.path.join(self.db_dir, "error.log"), errors="replace") as f:
                return f.read().count("got signal")
        except OSError:
            return 0

    def db_crash_warning(self, name):
        try:
            with open(os.path.join(self.db_dir, "error.log"), errors="replace") as f:
                text = f.read()
        except OSError:
            text = ""
        frames = re.findall(r"mariadbd\((_Z\w+)\+0x", text.rsplit("got signal", 1)[-1])[:3]
        query = re.findall(r"Query \(0x[0-9a-f]+\): (.{0,60})", text)
        line = (f"pool: {name}: WARNING: MariaDB crashed during this scenario "
                f"(server bug; top frames {frames}; query {query[-1] if query else '?'}...)"
                + ("" if self.strict_db else "; MariaDB restarted, scenario run again"))
        print(line, flush=True)
        self.summary.append(line)
        if self.strict_db:
            self.failed.append(name)

    def restart_db(self):
        subprocess.run([self.sandbox, "stop", self.db_dir], capture_output=True, timeout=90)
        p = subprocess.run([self.sandbox, "start", self.db_dir], capture_output=True, timeout=90)
        if p.returncode != 0:
            raise Failure("MariaDB did not start again after its crash")
        # the workers reconnect by themselves (at most once a second)
        time.sleep(2)

    def workers_now(self):
        return children(self.master)

    def wait_workers(self, n=None, exclude=(), timeout=10):
        """Waits until exactly n workers run, none of them in exclude."""
        n = n or self.workers
        ex = set(exclude)

        def ok():
            w = self.workers_now()
            return w if len(w) == n and not ex.intersection(w) else None
        w, took = wait_for(ok, timeout)
        if w is None:
            raise Failure(f"expected {n} workers (not {sorted(ex)}) within {timeout}s; "
                          f"have {self.workers_now()}")
        return w, took

    def report(self, name, ok, text):
        line = f"pool: {name}: {'ok' if ok else 'FAILED'}: {text}"
        print(line, flush=True)
        self.summary.append(line)
        if not ok:
            self.failed.append(name)

    def nginx_errors(self):
        text = self.ngx_log.new()
        cats = {
            "prematurely_closed": len(re.findall(r"upstream prematurely closed", text)),
            "reset": len(re.findall(r"Connection reset by peer", text)),
            "connect_failed": len(re.findall(r"connect\(\) to unix:\S+ failed", text)),
            "broken_pipe": len(re.findall(r"Broken pipe", text)),
            "other": 0,
        }
        lines = [l for l in text.splitlines() if "[error]" in l or "[crit]" in l or "[alert]" in l]
        cats["other"] = max(0, len(lines) - sum(cats.values()))
        return {k: v for k, v in cats.items() if v}


def fetch_reference(ctx):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", ctx.port, timeout=10)
    c.request("GET", ctx.path)
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 200:
        raise Failure(f"reference request: {r.status} {body[:200]!r}")
    with open(ctx.reference, "wb") as f:
        f.write(body)


def check_master(ctx):
    if not alive(ctx.master):
        raise Failure(f"the master (pid {ctx.master}) is gone")
    p = subprocess.run(["mariadb", "--no-defaults", "-S", ctx.db_socket, "-uroot", "-e",
                        "SELECT 1"], capture_output=True, timeout=20)
    if p.returncode != 0:
        try:
            with open(os.path.join(ctx.db_dir, "error.log"), errors="replace") as f:
                tail = "".join(f.readlines()[-15:])
        except OSError:
            tail = "(no log)"
        raise Failure("MariaDB does not answer (not the service's doing); the end of its log:\n"
                      + tail)


# ------------------------------------------------------------------ scenarios

def sc_hup(ctx):
    check_master(ctx)
    before, _ = ctx.wait_workers()
    ctx.app_log.mark()
    ctx.ngx_log.mark()
    load = Load(ctx, 6)
    time.sleep(2)
    t0 = time.monotonic()
    os.kill(ctx.master, signal.SIGHUP)
    after, took = ctx.wait_workers(exclude=before, timeout=10)
    # the old ones must be gone, not just outnumbered
    _, gone_took = wait_for(lambda: not any(alive(p) for p in before), 10)
    recs = load.result()
    c = counts(recs)
    fails = sum(v for k, v in c.items() if k != "ok")
    ok = fails == 0 and not set(before) & set(after) and not any(alive(p) for p in before)
    ctx.report("hup", ok,
               f"{len(recs)} requests ({fmt_counts(c)}), {fails} failed; workers {before} -> "
               f"{after} in {took:.2f}s, old ones gone after {gone_took:.2f}s; "
               f"nginx error log {ctx.nginx_errors() or 'clean'}"
               + (f"; e.g. {examples(recs)}" if fails else ""))
    return after


def sc_bad_hup(ctx):
    check_master(ctx)
    before, _ = ctx.wait_workers()
    ctx.app_log.mark()
    ctx.ngx_log.mark()
    ctx.write_conf("\nthis line has no equals sign\n")
    load = Load(ctx, 5)
    time.sleep(1.5)
    os.kill(ctx.master, signal.SIGHUP)
    refused, took = wait_for(lambda: "reload refused" in ctx.app_log.new(), 5)
    time.sleep(1.5)
    during = ctx.workers_now()
    recs = load.result()
    ctx.write_conf()           # the good file back (no reload needed)
    after = ctx.workers_now()
    c = counts(recs)
    fails = sum(v for k, v in c.items() if k != "ok")
    ok = bool(refused) and fails == 0 and during == before and after == before
    ctx.report("bad_hup", ok,
               f"{len(recs)} requests ({fmt_counts(c)}), {fails} failed; "
               f"reload {'refused (logged after %.2fs)' % took if refused else 'NOT refused'}; "
               f"workers {before} -> {after}"
               + (f"; e.g. {examples(recs)}" if fails else ""))


def sc_recycle(ctx):
    check_master(ctx)
    before, _ = ctx.wait_workers()
    ctx.write_conf("\nmax_requests = 150\n")
    os.kill(ctx.master, signal.SIGHUP)
    start, _ = ctx.wait_workers(exclude=before)
    wait_for(lambda: not any(alive(p) for p in before), 10)
    ctx.app_log.mark()
    ctx.ngx_log.mark()
    load = Load(ctx, 5)
    recs = load.result()
    log = ctx.app_log.new()
    recycled = len(re.findall(r"recycling after \d+ requests", log))
    crashed = len(re.findall(r"killed by signal|exited with status", log))
    c = counts(recs)
    fails = sum(v for k, v in c.items() if k != "ok")
    # back to no recycling for what follows
    ctx.write_conf()
    end = ctx.workers_now()
    os.kill(ctx.master, signal.SIGHUP)
    ctx.wait_workers(exclude=end)
    wait_for(lambda: not any(alive(p) for p in end), 10)
    ok = fails == 0 and recycled >= ctx.workers and crashed == 0
    ctx.report("recycle", ok,
               f"max_requests=150: {len(recs)} requests ({fmt_counts(c)}), {fails} failed; "
               f"{recycled} workers recycled themselves, {crashed} crashed; "
               f"nginx error log {ctx.nginx_errors() or 'clean'}"
               + (f"; e.g. {examples(recs)}" if fails else ""))


def sc_kill9(ctx):
    """Two kills under load: one at a random moment, then one of a worker
    known to be inside a request (the tables are locked, so every worker
    holds one); nginx may retry a request whose kept-alive connection
    failed, so "lost" is at most 1 each time, possibly 0."""
    check_master(ctx)
    before, _ = ctx.wait_workers()
    ctx.app_log.mark()
    ctx.ngx_log.mark()
    load = Load(ctx, 60)
    locker = None
    try:
        time.sleep(2)
        victim = before[0]
        t_kill = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        after, took = ctx.wait_workers(exclude=[victim], timeout=5)
        time.sleep(1.5)
        # second kill: a worker blocked in a query
        locker = lock_tables(ctx)
        wait_locked(ctx)
        time.sleep(1.0)
        victim2 = after[-1]
        t_kill2 = time.monotonic()
        os.kill(victim2, signal.SIGKILL)
        after2, took2 = ctx.wait_workers(exclude=[victim, victim2], timeout=5)
        time.sleep(0.3)
        unlock_tables(ctx, locker)
        locker = None
        time.sleep(1.5)
    finally:
        if locker is not None:
            unlock_tables(ctx, locker)
        load.stop()
    recs = load.result()
    c = counts(recs)
    fails = [r for r in recs if r[2] != "ok"]
    near1 = [r for r in fails if r[0] <= t_kill + 0.05 and r[1] >= t_kill - 0.05]
    near2 = [r for r in fails if r[0] <= t_kill2 + 0.05 and r[1] >= t_kill2 - 0.05]
    held = [r for r in recs if r[0] < t_kill2 < r[1]]
    stray = [r for r in fails if r not in near1 and r not in near2]
    new1 = sorted(set(after) - set(before))
    new2 = sorted(set(after2) - set(after))
    ok = (took <= 2.0 and took2 <= 2.0 and len(near1) <= 1 and len(near2) <= 1 and not stray
          and len(new1) == 1 and len(new2) == 1)
    ctx.report("kill9", ok,
               f"{len(recs)} requests ({fmt_counts(c)}); random kill of {victim}: replaced by "
               f"{new1} after {took * 1000:.0f} ms, {len(near1)} request lost; kill of {victim2} "
               f"inside a request ({len(held)} requests held on locked tables): replaced by {new2} "
               f"after {took2 * 1000:.0f} ms, {len(near2)} request lost"
               + (" (nginx retried the victim's request on a new connection)" if not near2 else "")
               + f"; other failures {len(stray)}; nginx error log {ctx.nginx_errors() or 'clean'}"
               + (f"; e.g. {examples(recs)}" if fails else ""))


def status_page(ctx):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", ctx.port, timeout=10)
    c.request("GET", "/fcgi-status?json")
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 200:
        raise Failure(f"status page: {r.status} {body[:200]!r}")
    return json.loads(body)


def sc_status(ctx):
    """The status page (status_path, the nginx example's location) covers
    the whole pool and keeps its totals across a SIGHUP reload and a worker
    killed with SIGKILL: the pool's request count moves by exactly the
    requests answered in between (the first status request included)."""
    check_master(ctx)
    before, _ = ctx.wait_workers()
    s0 = status_page(ctx)
    recs = Load(ctx, 2, name="status-a").result()
    os.kill(ctx.master, signal.SIGHUP)
    reloaded, _ = ctx.wait_workers(exclude=before, timeout=10)
    wait_for(lambda: not any(alive(p) for p in before), 10)
    victim = reloaded[0]
    os.kill(victim, signal.SIGKILL)        # idle: no request is lost with it
    now, _ = ctx.wait_workers(exclude=before + [victim], timeout=5)
    recs += Load(ctx, 2, name="status-b").result()
    s1 = status_page(ctx)
    answered = sum(1 for r in recs if r[2] == "ok")
    fails = len(recs) - answered
    moved = s1["accepted_requests"] - s0["accepted_requests"]
    pids = sorted(w["pid"] for w in s1["worker_list"])
    old_gen = max(w["generation"] for w in s0["worker_list"])
    ok = (fails == 0 and moved == answered + 1 and pids == sorted(ctx.workers_now())
          and s1["scope"] == "pool" and s1["master_pid"] == ctx.master
          and s1["workers"]["total"] == ctx.workers
          and all(w["generation"] > old_gen for w in s1["worker_list"])
          and s1["responses"]["2xx"] - s0["responses"]["2xx"] == answered + 1)
    ctx.report("status", ok,
               f"{len(recs)} requests ({fails} failed) around a SIGHUP and the SIGKILL of "
               f"{victim}: the pool's count moved by {moved} (expected {answered + 1}); "
               f"workers on the page {pids}, running {sorted(ctx.workers_now())}; "
               f"listen queue {s1['listen_queue']}")


def sc_backoff(ctx, rounds=5):
    """Kills the newest worker as soon as it appears (before it accepts: no
    load runs meanwhile); the master's delay before the next start should
    double from 100 ms after the first quick death (a worker that lived
    longer than 1 s, or had accepted a connection, is replaced at once)."""
    check_master(ctx)
    current, _ = ctx.wait_workers()
    ctx.app_log.mark()
    delays = []
    victim = current[-1]
    for i in range(rounds):
        known = set(ctx.workers_now())
        t_kill = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        w, took = ctx.wait_workers(exclude=[victim], timeout=10)
        new = sorted(set(w) - known)
        if len(new) != 1:
            raise Failure(f"backoff: expected one new worker, got {new}")
        delays.append(took)
        victim = new[0]
    log = ctx.app_log.new()
    announced = [int(x) for x in re.findall(r"next start in (\d+) ms", log)]
    # first death: the worker had lived long -> at once; then 100, 200, 400, ...
    expected = [0.0] + [0.1 * 2 ** k for k in range(rounds - 1)]
    ok = all(d >= e * 0.9 - 0.01 and d <= e + 0.5 for d, e in zip(delays, expected))
    ctx.report("backoff", ok,
               "respawn delays after a kill "
               + ", ".join(f"{d * 1000:.0f}" for d in delays)
               + " ms (expected about " + ", ".join(f"{e * 1000:.0f}" for e in expected)
               + f"); master announced {announced} ms")
    # Let the last one live past the crash window so later deaths count as
    # ordinary again.
    time.sleep(1.2)


def sandbox(ctx, cmd):
    t0 = time.monotonic()
    p = subprocess.run([ctx.sandbox, cmd, ctx.db_dir], capture_output=True, timeout=90)
    if p.returncode != 0:
        raise Failure(f"mariadb-sandbox.sh {cmd}: {p.stderr.decode(errors='replace')}")
    return time.monotonic() - t0


def sc_db_outage(ctx, down_seconds=4):
    check_master(ctx)
    before, _ = ctx.wait_workers()
    ctx.app_log.mark()
    ctx.ngx_log.mark()
    load = Load(ctx, 60)
    try:
        time.sleep(2)
        t_stop0 = time.monotonic()
        took_stop = sandbox(ctx, "stop")
        t_down = time.monotonic()
        time.sleep(down_seconds)
        t_start0 = time.monotonic()
        took_start = sandbox(ctx, "start")
        t_up = time.monotonic()
        time.sleep(6)
    finally:
        load.stop()
    recs = load.result()
    after = ctx.workers_now()
    c = counts(recs)
    bad = [r for r in recs if r[2] not in ("ok", "503")]
    during = [r for r in recs if t_down <= r[0] and r[1] <= t_start0]
    during_c = counts(during)
    non_ok = [r for r in recs if r[2] != "ok"]
    last_non_ok_end = max((r[1] for r in non_ok), default=None)
    recovery = max(0.0, last_non_ok_end - t_up) if last_non_ok_end else 0.0
    first_503 = min((r[1] for r in recs if r[2] == "503"), default=None)
    after_recovery = [r for r in recs if last_non_ok_end is not None and r[0] > last_non_ok_end]
    log = ctx.app_log.new()
    crashed = len(re.findall(r"killed by signal|exited with status", log))
    ok = (not bad and during and all(r[2] == "503" for r in during)
          and recovery <= 5.0 and len(after_recovery) > 100
          and after == before and crashed == 0)
    ctx.report("db_outage", ok,
               f"{len(recs)} requests ({fmt_counts(c)}); database stop took {took_stop:.1f}s, "
               f"down {down_seconds}s, start took {took_start:.1f}s; "
               f"while down: {fmt_counts(during_c)}; first 503 "
               + (f"{first_503 - t_stop0:.2f}s after the stop began" if first_503 else "never")
               + f"; full service {recovery:.2f}s after the database was back "
               f"({len(after_recovery)} requests after, all 200); workers {before} -> {after}, "
               f"{crashed} crashed; {len(bad)} answers other than 200/503-JSON"
               + (f"; e.g. {examples(recs, keep=('ok', '503'))}" if bad else ""))


def run_wrk(ctx, seconds, connections=4):
    url = f"http://127.0.0.1:{ctx.port}{ctx.path}"
    p = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
                        "--timeout", "10s", url],
                       capture_output=True, timeout=seconds + 30)
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0:
        raise Failure(f"wrk failed: {out} {p.stderr.decode(errors='replace')}")
    m = re.search(r"(\d+) requests in", out)
    total = int(m.group(1)) if m else -1
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "requests": total,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "raw": out,
    }


def snapshot(pids):
    return {p: (vm_rss_kb(p), fd_count(p)) for p in pids}


def sc_long_run(ctx):
    check_master(ctx)
    before, _ = ctx.wait_workers()
    ctx.app_log.mark()
    ctx.ngx_log.mark()
    warm = run_wrk(ctx, 5)
    time.sleep(0.5)
    s0 = snapshot(before + [ctx.master])
    res = run_wrk(ctx, ctx.long_seconds)
    time.sleep(0.5)
    after = ctx.workers_now()
    s1 = snapshot(before + [ctx.master]) if after == before else {}
    limit_kb = 2048
    growth = {p: s1[p][0] - s0[p][0] for p in s1}
    fd_delta = {p: s1[p][1] - s0[p][1] for p in s1}
    rss_ok = ctx.sanitized or all(g < limit_kb for g in growth.values())
    # A worker may or may not hold a kept-alive nginx connection at the
    # moment of either snapshot: one descriptor of slack.
    fd_ok = all(abs(d) <= 1 for d in fd_delta.values()) and sum(fd_delta.values()) <= 1
    crashed = len(re.findall(r"killed by signal|exited with status", ctx.app_log.new()))
    ok = (after == before and res["non2xx"] == 0 and res["socket_errors"] == 0
          and warm["non2xx"] == 0 and rss_ok and fd_ok and crashed == 0)
    per = "; ".join(
        f"{'master' if p == ctx.master else 'worker'} {p}: VmRSS {s0[p][0]}->{s1[p][0]} kB "
        f"({growth[p]:+d}), fds {s0[p][1]}->{s1[p][1]}" for p in s1)
    ctx.report("long_run", ok,
               f"wrk {ctx.long_seconds}s after a 5s warm-up ({warm['requests']} requests): "
               f"{res['requests']} requests, {res['rps']:.0f}/s, non-2xx {res['non2xx']}, "
               f"socket errors {res['socket_errors']}; {per}"
               + (f"; RSS not judged (sanitizer build)" if ctx.sanitized else
                  f"; RSS growth limit {limit_kb} kB")
               + (f"; workers changed {before} -> {after}" if after != before else ""))


def lock_tables(ctx):
    tables = ("users", "follows", "follow_counters", "tags", "user_tags",
              "preferences", "access_tokens")
    p = subprocess.Popen(
        ["mariadb", "--no-defaults", "-S", ctx.db_socket, "-uroot", ctx.db_name, "-e",
         "LOCK TABLES " + ", ".join(f"{t} WRITE" for t in tables)
         + "; SELECT 'deploy-lock', SLEEP(20);"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx.children.append(p)
    return p


def wait_locked(ctx):
    locked, _ = wait_for(lambda: "deploy-lock" in sql(
        ctx, "SELECT info FROM information_schema.processlist"), 10, 0.05)
    if not locked:
        raise Failure("could not lock the tables")


def sql(ctx, stmt):
    p = subprocess.run(["mariadb", "--no-defaults", "-S", ctx.db_socket, "-uroot", "-N", "-B",
                        "-e", stmt], capture_output=True, timeout=20)
    return p.stdout.decode()


def unlock_tables(ctx, locker):
    for line in sql(ctx, "SELECT id FROM information_schema.processlist "
                         "WHERE info LIKE 'SELECT ''deploy-lock''%'").split():
        sql(ctx, f"KILL {int(line)}")
    try:
        locker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        locker.kill()
        locker.wait()


def sc_sigterm(ctx, hold=1.5):
    check_master(ctx)
    before, _ = ctx.wait_workers()
    ctx.app_log.mark()
    ctx.ngx_log.mark()
    load = Load(ctx, 60)
    locker = None
    try:
        time.sleep(2)
        locker = lock_tables(ctx)
        wait_locked(ctx)
        # let every worker block on the lock (and the preference cache, TTL
        # 1 s, expire) with requests in flight
        time.sleep(1.2)
        t_term = time.monotonic()
        os.kill(ctx.master, signal.SIGTERM)
        time.sleep(hold)
        unlock_tables(ctx, locker)
        locker = None
        t_unlock = time.monotonic()
        gone, waited = wait_for(lambda: not alive(ctx.master), ctx.shutdown_timeout + 5, 0.01)
        took = t_unlock - t_term + waited       # from the signal
        workers_left = [p for p in before if alive(p)]
        time.sleep(1.0)
    finally:
        if locker is not None:
            unlock_tables(ctx, locker)
        load.stop()
    recs = load.result()
    inflight = [r for r in recs if r[0] < t_term < r[1]]
    pre = [r for r in recs if r[1] <= t_term]
    post = [r for r in recs if r[0] >= t_term]
    c_in, c_pre, c_post = counts(inflight), counts(pre), counts(post)
    bad_in = [r for r in inflight if r[2] != "ok"]
    bad_pre = [r for r in pre if r[2] != "ok"]
    # after the signal: requests the workers did not take; nginx answers 502
    bad_post = [r for r in post if r[2] not in ("ok", "502")]
    slow502 = max((r[1] - r[0] for r in post if r[2] == "502"), default=0.0)
    log = ctx.app_log.new()
    killed = "grace period over" in log
    ok = (gone and took <= ctx.shutdown_timeout and not workers_left and inflight
          and not bad_in and not bad_pre and not bad_post and not killed)
    ctx.report("sigterm", ok,
               f"{len(inflight)} requests in flight at SIGTERM (held {hold}s on locked tables): "
               f"{fmt_counts(c_in)}; before: {fmt_counts(c_pre)}; after the signal: "
               f"{fmt_counts(c_post)} (502 from nginx counted apart; the slowest took "
               f"{slow502:.2f}s); master "
               + (f"exited {took:.2f}s after SIGTERM ({waited:.2f}s after the tables were "
                  f"unlocked)" if gone else "DID NOT EXIT")
               + f", shutdown_timeout {ctx.shutdown_timeout}s, workers left {workers_left}"
               + (", grace period ran out" if killed else "")
               + f"; nginx error log {ctx.nginx_errors() or 'clean'}"
               + (f"; e.g. {examples(bad_in + bad_pre + bad_post, keep=())}"
                  if bad_in or bad_pre or bad_post else ""))


SCENARIOS = {
    "hup": sc_hup,
    "bad_hup": sc_bad_hup,
    "recycle": sc_recycle,
    "kill9": sc_kill9,
    "backoff": sc_backoff,
    "status": sc_status,
    "db_outage": sc_db_outage,
    "long_run": sc_long_run,
    "sigterm": sc_sigterm,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--master-pid", type=int, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/api/v2/user/20/followings/")
    ap.add_argument("--conf", required=True, help="the file the master reads")
    ap.add_argument("--base-conf", required=True, help="its normal content")
    ap.add_argument("--app-log", required=True)
    ap.add_argument("--nginx-error-log", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--db-dir", required=True)
    ap.add_argument("--db-socket", required=True)
    ap.add_argument("--db-name", required=True)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--shutdown-timeout", type=int, default=8)
    ap.add_argument("--long-seconds", type=int, default=45)
    ap.add_argument("--sanitized", action="store_true")
    ap.add_argument("--summary", required=True)
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("--strict-db", action="store_true",
                    help="a MariaDB crash fails the scenario (default: warn, restart, rerun once)")
    a = ap.parse_args()

    ctx = Ctx(a)
    names = a.only.split(",") if a.only else list(SCENARIOS)

    def on_term(sig, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        fetch_reference(ctx)
        for name in names:
            for attempt in (1, 2):
                crashes = ctx.db_crashes()
                mark = len(ctx.summary), len(ctx.failed)
                try:
                    SCENARIOS[name](ctx)
                except Failure as e:
                    ctx.report(name, False, str(e))
                if ctx.db_crashes() == crashes:
                    break
                # MariaDB itself crashed (a server bug, not the service's
                # doing): say so, start it again and, once, run the scenario
                # again, unless strict or the master is gone.
                ctx.db_crash_warning(name)
                if attempt == 2 or ctx.strict_db or not alive(ctx.master):
                    break
                del ctx.summary[mark[0]:]
                del ctx.failed[mark[1]:]
                ctx.restart_db()
            if not alive(ctx.master) and name != "sigterm":
                ctx.report(name, False, f"the master (pid {ctx.master}) died")
                break
    except KeyboardInterrupt:
        ctx.report("interrupted", False, "pool.py was interrupted")
    finally:
        for p in ctx.children:
            if p.poll() is None:
                p.kill()
                p.wait()
        with open(a.summary, "a") as f:
            for line in ctx.summary:
                f.write(line + "\n")
    sys.exit(1 if ctx.failed else 0)


if __name__ == "__main__":
    main()
