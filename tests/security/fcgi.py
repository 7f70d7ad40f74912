"""A small FastCGI client: real records over a real socket (FastCGI 1.0).

Used by the security tests to talk to the service directly, as a hostile
peer would, with nothing in between.
"""
import socket
import struct
import weakref

BEGIN_REQUEST, ABORT_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = range(1, 8)
GET_VALUES, GET_VALUES_RESULT, UNKNOWN_TYPE = 9, 10, 11
RESPONDER = 1
KEEP_CONN = 1


def record(rtype, req_id, content=b"", padding=None):
    if padding is None:
        padding = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBx", 1, rtype, req_id, len(content), padding) + content + b"\0" * padding


def pair_length(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def pairs(items):
    out = bytearray()
    for name, value in items:
        name = name.encode() if isinstance(name, str) else name
        value = value.encode() if isinstance(value, str) else value
        out += pair_length(len(name)) + pair_length(len(value)) + name + value
    return bytes(out)


def stream(rtype, req_id, data):
    """data as records of at most 65535 bytes, then the empty record ending the stream."""
    out = bytearray()
    for at in range(0, len(data), 65528):
        out += record(rtype, req_id, data[at:at + 65528])
    return bytes(out + record(rtype, req_id))


def request_bytes(params, req_id=1, keep=False, stdin=b""):
    out = record(BEGIN_REQUEST, req_id, struct.pack(">HB5x", RESPONDER, KEEP_CONN if keep else 0))
    out += stream(PARAMS, req_id, pairs(params))
    out += stream(STDIN, req_id, stdin)
    return out


def get_params(uri, method="GET", extra=()):
    path, _, query = uri.partition("?")
    return [("REQUEST_METHOD", method), ("REQUEST_URI", uri), ("QUERY_STRING", query),
            ("SCRIPT_NAME", path), ("SERVER_NAME", "api.example.com"), ("SERVER_PORT", "80"),
            ("REQUEST_SCHEME", "http"), ("HTTP_HOST", "api.example.com")] + list(extra)


class Response:
    def __init__(self, status, headers, body, records):
        self.status, self.headers, self.body, self.records = status, headers, body, records

    def json(self):
        import json
        return json.loads(self.body)


def connect(address, timeout=10):
    if isinstance(address, str):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    else:
        s = socket.socket(socket.AF_INET6 if ":" in address[0] else socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(address)
    return s


_leftover = weakref.WeakKeyDictionary()   # bytes read past an END_REQUEST, per socket


def read_records(sock, until_end_request=True):
    """Records until END_REQUEST (or EOF): a list of (type, id, content)."""
    buf, out = _leftover.pop(sock, b""), []
    while True:
        while len(buf) >= 8:
            _, rtype, rid, clen, plen = struct.unpack(">BBHHBx", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            out.append((rtype, rid, buf[8:8 + clen]))
            buf = buf[8 + clen + plen:]
            if until_end_request and rtype == END_REQUEST:
                _leftover[sock] = buf
                return out
        chunk = sock.recv(65536)
        if not chunk:
            return out
        buf += chunk


def parse_response(records):
    out = b"".join(c for t, _, c in records if t == STDOUT)
    head, _, body = out.partition(b"\r\n\r\n")
    headers = {}
    status = 200
    for line in head.decode("latin-1").split("\r\n"):
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if "status" in headers:
        status = int(headers["status"].split()[0])
    return Response(status, headers, body, records)


def get(address, uri, extra=(), timeout=10, method="GET"):
    """One request on a fresh connection; the parsed response."""
    with connect(address, timeout) as s:
        s.sendall(request_bytes(get_params(uri, method, extra)))
        recs = read_records(s)
    if not any(t == END_REQUEST for t, _, _ in recs):
        raise ConnectionError("no END_REQUEST from the service")
    return parse_response(recs)
