/*
 * The socket boundary itself: fuzzed bytes arrive from a peer (a
 * socketpair) and go through gate_read; every request it hands over is
 * then parsed by the real libfcgi (FCGX_Accept_r on the gate's pipe), which
 * must accept it, with one environment entry per parameter plus
 * FCGI_ROLE.  Whatever the gate writes back to the peer must be well-formed
 * records, GET_VALUES_RESULT at most 64 bytes with zero padding.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "gate.h"

static void
check_replies(int fd)
{
	unsigned char buf[1 << 18];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	size_t at = 0;

	if (n <= 0)
		return;
	while (at < (size_t)n) {
		assert((size_t)n - at >= 8);
		const unsigned char *h = buf + at;
		size_t clen = (size_t)h[4] << 8 | h[5], plen = h[6];

		assert(h[0] == 1 && (h[1] == 3 || h[1] == 10 || h[1] == 11));
		assert((size_t)n - at >= 8 + clen + plen);
		if (h[1] == 10) {
			assert(8 + clen + plen <= 64);
			for (size_t i = 0; i < plen; i++)
				assert(h[8 + clen + i] == 0);
		}
		at += 8 + clen + plen;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gate g;
	static int ready, no_listener;
	static volatile sig_atomic_t stop;
	struct gate_limits l = {16384, 1000, 1000};
	struct timeval tv = {2, 0};
	int sv[2];
	char err[256];
	bool fresh = true;

	if (!ready) {
		assert(FCGX_Init() == 0);
		assert(gate_init(&g, l.params_max, err, sizeof(err)) == 0);
		no_listener = socket(AF_UNIX, SOCK_STREAM, 0);
		ready = 1;
	}
	if (size > 65536)
		return 0;
	assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	assert(write(sv[1], data, size) == (ssize_t)size);
	shutdown(sv[1], SHUT_WR);
	gate_reset(&g);

	for (;;) {
		struct gate_request gr;
		enum gate_status st = gate_read(&g, sv[0], &l, fresh, &gr, &stop);
		FCGX_Request fcgi;
		size_t n = 0;

		fresh = false;
		check_replies(sv[1]);
		if (st == GATE_TOO_LARGE)
			assert(gate_respond(sv[0], gr.id, "x", 1) == 0);
		if (st != GATE_REQUEST)
			break;
		assert(FCGX_InitRequest(&fcgi, no_listener, 0) == 0);
		fcgi.ipcFd = gate_feed_fd(&g);
		fcgi.keepConnection = 1;
		assert(FCGX_Accept_r(&fcgi) == 0);
		assert(fcgi.requestId == (int)gr.id && fcgi.role == 1);
		assert(strcmp(fcgi.envp[0], "FCGI_ROLE=RESPONDER") == 0);
		while (fcgi.envp[n] != NULL)
			n++;
		assert(n >= 1);
		FCGX_Free(&fcgi, 0);
		/* libfcgi read exactly what the gate wrote. */
		char c;

		assert(read(gate_feed_fd(&g), &c, 1) < 0);
	}
	close(sv[0]);
	close(sv[1]);
	return 0;
}
