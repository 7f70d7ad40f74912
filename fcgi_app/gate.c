#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "gate.h"
#include "log.h"

/* Record types and values of the FastCGI 1.0 specification. */
enum {
	FCGI_VERSION_1 = 1,
	FCGI_BEGIN_REQUEST = 1,
	FCGI_ABORT_REQUEST = 2,
	FCGI_END_REQUEST = 3,
	FCGI_PARAMS = 4,
	FCGI_STDIN = 5,
	FCGI_STDOUT = 6,
	FCGI_GET_VALUES = 9,
	FCGI_GET_VALUES_RESULT = 10,
	FCGI_UNKNOWN_TYPE = 11,
	FCGI_RESPONDER = 1,
	FCGI_KEEP_CONN = 1,
	FCGI_REQUEST_COMPLETE = 0,
	FCGI_CANT_MPX_CONN = 1,
	FCGI_UNKNOWN_ROLE = 3,
};

#define HEADER_LEN 8
#define RECORD_MAX (HEADER_LEN + 65535 + 255)
/* Content per record we write: a multiple of 8, so no padding is needed. */
#define CHUNK_MAX 65528
/* Management records answered per request before the peer is dropped. */
#define MGMT_PER_REQUEST 16

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
put_header(unsigned char *h, unsigned type, unsigned id, size_t clen, unsigned plen)
{
	h[0] = FCGI_VERSION_1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(clen >> 8);
	h[5] = (unsigned char)clen;
	h[6] = (unsigned char)plen;
	h[7] = 0;
}

static int
write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_end_request(int fd, unsigned id, unsigned protocol_status)
{
	unsigned char r[16] = {0};

	put_header(r, FCGI_END_REQUEST, id, 8, 0);
	r[12] = (unsigned char)protocol_status;
	return write_all(fd, r, sizeof(r));
}

int
gate_init(struct gate *g, size_t params_max, char *err, size_t errlen)
{
	int fds[2];
	/* BEGIN_REQUEST, the PARAMS records and their end, with room to spare. */
	size_t need = params_max + (params_max / CHUNK_MAX + 4) * HEADER_LEN + 4096;

	memset(g, 0, sizeof(*g));
	g->feed_rd = g->feed_wr = -1;
	if (params_max > GATE_PARAMS_MAX)
		return errorf(err, errlen, "params_max_bytes over %d", GATE_PARAMS_MAX);
	g->params_max = params_max;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return errorf(err, errlen, "pipe: %s", strerror(errno));
	/* The whole request must fit: nobody reads the pipe while we write it. */
	if (fcntl(fds[1], F_SETPIPE_SZ, (int)need) < 0 || fcntl(fds[1], F_GETPIPE_SZ) < (int)need) {
		errorf(err, errlen, "a pipe of %zu bytes for params_max_bytes = %zu: %s "
		    "(see /proc/sys/fs/pipe-max-size)", need, params_max, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	g->feed_rd = fds[0];
	g->feed_wr = fds[1];
	g->in_cap = RECORD_MAX + 1024;
	g->in = xmalloc(g->in_cap);
	return 0;
}

void
gate_free(struct gate *g)
{
	if (g->feed_rd >= 0)
		close(g->feed_rd);
	if (g->feed_wr >= 0)
		close(g->feed_wr);
	free(g->in);
	free(g->params);
	memset(g, 0, sizeof(*g));
	g->feed_rd = g->feed_wr = -1;
}

void
gate_reset(struct gate *g)
{
	g->in_len = 0;
	g->mgmt_records = 0;
}

int
gate_feed_fd(const struct gate *g)
{
	return g->feed_rd;
}

/* Reads a pair length (1 byte, or 4 with the high bit set); false past len. */
static bool
pair_length(const unsigned char *p, size_t len, size_t *at, size_t *out)
{
	if (*at >= len)
		return false;
	if (p[*at] < 0x80) {
		*out = p[(*at)++];
		return true;
	}
	if (len - *at < 4)
		return false;
	*out = ((size_t)(p[*at] & 0x7f) << 24) | ((size_t)p[*at + 1] << 16)
	    | ((size_t)p[*at + 2] << 8) | p[*at + 3];
	*at += 4;
	return true;
}

bool
gate_pairs_valid(const unsigned char *p, size_t len, size_t *npairs)
{
	size_t at = 0, n = 0;

	while (at < len) {
		size_t nlen, vlen;

		if (!pair_length(p, len, &at, &nlen) || !pair_length(p, len, &at, &vlen))
			return false;
		if (nlen > len - at || vlen > len - at - nlen)
			return false;
		at += nlen + vlen;
		n++;
	}
	if (npairs != NULL)
		*npairs = n;
	return true;
}

/* FCGI_GET_VALUES: each variable we know answered at most once, 64 bytes at most. */
static int
answer_get_values(int fd, const unsigned char *c, size_t clen)
{
	static const struct {
		const char *name;
		char value;
	} known[] = {
		{"FCGI_MAX_CONNS", '1'},
		{"FCGI_MAX_REQS", '1'},
		{"FCGI_MPXS_CONNS", '0'},
	};
	unsigned char reply[HEADER_LEN + 3 * (2 + 15 + 1) + 8];
	bool asked[3] = {false, false, false};
	size_t at = 0, out = HEADER_LEN;

	if (!gate_pairs_valid(c, clen, NULL))
		return -1;
	while (at < clen) {
		size_t nlen, vlen;

		pair_length(c, clen, &at, &nlen);
		pair_length(c, clen, &at, &vlen);
		for (size_t k = 0; k < 3; k++)
			if (strlen(known[k].name) == nlen && memcmp(c + at, known[k].name, nlen) == 0)
				asked[k] = true;
		at += nlen + vlen;
	}
	for (size_t k = 0; k < 3; k++) {
		size_t n = strlen(known[k].name);

		if (!asked[k])
			continue;
		reply[out++] = (unsigned char)n;
		reply[out++] = 1;
		memcpy(reply + out, known[k].name, n);
		out += n;
		reply[out++] = (unsigned char)known[k].value;
	}
	size_t clen_out = out - HEADER_LEN, pad = (8 - clen_out % 8) % 8;

	memset(reply + out, 0, pad);
	put_header(reply, FCGI_GET_VALUES_RESULT, 0, clen_out, (unsigned)pad);
	return write_all(fd, reply, out + pad);
}

static int
answer_unknown_type(int fd, unsigned type)
{
	unsigned char r[16] = {0};

	put_header(r, FCGI_UNKNOWN_TYPE, 0, 8, 0);
	r[8] = (unsigned char)type;
	return write_all(fd, r, sizeof(r));
}

enum step { STEP_MORE, STEP_REQUEST, STEP_TOO_LARGE, STEP_CLOSE };
enum phase { WANT_BEGIN, WANT_PARAMS, WANT_STDIN_END };

struct reading {
	enum phase phase;
	unsigned id;
	bool keep_conn;
};

static enum step
on_management(struct gate *g, int fd, unsigned type, const unsigned char *c, size_t clen)
{
	if (++g->mgmt_records > MGMT_PER_REQUEST) {
		log_warn("peer sent over %d management records without a request; closing",
		    MGMT_PER_REQUEST);
		return STEP_CLOSE;
	}
	if (type == FCGI_GET_VALUES) {
		if (answer_get_values(fd, c, clen) != 0) {
			log_warn("malformed FCGI_GET_VALUES record; closing");
			return STEP_CLOSE;
		}
		return STEP_MORE;
	}
	return answer_unknown_type(fd, type) == 0 ? STEP_MORE : STEP_CLOSE;
}

static enum step
on_record(struct gate *g, int fd, const struct gate_limits *l, struct reading *r,
    unsigned type, unsigned id, const unsigned char *c, size_t clen)
{
	if (id == 0)
		return on_management(g, fd, type, c, clen);
	if (r->phase == WANT_BEGIN) {
		/* Anything else belongs to a request already answered: ignored. */
		if (type != FCGI_BEGIN_REQUEST)
			return STEP_MORE;
		if (clen != 8) {
			log_warn("BEGIN_REQUEST of %zu bytes; closing", clen);
			return STEP_CLOSE;
		}
		if ((c[0] << 8 | c[1]) != FCGI_RESPONDER) {
			log_info("FastCGI role %u refused: this is a responder", (unsigned)(c[0] << 8 | c[1]));
			if (send_end_request(fd, id, FCGI_UNKNOWN_ROLE) != 0 || !(c[2] & FCGI_KEEP_CONN))
				return STEP_CLOSE;
			return STEP_MORE;
		}
		r->id = id;
		r->keep_conn = (c[2] & FCGI_KEEP_CONN) != 0;
		r->phase = WANT_PARAMS;
		g->params_len = 0;
		return STEP_MORE;
	}
	if (id != r->id) {
		/* One request at a time per connection (we answer FCGI_MPXS_CONNS = 0). */
		if (type == FCGI_BEGIN_REQUEST && send_end_request(fd, id, FCGI_CANT_MPX_CONN) != 0)
			return STEP_CLOSE;
		return STEP_MORE;
	}
	if (type == FCGI_ABORT_REQUEST)
		return STEP_CLOSE;
	if (r->phase == WANT_PARAMS && type == FCGI_PARAMS) {
		if (clen == 0) {
			if (!gate_pairs_valid(g->params, g->params_len, NULL)) {
				log_warn("malformed FastCGI parameters; closing");
				return STEP_CLOSE;
			}
			r->phase = WANT_STDIN_END;
			return STEP_MORE;
		}
		/* The pipe was sized for g->params_max: never more, whatever l says. */
		size_t max = l->params_max < g->params_max ? l->params_max : g->params_max;

		if (clen > max - g->params_len)
			return STEP_TOO_LARGE;
		if (g->params_len + clen > g->params_cap) {
			g->params_cap = g->params_cap ? g->params_cap : 16384;
			while (g->params_cap < g->params_len + clen)
				g->params_cap *= 2;
			g->params = xrealloc(g->params, g->params_cap);
		}
		memcpy(g->params + g->params_len, c, clen);
		g->params_len += clen;
		return STEP_MORE;
	}
	/* A body is read and dropped: this service answers GET and HEAD only. */
	if (r->phase == WANT_STDIN_END && type == FCGI_STDIN)
		return clen == 0 ? STEP_REQUEST : STEP_MORE;
	log_warn("unexpected FastCGI record type %u; closing", type);
	return STEP_CLOSE;
}

/* The checked request, as libfcgi expects it, into the pipe in one write. */
static int
feed(struct gate *g, const struct reading *r)
{
	unsigned char begin[16] = {0}, heads[GATE_PARAMS_MAX / CHUNK_MAX + 2][HEADER_LEN];
	struct iovec iov[2 * (GATE_PARAMS_MAX / CHUNK_MAX + 2) + 1];
	size_t niov = 0, nhead = 0, total = 0;

	put_header(begin, FCGI_BEGIN_REQUEST, r->id, 8, 0);
	begin[9] = FCGI_RESPONDER;
	begin[10] = FCGI_KEEP_CONN;	/* the worker, not libfcgi, closes the peer */
	iov[niov++] = (struct iovec){begin, sizeof(begin)};
	for (size_t at = 0; at < g->params_len; at += CHUNK_MAX) {
		size_t n = g->params_len - at < CHUNK_MAX ? g->params_len - at : CHUNK_MAX;

		put_header(heads[nhead], FCGI_PARAMS, r->id, n, 0);
		iov[niov++] = (struct iovec){heads[nhead++], HEADER_LEN};
		iov[niov++] = (struct iovec){g->params + at, n};
	}
	put_header(heads[nhead], FCGI_PARAMS, r->id, 0, 0);
	iov[niov++] = (struct iovec){heads[nhead], HEADER_LEN};
	for (size_t i = 0; i < niov; i++)
		total += iov[i].iov_len;
	if (writev(g->feed_wr, iov, (int)niov) != (ssize_t)total) {
		log_error("cannot hand the request to libfcgi: %s", strerror(errno));
		return -1;
	}
	return 0;
}

enum gate_status
gate_read(struct gate *g, int fd, const struct gate_limits *l, bool fresh,
    struct gate_request *out, const volatile sig_atomic_t *stop)
{
	struct reading r = {WANT_BEGIN, 0, false};
	bool started = fresh || g->in_len > 0;
	long long deadline = now_ms() + (started ? l->request_timeout_ms : l->keepalive_timeout_ms);
	/* Between requests on a kept connection nothing is there yet: poll first. */
	bool poll_first = !started;

	for (;;) {
		size_t off = 0;
		enum step s = STEP_MORE;

		while (s == STEP_MORE && g->in_len - off >= HEADER_LEN) {
			const unsigned char *h = g->in + off;
			size_t clen = (size_t)h[4] << 8 | h[5], total = HEADER_LEN + clen + h[6];

			if (h[0] != FCGI_VERSION_1) {
				log_warn("FastCGI version %u from peer; closing", h[0]);
				return GATE_CLOSE;
			}
			if (g->in_len - off < total)
				break;
			s = on_record(g, fd, l, &r, h[1], (unsigned)h[2] << 8 | h[3], h + HEADER_LEN, clen);
			off += total;
		}
		/* What follows this request (a pipelined next one) stays for the next call. */
		memmove(g->in, g->in + off, g->in_len - off);
		g->in_len -= off;
		switch (s) {
		case STEP_MORE:
			break;
		case STEP_REQUEST:
			g->mgmt_records = 0;
			out->id = r.id;
			out->keep_conn = r.keep_conn;
			return feed(g, &r) == 0 ? GATE_REQUEST : GATE_CLOSE;
		case STEP_TOO_LARGE:
			log_info("request parameters over params_max_bytes (%zu); answering 400", l->params_max);
			out->id = r.id;
			out->keep_conn = false;
			return GATE_TOO_LARGE;
		case STEP_CLOSE:
			return GATE_CLOSE;
		}

		ssize_t n = -1;

		errno = EAGAIN;
		if (!poll_first)
			n = recv(fd, g->in + g->in_len, g->in_cap - g->in_len, MSG_DONTWAIT);
		poll_first = false;

		if (n > 0) {
			g->in_len += (size_t)n;
			if (!started) {
				started = true;
				deadline = now_ms() + l->request_timeout_ms;
			}
			continue;
		}
		if (n == 0) {
			if (g->in_len > 0 || r.phase != WANT_BEGIN)
				log_info("peer closed the connection in the middle of a request");
			return GATE_CLOSE;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			log_info("reading from peer: %s", strerror(errno));
			return GATE_CLOSE;
		}
		/* A stop abandons only a connection idling between requests. */
		if (*stop && !started)
			return GATE_STOPPED;

		long long left = deadline - now_ms();
		struct pollfd pfd = {fd, POLLIN, 0};

		if (left <= 0 && !started)
			return GATE_IDLE;
		if (left <= 0) {
			log_info("%s within %s; closing",
			    g->in_len > 0 || r.phase != WANT_BEGIN ? "request not complete" : "no request",
			    started ? "request_timeout" : "keepalive_timeout");
			return GATE_CLOSE;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno == EINTR && *stop && !started)
			return GATE_STOPPED;
	}
}

int
gate_respond(int fd, unsigned id, const char *body, size_t len)
{
	size_t nchunks = len / CHUNK_MAX + 1, size = len + nchunks * (HEADER_LEN + 8) + HEADER_LEN + 16;
	unsigned char *b = xmalloc(size), *p = b;
	int rc;

	for (size_t at = 0; at < len; at += CHUNK_MAX) {
		size_t n = len - at < CHUNK_MAX ? len - at : CHUNK_MAX, pad = (8 - n % 8) % 8;

		put_header(p, FCGI_STDOUT, id, n, (unsigned)pad);
		memcpy(p + HEADER_LEN, body + at, n);
		memset(p + HEADER_LEN + n, 0, pad);
		p += HEADER_LEN + n + pad;
	}
	put_header(p, FCGI_STDOUT, id, 0, 0);
	p += HEADER_LEN;
	memset(p, 0, 16);
	put_header(p, FCGI_END_REQUEST, id, 8, 0);
	p[12] = FCGI_REQUEST_COMPLETE;
	p += 16;
	rc = write_all(fd, b, (size_t)(p - b));
	free(b);
	return rc;
}
