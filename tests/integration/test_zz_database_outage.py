"""The database too slow, then stopped: 503 with Retry-After, then recovery
without a restart of the service (followings-api.md §5, §7 read timeout).

Runs last (file name): it blocks tables and restarts MariaDB.  The service
runs with db_read_timeout = 2 and db_connect_timeout = 2."""

import subprocess
import time

import support as s
from support import http, assert_error, assert_page

P = s.followings_path(s.PAGER)
RECOVERY = 15.0


def sandbox(cmd):
    p = subprocess.run([s.DB_SANDBOX, cmd, s.DB_DIR], capture_output=True, timeout=90)
    assert p.returncode == 0, f"mariadb-sandbox.sh {cmd}: {p.stderr.decode(errors='replace')}"


def wait_recovered(port=None):
    def ok():
        r = http(P, port=port)
        return r.status == 200 and s.ids(r.json()) == s.PAGER_FOLLOWINGS[: (3 if port else 20)]
    _, took = s.wait_until(ok, RECOVERY, interval=0.3, what="service answering 200 again")
    return took


def test_slow_database_is_503():
    # A session holds write locks on every table the service reads, so its
    # queries wait; after db_read_timeout the service must answer 503.
    tables = ("users", "follows", "follow_counters", "tags", "user_tags",
              "preferences", "access_tokens")
    locker = subprocess.Popen(
        ["mariadb", "--no-defaults", "-S", s.DB_SOCKET, "-uroot", s.DB_NAME, "-e",
         "LOCK TABLES " + ", ".join(f"{t} WRITE" for t in tables) + "; SELECT SLEEP(30);"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        s.wait_until(lambda: s.sql(
            "SELECT COUNT(*) FROM information_schema.processlist "
            "WHERE info LIKE 'SELECT SLEEP(30)%';")[0][0] == "1", 10, what="locks taken")
        time.sleep(1.5)          # let the preference cache (TTL 1 s) expire too
        t0 = time.monotonic()
        resp = http(P, timeout=25)
        took = time.monotonic() - t0
        assert_error(resp, 503, "service_unavailable")
        assert took < 20, f"503 took {took:.1f} s"
        head = http(P, method="HEAD", timeout=25)
        assert head.status == 503 and head.header("Retry-After") == resp.header("Retry-After")
    finally:
        ids = s.sql("SELECT id FROM information_schema.processlist "
                    "WHERE info LIKE 'SELECT SLEEP(30)%';")
        for (pid,) in ids:
            s.sql(f"KILL {pid};")
        try:
            locker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            locker.kill()
            locker.wait()
    wait_recovered()
    wait_recovered(port=s.BASEURL_PORT)


def status():
    return http("/fcgi-status?json").json()


def test_stopped_database_is_503_then_recovers():
    assert_page(http(P))
    before = status()
    sandbox("stop")
    try:
        for _ in range(2):        # the broken connection, then a failed connect
            t0 = time.monotonic()
            resp = http(P, timeout=20)
            assert_error(resp, 503, "service_unavailable")
            assert time.monotonic() - t0 < 15
        resp = http(P, headers=s.bearer(s.jwt_for(s.VIEWER)), timeout=20)
        assert_error(resp, 503, "service_unavailable")
        resp = http(P, method="HEAD", timeout=20)
        assert resp.status == 503 and resp.header("Retry-After")
        assert_error(http(P, port=s.BASEURL_PORT, timeout=20), 503, "service_unavailable")
    finally:
        sandbox("start")
    wait_recovered()
    wait_recovered(port=s.BASEURL_PORT)
    # and everything is back: auth, counters, links
    body = assert_page(http(P + "?limit=2", headers=s.bearer(s.OPAQUE_VALID)))
    assert body["next"] == s.link(P, [], 2, 2)
    # The status page counted the outage: every 5xx a 503 with its cause,
    # failed connects, and the lost connections replaced.
    after = status()
    n503 = sum(after["unavailable"].values()) - sum(before["unavailable"].values())
    assert n503 >= 4
    assert after["responses"]["5xx"] - before["responses"]["5xx"] == n503
    assert after["unavailable"]["other"] == before["unavailable"]["other"]
    assert after["database"]["connect_failures"] > before["database"]["connect_failures"]
    assert after["database"]["reconnects"] > before["database"]["reconnects"]
