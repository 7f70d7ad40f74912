/*
 * The FastCGI connection as it comes off the socket, read and checked by us
 * before libfcgi parses any of it.
 *
 * libfcgi 2.4.2 answers management records (request id 0) inside
 * FCGX_Accept_r, and its FCGI_GET_VALUES answer is written into a 64-byte
 * stack buffer with no bound on the number of names (four names smash the
 * stack).  It also reads whatever arrives, without a deadline or a size
 * limit.  So the worker accepts connections itself and this module reads
 * each request's records from the peer, with a deadline and a size cap:
 *
 *   - management records are answered here (GET_VALUES with a bounded
 *     reply, anything else FCGI_UNKNOWN_TYPE) and never reach libfcgi;
 *   - BEGIN_REQUEST (responder role only), the PARAMS stream (checked to be
 *     well-formed name-value pairs, at most params_max bytes) and the end of
 *     STDIN make a request; its body is discarded (a GET service);
 *   - the request is then written, as the BEGIN_REQUEST and PARAMS records
 *     libfcgi expects, into a pipe whose read end is the FCGX_Request's
 *     ipcFd while FCGX_Accept_r runs (libfcgi reuses an ipcFd >= 0 instead
 *     of accepting).  The response goes straight to the peer: the worker
 *     points ipcFd at the connection before writing.
 *
 * Only this module ever reads from a peer.
 *
 * Why this design: peeking (MSG_PEEK) before libfcgi reads cannot see a
 * management record sent in the middle of a request, after the peek; a
 * relay over a socketpair would carry the response too and needs a thread
 * to pump it; patching or copying libfcgi is not ours to ship.  Here the
 * input costs one extra copy through a pipe, the output none.
 */
#ifndef FOLLOWINGS_GATE_H
#define FOLLOWINGS_GATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* Upper bound of params_max_bytes: what one pipe of 1 MiB surely holds. */
#define GATE_PARAMS_MAX (960 * 1024)

struct gate_limits {
	size_t params_max;		/* bytes of PARAMS content per request */
	int request_timeout_ms;		/* first byte (or accept) to a complete request */
	int keepalive_timeout_ms;	/* idle wait for the next request on a kept connection */
};

struct gate {
	int feed_rd, feed_wr;	/* the pipe libfcgi reads the checked request from */
	unsigned char *in;	/* bytes read from the peer, not yet parsed */
	size_t in_len, in_cap;
	unsigned char *params;	/* the PARAMS stream of the request being read */
	size_t params_len, params_cap;
	size_t params_max;	/* what the pipe was sized for */
	unsigned mgmt_records;	/* management records since the last request */
};

enum gate_status {
	GATE_REQUEST,	/* a request is in the pipe: call FCGX_Accept_r */
	GATE_TOO_LARGE,	/* parameters over params_max: answer 400 (gate_respond), then close */
	GATE_CLOSE,	/* peer closed, timed out or broke the protocol (logged): close */
	GATE_IDLE,	/* a kept connection idled past keepalive_timeout: close gracefully */
	GATE_STOPPED,	/* *stop became true while a kept connection idled */
};

struct gate_request {
	unsigned id;		/* FastCGI request id */
	bool keep_conn;		/* the peer asked to keep the connection (FCGI_KEEP_CONN) */
};

/* Allocates the buffers and the pipe (sized for params_max); -1 with err. */
int gate_init(struct gate *g, size_t params_max, char *err, size_t errlen);
void gate_free(struct gate *g);

/* A new connection: forgets bytes left from the previous one. */
void gate_reset(struct gate *g);

/*
 * Reads the next request from fd (a blocking socket; reads use
 * MSG_DONTWAIT and poll).  fresh: the connection was just accepted, so the
 * request timeout runs from now; otherwise the connection may first idle
 * for the keep-alive timeout.
 */
enum gate_status gate_read(struct gate *g, int fd, const struct gate_limits *l, bool fresh,
    struct gate_request *out, const volatile sig_atomic_t *stop);

/* The fd libfcgi reads requests from (the pipe's read end). */
int gate_feed_fd(const struct gate *g);

/* Writes body as the STDOUT of request id, then END_REQUEST; 0 or -1. */
int gate_respond(int fd, unsigned id, const char *body, size_t len);

/* Whether p[0..len) is a sequence of well-formed FastCGI name-value pairs. */
bool gate_pairs_valid(const unsigned char *p, size_t len, size_t *npairs);

#endif
