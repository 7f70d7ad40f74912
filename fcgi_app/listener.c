#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"

bool
listener_is_listening(int fd)
{
	int on = 0;
	socklen_t len = sizeof(on);

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}

static int
open_unix(const char *path, unsigned mode, int backlog, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return errorf(err, errlen, "unix socket path too long: %s", path);
	strcpy(sun.sun_path, path);

	/* Replace a stale socket, never anything else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return errorf(err, errlen, "%s exists and is not a socket", path);
		if (unlink(path) != 0)
			return errorf(err, errlen, "cannot remove old socket %s: %s", path, strerror(errno));
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return errorf(err, errlen, "socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		errorf(err, errlen, "bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (chmod(path, mode) != 0 || listen(fd, backlog) != 0) {
		errorf(err, errlen, "chmod/listen %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

static int
open_tcp(const char *addr, int backlog, char *err, size_t errlen)
{
	char host[256];
	const char *port, *colon = strrchr(addr, ':');
	struct addrinfo hints, *res = NULL, *ai;
	size_t hlen;
	int fd = -1, rc, on = 1;

	if (colon == NULL || colon == addr || colon[1] == '\0')
		return errorf(err, errlen, "listen address must be unix:/path or host:port, not '%s'", addr);
	port = colon + 1;
	hlen = (size_t)(colon - addr);
	if (addr[0] == '[' && colon[-1] == ']') {
		addr++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return errorf(err, errlen, "host too long in '%s'", addr);
	memcpy(host, addr, hlen);
	host[hlen] = '\0';

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return errorf(err, errlen, "cannot resolve '%s': %s", addr, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		/* Before bind, so a restart can reuse a port in TIME_WAIT. */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0)
			break;
		errorf(err, errlen, "bind/listen %s: %s", addr, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
listener_open(const char *addr, unsigned mode, int backlog, char *err, size_t errlen)
{
	if (strncmp(addr, "unix:", 5) == 0)
		return open_unix(addr + 5, mode, backlog, err, errlen);
	if (addr[0] == '/')
		return open_unix(addr, mode, backlog, err, errlen);
	return open_tcp(addr, backlog, err, errlen);
}

void
listener_unlink(const char *addr)
{
	struct stat st;

	if (strncmp(addr, "unix:", 5) == 0)
		addr += 5;
	else if (addr[0] != '/')
		return;
	if (lstat(addr, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(addr);
}

void
listener_chown(const char *addr, uid_t uid, gid_t gid)
{
	if (strncmp(addr, "unix:", 5) == 0)
		addr += 5;
	else if (addr[0] != '/')
		return;
	if (chown(addr, uid, gid) != 0)
		log_warn("chown %s: %s", addr, strerror(errno));
}
