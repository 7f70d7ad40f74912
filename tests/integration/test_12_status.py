"""The status page (status_path), the request log and the slow log.

The main instance (--listen, its own pool) runs with status_path =
/fcgi-status and request_log = on, behind the nginx example's
`location = /fcgi-status`; the second instance has no status_path and
log_format = json.  Two more processes are started here the way spawners
start them (listening socket on standard input, no master) to check the
per-process scope, JSON log lines, the slow log and 503s by cause."""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time

import pytest

import fcgi_client
import support as s
from support import http

STATUS = "/fcgi-status"
APP_LOG = os.environ.get("FOLLOWINGS_APP_LOG", "")
APP2_LOG = os.environ.get("FOLLOWINGS_APP2_LOG", "")
BIN = os.path.abspath(os.environ.get("FOLLOWINGS_BIN", "fcgi_app/followings-fcgi"))
MASTER = int(os.environ.get("FOLLOWINGS_APP_PID", "0"))
SOCKET = os.environ.get("FOLLOWINGS_APP_SOCKET", "")


def status_json(port=None):
    r = http(STATUS + "?json", port=port)
    assert r.status == 200, str(r)
    assert r.header("Content-Type") == "application/json", str(r)
    return r.json()


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return sorted(int(p) for p in f.read().split())


def test_status_text_is_the_default():
    r = http(STATUS)
    assert r.status == 200, str(r)
    assert r.header("Content-Type").startswith("text/plain"), str(r)
    text = r.body.decode()
    for line in ("scope:                 pool", "accepted requests:", "listen queue:",
                 "total workers:", "max active workers:", "all workers busy:",
                 "request duration ms:", "database time ms:", "db reconnects:",
                 "503 database_down:", "slow requests:", "start time:", "uptime seconds:"):
        assert line in text, f"{line!r} missing from\n{text}"


def test_status_json_has_every_section():
    d = status_json()
    assert d["scope"] == "pool"
    assert d["master_pid"] == MASTER
    for key in ("start_time", "start_time_unix", "uptime_seconds", "accepted_requests",
                "responses", "unavailable", "slow_requests", "database", "listen_queue",
                "workers", "request_duration_ms", "database_time_ms", "worker_list"):
        assert key in d, key
    assert set(d["responses"]) == {"1xx", "2xx", "3xx", "4xx", "5xx"}
    assert set(d["unavailable"]) == {"other", "database_down", "database_error"}
    assert set(d["database"]) == {"connects", "reconnects", "connect_failures"}
    assert set(d["workers"]) == {"total", "active", "idle", "max_active", "all_busy"}
    # The kernel tells the unix socket's accept queue through sock_diag.
    q = d["listen_queue"]
    assert q["source"] == "sock_diag" and q["length"] >= 0 and q["max"] == 1024, q
    # The request asking is in flight: at least one worker is active.
    w = d["workers"]
    assert w["active"] >= 1 and w["total"] == w["active"] + w["idle"] and w["max_active"] >= 1
    h = d["request_duration_ms"]
    assert h["buckets"][-1] == {"le": "+Inf", "count": h["count"]}
    counts = [b["count"] for b in h["buckets"]]
    assert counts == sorted(counts), "buckets are cumulative"
    assert h["count"] == d["accepted_requests"]


def test_scoreboard_covers_the_whole_pool():
    d = status_json()
    workers = children(MASTER)
    assert sorted(w["pid"] for w in d["worker_list"]) == workers
    assert d["workers"]["total"] == len(workers)
    # Every worker connected to the database at its start.
    assert d["database"]["connects"] >= len(workers)
    # Three connections to the service's socket that have not finished
    # sending their parameters hold three workers; the status request then
    # goes to a fourth; each is counted in its own worker's slot and the page
    # (answered by one worker) sees all of them.
    before = {w["pid"]: w["requests"] for w in d["worker_list"]}
    path = s.followings_path(s.PAGER)
    held = [fcgi_client.begin(SOCKET, path) for _ in range(3)]
    try:
        time.sleep(0.3)
        d = json.loads(fcgi_client.request(SOCKET, STATUS + "?json").text())
    finally:
        replies = [fcgi_client.finish(h) for h in held]
    assert [r.status for r in replies] == [200] * 3
    d = status_json()
    grew = [w["pid"] for w in d["worker_list"] if w["requests"] > before.get(w["pid"], 0)]
    assert len(grew) >= 4, (before, d["worker_list"])
    assert sum(w["requests"] for w in d["worker_list"]) <= d["accepted_requests"]


def test_counters_move_by_exactly_the_requests_sent():
    before = status_json()
    sent = [
        (s.followings_path(s.PAGER), 200),
        (s.followings_path(s.PAGER) + "?limit=2", 200),
        (s.followings_path(s.LONELY), 200),
        (s.followings_path(s.MISSING_USER), 404),
        ("/api/v2/user/20/followings", 301),
        (s.followings_path(s.PAGER) + "?limit=x", 400),
    ]
    body_bytes = 0
    for path, status in sent:
        r = http(path)
        assert r.status == status, str(r)
        body_bytes += len(r.body)
    r = http(s.followings_path(s.PAGER), headers=["Authorization: Bearer not-a-valid-token"])
    assert r.status == 401
    body_bytes += len(r.body)
    sent.append(("401", 401))
    after = status_json()

    # The first status request itself is counted too (it was answered, 200).
    n = len(sent) + 1
    assert after["accepted_requests"] - before["accepted_requests"] == n
    diff = {k: after["responses"][k] - before["responses"][k] for k in before["responses"]}
    assert diff == {"1xx": 0, "2xx": 4, "3xx": 1, "4xx": 3, "5xx": 0}
    assert after["request_duration_ms"]["count"] - before["request_duration_ms"]["count"] == n
    assert after["database_time_ms"]["count"] - before["database_time_ms"]["count"] == n
    # (plus the first status page's own body, whose size varies)
    assert after["response_body_bytes"] - before["response_body_bytes"] > body_bytes
    assert after["unavailable"] == before["unavailable"]
    assert after["uptime_seconds"] >= before["uptime_seconds"]


def test_openmetrics_passes_promtool():
    r = http(STATUS + "?openmetrics")
    assert r.status == 200
    assert r.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8"
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian package prometheus) is not installed: run script/bootstrap"
    p = subprocess.run([promtool, "check", "metrics"], input=r.body, capture_output=True, timeout=30)
    assert p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(), \
        p.stdout.decode() + p.stderr.decode() + r.body.decode()
    text = r.body.decode()
    assert 'followings_fcgi_info{version="' in text and 'scope="pool"} 1' in text
    m = re.search(r"^followings_fcgi_requests_total (\d+)$", text, re.M)
    assert m and int(m.group(1)) >= 1
    assert re.search(r'^followings_fcgi_request_duration_seconds_bucket\{le="\+Inf"\} \d+$', text, re.M)
    assert re.search(r"^followings_fcgi_listen_queue \d+$", text, re.M)


def test_status_is_a_404_when_status_path_is_unset():
    # The second instance has no status_path: the path is like any other.
    r = http(STATUS + "?json", port=s.BASEURL_PORT)
    s.assert_error(r, 404, "not_found")
    r = http("/status", port=s.BASEURL_PORT)
    s.assert_error(r, 404, "not_found")


def test_only_the_exact_status_path_and_only_get():
    r = http(STATUS + "/", port=s.ANY_PORT)
    s.assert_error(r, 404, "not_found")
    r = http(STATUS, method="POST", port=s.ANY_PORT, data="x")
    s.assert_error(r, 405, "method_not_allowed")
    assert r.header("Allow") == "GET, HEAD"
    r = http(STATUS, method="HEAD")
    assert r.status == 200 and r.body == b""


def _non_loopback_ipv4():
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                         capture_output=True, text=True).stdout
    m = re.search(r"inet (\d+\.\d+\.\d+\.\d+)/", out)
    return m.group(1) if m else None


def test_nginx_example_allows_the_status_page_from_loopback_only():
    addr = _non_loopback_ipv4()
    if addr is None:
        pytest.skip("no non-loopback IPv4 address to send from")
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", addr,
                        f"http://127.0.0.1:{s.PORT}{STATUS}"], capture_output=True, text=True,
                       timeout=15)
    assert p.stdout == "403", p.stdout + p.stderr
    # The API itself is not restricted.
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", addr,
                        f"http://127.0.0.1:{s.PORT}{s.followings_path(s.PAGER)}"],
                       capture_output=True, text=True, timeout=15)
    assert p.stdout == "200", p.stdout


def read_log(path, needle, timeout=5.0):
    """The lines of path that contain needle (waits for the first one)."""
    deadline = time.monotonic() + timeout
    while True:
        with open(path, errors="replace") as f:
            lines = [line.rstrip("\n") for line in f if needle in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_request_log_line_and_no_secret_in_it():
    rid = "it-" + secrets.token_hex(8)
    cookie_secret = "cookie-" + secrets.token_hex(8)
    query_secret = "qs-" + secrets.token_hex(8)
    path = s.followings_path(s.PAGER) + f"?limit=3&access_token={query_secret}"
    r = http(path, headers=s.bearer(s.OPAQUE_VALID) + [f"Cookie: sessionid={cookie_secret}",
                                                       f"X-Request-Id: {rid}"])
    assert r.status == 200, str(r)
    lines = read_log(APP_LOG, f"request_id={rid}")
    assert len(lines) == 1, lines
    line = lines[0]
    m = re.fullmatch(
        r"followings-fcgi\[(\d+)\]: info: request time=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) "
        r'method=GET uri="([^"]*)" status=200 bytes=(\d+) ms=(\d+\.\d{3}) db_ms=(\d+\.\d{3}) '
        r"pid=(\d+) request_id=(\S+)", line)
    assert m, line
    assert m.group(3) == s.followings_path(s.PAGER) + "?limit=3&access_token=REDACTED"
    assert int(m.group(4)) == len(r.body)
    assert float(m.group(6)) > 0 and float(m.group(6)) <= float(m.group(5))
    assert int(m.group(7)) == int(m.group(1)) and int(m.group(7)) in children(MASTER)
    assert m.group(8) == rid
    with open(APP_LOG, errors="replace") as f:
        log = f.read()
    for secret in (s.OPAQUE_VALID, cookie_secret, query_secret, "Bearer", "sessionid"):
        assert secret not in log, f"{secret!r} is in the log"


def test_request_id_from_nginx_when_the_client_sends_none():
    marker = secrets.token_hex(6)
    r = http(s.followings_path(s.PAGER) + f"?limit=1&m={marker}")
    assert r.status == 200
    lines = read_log(APP_LOG, f"m={marker}")
    assert len(lines) == 1, lines
    # nginx's $request_id: 32 hex digits (the example's map).
    assert re.search(r" request_id=[0-9a-f]{32}$", lines[0]), lines[0]


def test_second_instance_logs_json_lines():
    with open(APP2_LOG, errors="replace") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    assert lines
    for line in lines:
        if line.startswith(("=", "AddressSanitizer", "SUMMARY")):
            continue
        obj = json.loads(line)
        assert {"time", "level", "pid"} <= set(obj), line


# ------------------------------------------------------------- spawned processes

def spawn_fd0(tmp_path, extra, name, tcp=False, env=None):
    """The service as a spawner starts it: the listening socket on fd 0
    (a unix socket, or TCP on a free loopback port)."""
    conf = tmp_path / f"{name}.conf"
    conf.write_text(extra + ("user = root\n" if os.geteuid() == 0 else ""))
    if tcp:
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.bind(("127.0.0.1", 0))
        sock_path = lsock.getsockname()
    else:
        sock_path = str(tmp_path / f"{name}.sock")
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(sock_path)
    lsock.listen(16)
    log = open(tmp_path / f"{name}.log", "w")
    env = dict(os.environ, **(env or {}))
    proc = subprocess.Popen([BIN, "--config", str(conf)], stdin=lsock.fileno(), stdout=log,
                            stderr=log, env=env, close_fds=True)
    lsock.close()
    proc.log_path = tmp_path / f"{name}.log"
    return proc, sock_path, proc.log_path


SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:")


def stop(proc):
    """SIGTERM: a clean exit, and no sanitizer report (ASan/UBSan builds)."""
    proc.terminate()
    assert proc.wait(timeout=15) == 0
    log = proc.log_path.read_text(errors="replace")
    assert not SANITIZER.search(log), log


def test_spawned_process_reports_itself_with_json_and_slow_logs(tmp_path):
    # As if inherited from a spawner run by systemd: nothing may be sent there.
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify.sock"))
    notify.setblocking(False)
    proc, sock, logf = spawn_fd0(tmp_path, f"""db_socket = {s.DB_SOCKET}
db_user = root
db_name = {s.DB_NAME}
status_path = /st
request_log = on
slow_request_ms = 200
log_format = json
""", "fd0", env={"NOTIFY_SOCKET": str(tmp_path / "notify.sock")})
    try:
        path = s.followings_path(s.PAGER)
        for _ in range(2):
            r = fcgi_client.request(sock, path)
            assert r.status == 200, r.text()
        # The third waits for a write lock on users held for 1 s: slow.
        locker = subprocess.Popen(
            ["mariadb", "--no-defaults", "-S", s.DB_SOCKET, "-uroot", s.DB_NAME, "-e",
             "LOCK TABLES users WRITE; SELECT SLEEP(1);"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        s.wait_until(lambda: s.sql(
            "SELECT COUNT(*) FROM information_schema.processlist "
            "WHERE info LIKE 'SELECT SLEEP(1)%';")[0][0] == "1", 10, what="lock taken")
        r = fcgi_client.request(sock, path)
        assert r.status == 200, r.text()
        locker.wait(timeout=10)
        st = fcgi_client.request(sock, "/st?json")
        d = json.loads(st.text())
        assert d["scope"] == "process" and "this process only" in d["scope_note"]
        assert d["master_pid"] is None and d["pid"] == proc.pid
        assert d["listen_queue"] == {"length": 0, "max": 16, "source": "sock_diag"}
        assert d["workers"]["total"] == 1 and [w["pid"] for w in d["worker_list"]] == [proc.pid]
        assert d["accepted_requests"] == 3 and d["responses"]["2xx"] == 3
        slow_at_status = d["slow_requests"]
        assert d["slow_request_ms"] == 200
        om = fcgi_client.request(sock, "/st?openmetrics").text()
        assert 'scope="process"' in om
        text = fcgi_client.request(sock, "/st").text()
        assert "scope:                 process (this process only" in text
    finally:
        stop(proc)
    with pytest.raises(BlockingIOError):
        notify.recv(4096)
    notify.close()
    objs = [json.loads(line) for line in logf.read_text().splitlines() if line.strip()]
    requests = [o for o in objs if o.get("event") == "request"]
    slow = [o for o in objs if o.get("event") == "slow_request"]
    assert len(requests) == 6 and [o["uri"] for o in requests[:3]] == [path] * 3
    assert all(o["pid"] == proc.pid and o["level"] == "info" for o in requests)
    # Slow means at least slow_request_ms: the counter, the slow lines and
    # the request lines' own times agree.
    assert slow_at_status == sum(1 for o in requests[:3] if o["ms"] >= 200) >= 1
    assert requests[2]["ms"] >= 200, "the request behind the lock was slow"
    assert [o["request_id"] for o in slow] == [o["request_id"] for o in requests if o["ms"] >= 200]
    first = slow[0]
    assert first["level"] == "warn" and first["threshold_ms"] == 200 and first["status"] == 200
    assert first["request_id"] == requests[2]["request_id"]
    names = [st["name"] for st in first["statements"]]
    assert "context" in names and "page" in names, first
    assert first["round_trips"] == sum(1 for n in names if n != "connect")
    assert all(st["ms"] >= 0 and st["rows"] >= 0 for st in first["statements"])
    page = next(st for st in first["statements"] if st["name"] == "page")
    assert page["rows"] >= len(s.PAGER_FOLLOWINGS)
    assert abs(sum(st["ms"] for st in first["statements"]) - first["db_ms"]) < 0.01
    assert all("message" in o for o in objs if "event" not in o)


def test_503_counted_by_cause(tmp_path):
    proc, sock, _ = spawn_fd0(tmp_path, f"""db_socket = {tmp_path}/no-such-mysqld.sock
db_user = root
db_name = {s.DB_NAME}
db_connect_timeout = 1
status_path = /st
""", "nodb", tcp=True)
    try:
        path = s.followings_path(s.PAGER)
        r = s.wait_until(lambda: fcgi_client.request(sock, path), 10, what="spawned process up")[0]
        assert r.status == 503
        r = fcgi_client.request(sock, path)
        assert r.status == 503 and r.headers.get("retry-after") == "5"
        d = json.loads(fcgi_client.request(sock, "/st?json").text())
        assert d["unavailable"] == {"other": 0, "database_down": 2, "database_error": 0}
        # On TCP the kernel tells the accept queue through TCP_INFO.
        assert d["listen_queue"] == {"length": 0, "max": 16, "source": "tcp_info"}
        assert d["responses"]["5xx"] == 2
        assert d["database"]["connects"] == 0 and d["database"]["connect_failures"] >= 1
    finally:
        stop(proc)
