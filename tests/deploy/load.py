#!/usr/bin/python3
"""Steady HTTP load on 127.0.0.1 that checks every response.

    load.py --port P --path PATH --connections N --duration S --out FILE
            [--reference FILE] [--stop-file FILE] [--max-requests M]

N threads, each with its own kept-alive HTTP/1.1 connection (a new one after
any error), send GET PATH until S seconds have passed, the stop file exists
or M requests have been sent.  Every response is read in full and classified:

    ok           200 whose body is byte-for-byte the reference body
    bad200       200 with another body (truncated, mangled, other content)
    503          503 JSON {"errors":[{"code":"service_unavailable",...}]} with
                 a positive integer Retry-After
    bad503       503 of any other shape (HTML, no Retry-After, ...)
    502, 504     from the front end (the service was not reachable)
    status:NNN   any other status
    truncated    the connection closed before the whole response arrived
    connerr      the request could not be sent / nothing came back
    timeout      no answer within 10 s

It writes FILE as JSON: {"reference": ..., "records": [[t_start, t_end,
outcome, detail], ...]} with CLOCK_MONOTONIC times (comparable with
time.monotonic() in other processes), so the caller can say which requests
were in flight at a given moment.  The reference body is fetched first
(unless --reference names a file holding it).
"""

import argparse
import http.client
import json
import os
import socket
import threading
import time


def classify_503(resp, body):
    try:
        doc = json.loads(body)
        ok = (isinstance(doc, dict) and list(doc) == ["errors"]
              and doc["errors"][0]["code"] == "service_unavailable")
    except (ValueError, KeyError, IndexError, TypeError):
        ok = False
    ra = resp.getheader("Retry-After")
    ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if ok and ra is not None and ra.isdigit() and int(ra) > 0 and ctype == "application/json":
        return "503", ""
    return "bad503", f"ctype={ctype} retry-after={ra} body={body[:200]!r}"


def worker(args, reference, deadline, records, lock, stop_file, budget):
    conn = None
    local = []
    while time.monotonic() < deadline and not os.path.exists(stop_file or "/nonexistent/x"):
        if budget is not None:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
        t0 = time.monotonic()
        outcome, detail = "ok", ""
        try:
            conn.request("GET", args.path)
            resp = conn.getresponse()
            body = resp.read()      # raises IncompleteRead on a short body
            st = resp.status
            if st == 200:
                if body != reference:
                    outcome, detail = "bad200", f"len={len(body)} body={body[:200]!r}"
            elif st == 503:
                outcome, detail = classify_503(resp, body)
            elif st in (502, 504):
                outcome = str(st)
            else:
                outcome, detail = f"status:{st}", repr(body[:200])
            if resp.will_close:
                conn.close()
                conn = None
        except http.client.IncompleteRead as e:
            outcome, detail = "truncated", repr(e)[:200]
        except socket.timeout as e:
            outcome, detail = "timeout", repr(e)
        except (http.client.HTTPException, OSError) as e:
            # RemoteDisconnected on a kept-alive connection the server closed
            # between requests is not a failed request: http.client cannot
            # tell the two apart, so it is recorded as connerr and judged by
            # the caller.
            outcome, detail = "connerr", repr(e)[:200]
        t1 = time.monotonic()
        if outcome not in ("ok", "503", "502", "504") and conn is not None:
            conn.close()
            conn = None
        local.append((t0, t1, outcome, detail))
        if outcome in ("502", "504", "connerr"):
            time.sleep(0.002)   # the front end is up but the service is not: don't spin
    if conn is not None:
        conn.close()
    with lock:
        records.extend(local)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reference")
    ap.add_argument("--stop-file")
    ap.add_argument("--max-requests", type=int)
    args = ap.parse_args()

    if args.reference:
        with open(args.reference, "rb") as f:
            reference = f.read()
    else:
        c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
        c.request("GET", args.path)
        r = c.getresponse()
        reference = r.read()
        if r.status != 200:
            raise SystemExit(f"load.py: reference request answered {r.status}: {reference[:300]!r}")
        c.close()

    deadline = time.monotonic() + args.duration
    records, lock = [], threading.Lock()
    budget = [args.max_requests] if args.max_requests else None
    threads = [threading.Thread(target=worker,
                                args=(args, reference, deadline, records, lock, args.stop_file,
                                      budget))
               for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records.sort()
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"reference_len": len(reference), "records": records}, f)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
