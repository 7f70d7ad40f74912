/*
 * Started as root, the program opens its socket and reads its secrets, then
 * becomes the configured user for good (OpenBSD slowcgi's order).  It never
 * runs as root unless told to (user = root).
 */
#ifndef FOLLOWINGS_PRIVS_H
#define FOLLOWINGS_PRIVS_H

#include <stddef.h>
#include <sys/types.h>

struct privs {
	uid_t uid;
	gid_t gid;
	const char *user;
};

/* Resolves user and group (default: the user's primary group). */
int privs_lookup(const char *user, const char *group, struct privs *out, char *err,
    size_t errlen);

/* setgroups/initgroups, setgid, setuid; checks root cannot be regained. */
int privs_drop(const struct privs *p, char *err, size_t errlen);

#endif
