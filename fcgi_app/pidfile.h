/*
 * The pid file, written by root before privileges are dropped, so it must
 * not be a way to write elsewhere: opened with O_NOFOLLOW (a symlink in its
 * place is refused, not followed), it must be a regular file with one link
 * (a planted hard link is refused), and it is truncated and rewritten with
 * our pid.  Created mode 0644.  O_NOFOLLOW covers the last component only:
 * the directory holding it must not be writable by others (e.g. /run).
 */
#ifndef FOLLOWINGS_PIDFILE_H
#define FOLLOWINGS_PIDFILE_H

#include <stddef.h>

/* Writes getpid() to path; -1 with a reason in err. */
int pidfile_write(const char *path, char *err, size_t errlen);

#endif
