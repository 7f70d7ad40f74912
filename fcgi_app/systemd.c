#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "clock.h"
#include "listener.h"
#include "log.h"
#include "params.h"
#include "systemd.h"

#define LISTEN_FDS_START 3

int
systemd_listen_fd(void)
{
	const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
	int64_t pid, fds;
	int type = 0;
	socklen_t len = sizeof(type);

	if (pid_s == NULL || fds_s == NULL)
		return -1;
	/* Meant for another process (a parent that did not clear them): ignore. */
	if (parse_int64(pid_s, strlen(pid_s), &pid) != INT_OK || pid != (int64_t)getpid())
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (parse_int64(fds_s, strlen(fds_s), &fds) != INT_OK || fds != 1) {
		log_error("socket activation: LISTEN_FDS=%s; exactly one listening socket is served", fds_s);
		return -2;
	}
	if (getsockopt(LISTEN_FDS_START, SOL_SOCKET, SO_TYPE, &type, &len) != 0
	    || type != SOCK_STREAM || !listener_is_listening(LISTEN_FDS_START)) {
		log_error("socket activation: fd 3 is not a listening stream socket "
		    "(the .socket unit needs ListenStream= and Accept=no)");
		return -2;
	}
	return LISTEN_FDS_START;
}

#ifdef HAVE_LIBSYSTEMD

bool
systemd_notify_enabled(void)
{
	return getenv("NOTIFY_SOCKET") != NULL;
}

static void
notify(const char *text)
{
	int rc;

	if (!systemd_notify_enabled())
		return;
	if ((rc = sd_notify(0, text)) < 0)
		log_warn("sd_notify: %s", strerror(-rc));
}

void
systemd_notify_ready(const char *status)
{
	char text[512];

	snprintf(text, sizeof(text), "READY=1\nSTATUS=%s\nMAINPID=%ld", status, (long)getpid());
	notify(text);
}

void
systemd_notify_reloading(void)
{
	char text[128];

	/* MONOTONIC_USEC: what Type=notify-reload (systemd 253+) asks for. */
	snprintf(text, sizeof(text), "RELOADING=1\nMONOTONIC_USEC=%lld\nSTATUS=reloading the configuration",
	    (long long)clock_mono_us());
	notify(text);
}

void
systemd_notify_stopping(void)
{
	notify("STOPPING=1\nSTATUS=stopping: finishing the requests in flight");
}

void
systemd_notify_status(const char *fmt, ...)
{
	char text[512];
	va_list ap;
	int n;

	if (!systemd_notify_enabled())
		return;
	n = snprintf(text, sizeof(text), "STATUS=");
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	notify(text);
}

#else /* !HAVE_LIBSYSTEMD */

bool
systemd_notify_enabled(void)
{
	return false;
}

void
systemd_notify_ready(const char *status)
{
	(void)status;
	if (getenv("NOTIFY_SOCKET") != NULL)
		log_warn("NOTIFY_SOCKET is set but this build has no sd_notify (configure found no "
		    "libsystemd): use Type=simple, or rebuild with libsystemd-dev");
}

void
systemd_notify_reloading(void)
{
}

void
systemd_notify_stopping(void)
{
}

void
systemd_notify_status(const char *fmt, ...)
{
	(void)fmt;
}

#endif
