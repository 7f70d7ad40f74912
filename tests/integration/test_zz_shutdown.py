"""SIGTERM finishes the request in flight, then the service exits (the
project's interface; run.sh checks the exit status 0 at teardown).

Runs last of all (file name): it stops the second service instance, the one
behind the base_url server.  The first instance is stopped by run.sh while
idle."""

import os
import signal
import subprocess
import time

import support as s

P = s.followings_path(s.PAGER)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def test_sigterm_finishes_the_in_flight_request():
    pid = int(os.environ["FOLLOWINGS_APP2_PID"])
    assert alive(pid), "second service instance not running"
    s.assert_page(s.http(P, port=s.BASEURL_PORT))     # warm: connected, prefs cached

    # Hold the tables so the next request waits inside the service.
    tables = ("users", "follows", "follow_counters", "tags", "user_tags",
              "preferences", "access_tokens")
    locker = subprocess.Popen(
        ["mariadb", "--no-defaults", "-S", s.DB_SOCKET, "-uroot", s.DB_NAME, "-e",
         "LOCK TABLES " + ", ".join(f"{t} WRITE" for t in tables) + "; SELECT SLEEP(31);"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    curl = None
    try:
        s.wait_until(lambda: s.sql(
            "SELECT COUNT(*) FROM information_schema.processlist "
            "WHERE info LIKE 'SELECT SLEEP(31)%';")[0][0] == "1", 10, what="locks taken")
        curl = subprocess.Popen(
            ["curl", "-sS", "-i", "--max-time", "20",
             f"http://127.0.0.1:{s.BASEURL_PORT}{P}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.6)                 # the request now waits on the locks
        os.kill(pid, signal.SIGTERM)
        time.sleep(0.3)
    finally:
        for (qid,) in s.sql("SELECT id FROM information_schema.processlist "
                            "WHERE info LIKE 'SELECT SLEEP(31)%';"):
            s.sql(f"KILL {qid};")
        try:
            locker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            locker.kill()
            locker.wait()
    out, err = curl.communicate(timeout=30)
    assert curl.returncode == 0, err
    head, _, body = out.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    # The answer is complete: the list (or, had the database wait run past
    # db_read_timeout, a proper 503), never nginx's 502 for a cut connection.
    resp = s.Response(status, [tuple(x.strip() for x in line.split(":", 1))
                               for line in head.decode("latin-1").split("\r\n")[1:]],
                      body, "in-flight GET during SIGTERM")
    if status == 200:
        assert s.ids(s.assert_page(resp)) == s.PAGER_FOLLOWINGS[:s.BASE_LIMIT_DEFAULT]
    else:
        s.assert_error(resp, 503, "service_unavailable")
    s.wait_until(lambda: not alive(pid), 10, what="service exited after SIGTERM")
