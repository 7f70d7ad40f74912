/*
 * Where requests come from: a socket we open ("unix:/path", "host:port",
 * "[v6addr]:port"), or the listening socket a spawner hands us on fd 0
 * (spawn-fcgi, mod_fcgid, lighttpd's bin-path).  Never CGI by accident.
 */
#ifndef FOLLOWINGS_LISTENER_H
#define FOLLOWINGS_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether fd is a listening socket (SO_ACCEPTCONN), unlike FCGX_IsCGI's guess. */
bool listener_is_listening(int fd);

/*
 * Opens, binds and listens on addr; a unix socket gets mode `mode`.
 * Returns the fd, or -1 with a reason in err.
 */
int listener_open(const char *addr, unsigned mode, int backlog, char *err, size_t errlen);

/* Gives the unix socket file of addr to uid:gid (the web server's group). */
void listener_chown(const char *addr, uid_t uid, gid_t gid);

/* Removes the unix socket file of addr, if it is one. */
void listener_unlink(const char *addr);

#endif
