"""Hostile peers and hostile input straight on the FastCGI socket.

Every test talks real FastCGI records (fcgi.py) to the real binary; none
goes through a web server, which is the point: these are the requests nginx
would never send."""
import os
import signal
import socket
import struct
import subprocess
import threading
import time

import pytest

import fcgi

LIST = "/api/v2/user/10/followings/"


def ok(svc, uri=LIST, **kw):
    r = fcgi.get(svc.address, uri, **kw)
    assert r.status == 200, (r.status, r.body)
    assert r.json()["count"] >= 1
    return r


def crashes(svc):
    return [line for line in svc.stderr().splitlines()
            if "killed by signal" in line or "crashed" in line or "exited with status" in line]


# ---------------------------------------------------------------- management records

def get_values(names):
    return fcgi.record(fcgi.GET_VALUES, 0, fcgi.pairs([(n, "") for n in names]))


def test_get_values_answered_bounded_and_without_stack_bytes(service_factory):
    svc = service_factory().start()
    with fcgi.connect(svc.address) as s:
        # libfcgi 2.4.2 smashes its stack from four names on; 3000 made it SIGSEGV.
        s.sendall(get_values(["FCGI_MPXS_CONNS"] * 3000 + ["FCGI_MAX_CONNS", "FCGI_MAX_REQS", "X"]))
        s.sendall(fcgi.record(99, 0, b"12345678"))        # an unknown management type
        raw = b""
        while len(raw) < 8 + 56 + 16:
            chunk = s.recv(4096)
            assert chunk, raw
            raw += chunk
    ver, rtype, rid, clen, plen = struct.unpack(">BBHHBx", raw[:8])
    assert (ver, rtype, rid) == (1, fcgi.GET_VALUES_RESULT, 0)
    body, padding = raw[8:8 + clen], raw[8 + clen:8 + clen + plen]
    assert body == b"\x0e\x01FCGI_MAX_CONNS1\x0d\x01FCGI_MAX_REQS1\x0f\x01FCGI_MPXS_CONNS0"
    assert padding == b"\0" * plen           # nothing of the stack in the padding
    unknown = raw[8 + clen + plen:]
    assert unknown == fcgi.record(fcgi.UNKNOWN_TYPE, 0, bytes([99]) + b"\0" * 7)
    ok(svc)
    assert crashes(svc) == []


def test_get_values_flood_while_legitimate_requests_all_succeed(service_factory):
    svc = service_factory(workers=2).start()
    before = svc.workers()
    stop = time.time() + 6
    sent = [0]

    def flood():
        payloads = [get_values(["FCGI_MPXS_CONNS"] * 4), get_values(["FCGI_MPXS_CONNS"] * 3000),
                    get_values(["FCGI_MAX_CONNS"]) * 40,
                    fcgi.record(fcgi.GET_VALUES, 0, b"\x7f\x7fshort")]   # pair past the record
        i = 0
        while time.time() < stop:
            try:
                with fcgi.connect(svc.address, timeout=3) as s:
                    s.sendall(payloads[i % len(payloads)])
                    s.shutdown(socket.SHUT_WR)
                    while s.recv(65536):
                        pass
                sent[0] += 1
            except OSError:
                pass
            i += 1
    floods = [threading.Thread(target=flood) for _ in range(4)]
    for t in floods:
        t.start()
    results = []
    while time.time() < stop:
        try:
            results.append(fcgi.get(svc.address, LIST, timeout=5).status)
        except OSError as e:
            results.append(repr(e))
    for t in floods:
        t.join()
    print(f"flood: {sent[0]} hostile connections, {len(results)} legitimate requests")
    assert sent[0] > 50
    assert len(results) > 10 and set(results) == {200}, results
    assert crashes(svc) == []
    assert svc.workers() == before       # not one worker replaced


def test_records_libfcgi_would_choke_on(service_factory):
    svc = service_factory().start()
    with fcgi.connect(svc.address) as s:      # FastCGI version 2
        s.sendall(b"\x02" + fcgi.record(fcgi.BEGIN_REQUEST, 1, b"\0\1\0\0\0\0\0\0")[1:])
        assert s.recv(100) == b""
    with fcgi.connect(svc.address) as s:      # parameters whose lengths run past their stream
        s.sendall(fcgi.record(fcgi.BEGIN_REQUEST, 1, struct.pack(">HB5x", 1, 0))
                  + fcgi.record(fcgi.PARAMS, 1, b"\x7f\x7fABC") + fcgi.record(fcgi.PARAMS, 1))
        assert s.recv(100) == b""
    with fcgi.connect(svc.address) as s:      # an authorizer: END_REQUEST with UNKNOWN_ROLE
        s.sendall(fcgi.record(fcgi.BEGIN_REQUEST, 1, struct.pack(">HB5x", 2, 0)))
        assert fcgi.read_records(s) == [(fcgi.END_REQUEST, 1, b"\0\0\0\0\3\0\0\0")]
    with fcgi.connect(svc.address) as s:      # a second request while one is open: CANT_MPX_CONN
        s.sendall(fcgi.record(fcgi.BEGIN_REQUEST, 1, struct.pack(">HB5x", 1, 1))
                  + fcgi.record(fcgi.BEGIN_REQUEST, 2, struct.pack(">HB5x", 1, 1)))
        assert fcgi.read_records(s) == [(fcgi.END_REQUEST, 2, b"\0\0\0\0\1\0\0\0")]
    with fcgi.connect(svc.address) as s:      # two pipelined requests, one write: both answered
        s.sendall(fcgi.request_bytes(fcgi.get_params(LIST), keep=True, stdin=b"ignored body")
                  + fcgi.request_bytes(fcgi.get_params("/nope"), req_id=7, keep=True))
        assert fcgi.parse_response(fcgi.read_records(s)).status == 200
        second = fcgi.read_records(s)
        assert second[-1][1] == 7 and fcgi.parse_response(second).status == 404
    ok(svc)
    assert crashes(svc) == []


# ---------------------------------------------------------------- idle and slow peers

def test_idle_and_trickling_connections_are_dropped_and_requests_still_served(service_factory):
    timeout = 2
    svc = service_factory(f"request_timeout = {timeout}", workers=2).start()
    idle = [fcgi.connect(svc.address, timeout=30) for _ in range(4)]   # twice the workers
    trickler = fcgi.connect(svc.address, timeout=30)
    payload = fcgi.request_bytes(fcgi.get_params(LIST))
    done = threading.Event()

    def trickle():
        for b in payload:
            if done.is_set():
                return
            try:
                trickler.send(bytes([b]))
            except OSError:
                return
            time.sleep(0.5)
    t = threading.Thread(target=trickle)
    t.start()
    start = time.time()
    r = ok(svc, timeout=30)      # queued behind 4 idle peers and a trickler on 2 workers
    waited = time.time() - start
    # Each worker is held at most request_timeout by each peer: 5 peers, 2 workers.
    assert waited < 3 * timeout + 2, waited
    for s in idle:               # every idle peer was dropped by the service
        s.settimeout(3 * timeout + 2)
        assert s.recv(10) == b""
    done.set()
    t.join()
    trickler.settimeout(3 * timeout + 2)
    assert trickler.recv(10) == b""
    assert r.status == 200
    # A kept-alive connection between requests gets keepalive_timeout, not request_timeout.
    with fcgi.connect(svc.address) as s:
        s.sendall(fcgi.request_bytes(fcgi.get_params(LIST), keep=True))
        assert fcgi.parse_response(fcgi.read_records(s)).status == 200
        time.sleep(timeout + 1)
        s.sendall(fcgi.request_bytes(fcgi.get_params(LIST), keep=True))
        assert fcgi.parse_response(fcgi.read_records(s)).status == 200
    assert crashes(svc) == []


def test_idle_kept_alive_connection_dropped_after_keepalive_timeout(service_factory):
    svc = service_factory("keepalive_timeout = 1", workers=1).start()
    with fcgi.connect(svc.address, timeout=10) as s:
        s.sendall(fcgi.request_bytes(fcgi.get_params(LIST), keep=True))
        assert fcgi.parse_response(fcgi.read_records(s)).status == 200
        start = time.time()
        assert s.recv(10) == b""
        assert time.time() - start < 4
    ok(svc)


def test_connection_accepted_before_a_reload_or_stop_is_still_served(service_factory):
    # A web server that has connected (the worker accepted) but not yet sent
    # its request when the pool reloads or stops must still get its answer:
    # only a kept connection idling between requests may be given up.
    svc = service_factory("request_timeout = 10", workers=1).start()
    for sig in (signal.SIGHUP, signal.SIGTERM):
        with fcgi.connect(svc.address, timeout=15) as s:
            time.sleep(0.5)          # the one worker has accepted it
            svc.proc.send_signal(sig)
            time.sleep(0.5)          # the worker has been told to stop
            s.sendall(fcgi.request_bytes(fcgi.get_params(LIST)))
            r = fcgi.parse_response(fcgi.read_records(s))
            assert r.status == 200 and r.json()["count"] >= 1, (sig, r.status, svc.stderr())
    assert svc.proc.wait(10) == 0
    assert crashes(svc) == []


# ---------------------------------------------------------------- size caps

def send_tolerant(address, data, timeout=15):
    """Sends data (the service may stop reading and close), then reads the answer."""
    s = fcgi.connect(address, timeout)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        return fcgi.parse_response(fcgi.read_records(s))
    finally:
        s.close()


def error_code(r):
    return r.json()["errors"][0]["code"]


def test_megabyte_query_string_and_100000_parameters_default_caps(service_factory):
    svc = service_factory().start()
    big = LIST + "?" + "x" * (1024 * 1024)
    r = send_tolerant(svc.address, fcgi.request_bytes(fcgi.get_params(big)))
    assert (r.status, error_code(r)) == (400, "request_too_large"), r.body
    many = LIST + "?" + "&".join(["a=1"] * 100000)
    r = send_tolerant(svc.address, fcgi.request_bytes(fcgi.get_params(many)))
    assert (r.status, error_code(r)) == (400, "request_too_large"), r.body
    # Under params_max_bytes but over query_max_bytes (8192) or query_max_params (1000).
    r = fcgi.get(svc.address, LIST + "?limit=1&pad=" + "y" * 9000)
    assert (r.status, r.json()["errors"][0]["message"]) == (400, "Query string too long."), r.body
    r = fcgi.get(svc.address, LIST + "?" + "&".join(["a=1"] * 1001))
    assert (r.status, r.json()["errors"][0]["message"]) == (400, "Too many query parameters."), r.body
    r = fcgi.get(svc.address, LIST + "?" + "&".join(["a=1"] * 999) + "&limit=1")
    assert r.status == 200 and len(r.json()["results"]) == 1
    r = fcgi.get(svc.address, LIST, extra=[("HTTP_AUTHORIZATION", "Bearer " + "t" * 9000)])
    assert (r.status, error_code(r)) == (401, "authentication_failed"), r.body
    assert "www-authenticate" in r.headers
    ok(svc)
    assert crashes(svc) == []


def test_100000_parameters_reach_the_parser_when_the_caps_allow(service_factory):
    svc = service_factory("params_max_bytes = 983040\nquery_max_bytes = 983040\n").start()
    many = LIST + "?" + "&".join(["a=1"] * 100000)
    start = time.time()
    r = send_tolerant(svc.address, fcgi.request_bytes(fcgi.get_params(many)))
    assert r.status == 400 and r.json()["errors"][0]["message"] == "Too many query parameters."
    assert time.time() - start < 5
    big = LIST + "?" + "x" * (1024 * 1024)       # still over the largest params_max_bytes
    r = send_tolerant(svc.address, fcgi.request_bytes(fcgi.get_params(big)))
    assert (r.status, error_code(r)) == (400, "request_too_large")
    ok(svc)
    assert crashes(svc) == []


# ---------------------------------------------------------------- crashes and backoff

def test_worker_dying_after_accept_is_replaced_at_once(service_factory):
    svc = service_factory(workers=1).start()
    start = time.time()
    for n in range(1, 13):       # as many deaths as once pushed the delay to 30 s
        ok(svc)                  # the one worker has accepted (and served) ...
        # ... then dies as a peer's crash would kill it (SIGKILL: sanitizer
        # builds would report a SIGSEGV sent by kill() as their own finding).
        os.kill(svc.workers()[0], signal.SIGKILL)
        deadline = time.time() + 5
        while time.time() < deadline and svc.stderr().count("killed by signal") < n:
            time.sleep(0.01)
    ok(svc)
    # Twelve crashes at start would have waited 0.1 + 0.2 + ... + 30 s = 141 s.
    print(f"12 deaths after accept, all replaced, in {time.time() - start:.1f} s")
    assert time.time() - start < 10
    assert svc.stderr().count("killed by signal 9") == 12
    assert "at start" not in svc.stderr(), svc.stderr()


def test_worker_crashing_before_any_accept_still_backs_off(service_factory):
    # A database password file that vanishes makes nothing crash; a worker
    # killed before its first accept does count, so a real crash loop still waits.
    svc = service_factory(workers=1).start()
    for _ in range(3):
        time.sleep(0.2)
        os.kill(svc.workers()[0], signal.SIGKILL)
        time.sleep(0.05)
    deadline = time.time() + 5
    while time.time() < deadline and "at start" not in svc.stderr():
        time.sleep(0.05)
    assert "crashed 1 time(s) in a row at start" in svc.stderr(), svc.stderr()
    ok(svc, timeout=20)


# ---------------------------------------------------------------- pid file

def run_until_exit(svc):
    svc.start(wait=False)
    try:
        return svc.proc.wait(10)
    except subprocess.TimeoutExpired:
        return None


def test_pid_file_symlink_is_refused(service_factory):
    target_dir = os.path.join(fcgi_tmp(), "pidtarget")
    os.makedirs(target_dir, exist_ok=True)
    target = os.path.join(target_dir, "precious")
    with open(target, "w") as f:
        f.write("do not touch\n")
    svc = service_factory()
    link = os.path.join(svc.dir, "master.pid")
    os.symlink(target, link)
    with open(svc.conf, "a") as f:
        f.write(f"pid_file = {link}\n")
    assert run_until_exit(svc) == 1
    assert open(target).read() == "do not touch\n"
    assert os.path.islink(link)
    assert "symbolic link" in svc.stderr()
    # A hard link planted in its place is refused too.
    os.unlink(link)
    os.link(target, link)
    assert run_until_exit(svc) == 1
    assert open(target).read() == "do not touch\n"
    # A plain path: written with the master's pid, removed at exit.
    os.unlink(link)
    svc.start()
    assert open(link).read() == f"{svc.proc.pid}\n"
    assert oct(os.stat(link).st_mode & 0o777) == "0o644"
    svc.stop()
    assert not os.path.exists(link)


def fcgi_tmp():
    return os.environ.get("SECURITY_TMP", "/tmp")


# ---------------------------------------------------------------- allowed clients

def refused(address, source=None):
    s = socket.socket(socket.AF_INET)
    s.settimeout(5)
    if source:
        s.bind((source, 0))
    s.connect(address)
    try:
        s.sendall(fcgi.request_bytes(fcgi.get_params(LIST)))
        return s.recv(100) == b""
    except ConnectionResetError:
        return True
    finally:
        s.close()


def test_tcp_listen_accepts_only_allowed_clients(service_factory):
    from conftest import free_port
    svc = service_factory(listen=f"127.0.0.1:{free_port()}").start()
    ok(svc)                                          # default: loopback allowed
    assert refused(svc.address, source="127.0.0.2")  # another local address: refused
    assert "127.0.0.2" in svc.stderr() and "allowed_clients" in svc.stderr()
    other = service_factory("allowed_clients = 127.0.0.2, ::1",
                            listen=f"127.0.0.1:{free_port()}").start()
    assert refused(other.address)                    # 127.0.0.1 not named
    s = socket.socket(socket.AF_INET)
    s.bind(("127.0.0.2", 0))
    s.settimeout(10)
    s.connect(other.address)
    s.sendall(fcgi.request_bytes(fcgi.get_params(LIST)))
    assert fcgi.parse_response(fcgi.read_records(s)).status == 200
    s.close()
    bad = service_factory("allowed_clients = 127.0.0.1, not-an-address")
    assert run_until_exit(bad) == 78
    assert "not an IP address" in bad.stderr()
