/*
 * trivial_responder.c - the floor of the FastCGI hop.
 *
 *   cc -O2 -o trivial_responder bench/trivial_responder.c -lfcgi
 *   trivial_responder -f BODY_FILE -s /path/to.sock [-w WORKERS] [-b BACKLOG] [-d USEC]
 *
 * Loads BODY_FILE into memory once, then answers every FastCGI request with
 *
 *   Status: 200 OK
 *   Content-Type: application/json
 *   Content-Length: <size>
 *
 * and those bytes, whatever the request.  It opens the unix socket itself
 * (socket/bind/listen, mode 0666) and hands the descriptor to
 * FCGX_InitRequest; WORKERS prefork processes (default 16) accept on it.
 * libfcgi serves one connection at a time per process and keeps it while the
 * web server sets FCGI_KEEP_CONN, so WORKERS must be at least the number of
 * connections the web server may open at once (its concurrent requests).
 *
 * -d USEC sleeps that long before each answer: the latency of a real
 * backend without its CPU, to see what nginx spends per request at the
 * request rate the service runs at (bench/RESULTS.md, issue #9).
 *
 * SIGTERM/SIGINT to the parent stops the workers and removes the socket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static long delay_us;

static void serve(int fd, const char *resp, size_t resp_len)
{
	FCGX_Request req;
	if (FCGX_InitRequest(&req, fd, 0) != 0)
		_exit(1);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	while (FCGX_Accept_r(&req) >= 0) {
		if (delay_us > 0)
			usleep((useconds_t)delay_us);
		FCGX_PutStr(resp, (int)resp_len, req.out);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *body_path = NULL, *sock_path = NULL;
	int workers = 16, backlog = 1024, opt;
	while ((opt = getopt(argc, argv, "f:s:w:b:d:")) != -1) {
		switch (opt) {
		case 'f': body_path = optarg; break;
		case 's': sock_path = optarg; break;
		case 'w': workers = atoi(optarg); break;
		case 'b': backlog = atoi(optarg); break;
		case 'd': delay_us = atol(optarg); break;
		default: goto usage;
		}
	}
	if (!body_path || !sock_path || workers < 1 || backlog < 1 || delay_us < 0)
		goto usage;

	size_t body_len;
	char *body = read_file(body_path, &body_len);
	if (!body) {
		fprintf(stderr, "trivial_responder: cannot read %s: %s\n", body_path, strerror(errno));
		return 1;
	}
	char head[160];
	int hl = snprintf(head, sizeof head,
			  "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", body_len);
	size_t resp_len = (size_t)hl + body_len;
	char *resp = malloc(resp_len);
	if (!resp)
		return 1;
	memcpy(resp, head, (size_t)hl);
	memcpy(resp + hl, body, body_len);
	free(body);

	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(sock_path) >= sizeof sa.sun_path) {
		fprintf(stderr, "trivial_responder: socket path too long\n");
		return 1;
	}
	strcpy(sa.sun_path, sock_path);
	unlink(sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	mode_t old = umask(0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		fprintf(stderr, "trivial_responder: bind %s: %s\n", sock_path, strerror(errno));
		return 1;
	}
	umask(old);
	chmod(sock_path, 0666);
	if (listen(fd, backlog) != 0) {
		fprintf(stderr, "trivial_responder: listen: %s\n", strerror(errno));
		return 1;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "trivial_responder: FCGX_Init failed\n");
		return 1;
	}

	struct sigaction sa_sig = {.sa_handler = on_signal};
	sigemptyset(&sa_sig.sa_mask);
	sigaction(SIGTERM, &sa_sig, NULL);
	sigaction(SIGINT, &sa_sig, NULL);

	pid_t *kids = calloc((size_t)workers, sizeof *kids);
	for (int i = 0; i < workers; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("trivial_responder: fork");
			stop = 1;
			break;
		}
		if (p == 0)
			serve(fd, resp, resp_len);
		kids[i] = p;
	}
	fprintf(stderr, "trivial_responder: %d workers on %s, %zu-byte body\n", workers, sock_path, body_len);

	/* Wait; a worker that dies is not replaced (a benchmark should see it). */
	int alive = workers;
	while (!stop && alive > 0) {
		int st;
		pid_t p = wait(&st);
		if (p > 0) {
			alive--;
			for (int i = 0; i < workers; i++)
				if (kids[i] == p)
					kids[i] = 0;
			fprintf(stderr, "trivial_responder: worker %d exited (status %d)\n", (int)p, st);
		} else if (errno == ECHILD)
			break;
	}
	for (int i = 0; i < workers; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	unlink(sock_path);
	return 0;

usage:
	fprintf(stderr, "usage: trivial_responder -f BODY_FILE -s SOCKET_PATH [-w WORKERS] [-b BACKLOG] [-d USEC]\n");
	return 2;
}
