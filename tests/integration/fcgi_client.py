"""A minimal FastCGI client (responder role) for tests that talk to the
service's socket directly, without a web server in front: one request per
connection, records as the FastCGI 1.0 specification lays them out."""

import socket
import struct

FCGI_VERSION = 1
BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7
RESPONDER = 1


def _record(rtype, content, request_id=1):
    return struct.pack("!BBHHBx", FCGI_VERSION, rtype, request_id, len(content), 0) + content


def _length(n):
    return bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)


def _params(params):
    out = b""
    for name, value in params.items():
        n, v = name.encode(), value.encode() if isinstance(value, str) else value
        out += _length(len(n)) + _length(len(v)) + n + v
    return out


class Reply:
    def __init__(self, raw):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        self.headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.status = int(self.headers.get("status", "200").split()[0])

    def text(self):
        return self.body.decode("utf-8")


def request(address, uri, method="GET", headers=None, timeout=10):
    """Sends one request to address (a unix socket path or (host, port));
    headers maps CGI names (HTTP_AUTHORIZATION, ...) to values."""
    return finish(begin(address, uri, method, headers, timeout))


def begin(address, uri, method="GET", headers=None, timeout=10):
    """Connects and sends the request but for the end of its parameters: a
    worker has accepted the connection and waits for the rest."""
    params = {
        "REQUEST_METHOD": method,
        "REQUEST_URI": uri,
        "QUERY_STRING": uri.partition("?")[2],
        "SERVER_NAME": "fcgi.test",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "GATEWAY_INTERFACE": "CGI/1.1",
    }
    params.update(headers or {})
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(address)
    s.sendall(_record(BEGIN_REQUEST, struct.pack("!HB5x", RESPONDER, 0))
              + _record(PARAMS, _params(params)))
    return s


def finish(s):
    """Ends the parameters begun by begin() and reads the reply."""
    with s:
        s.sendall(_record(PARAMS, b"") + _record(STDIN, b""))
        out, buf = b"", b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before FCGI_END_REQUEST")
            buf += chunk
            while len(buf) >= 8:
                _, rtype, _, clen, plen = struct.unpack("!BBHHBx", buf[:8])
                if len(buf) < 8 + clen + plen:
                    break
                content, buf = buf[8:8 + clen], buf[8 + clen + plen:]
                if rtype == STDOUT:
                    out += content
                elif rtype == END_REQUEST:
                    return Reply(out)
