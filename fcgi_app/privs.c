#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

static int
fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int
privs_lookup(const char *user, const char *group, struct privs *out, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return fail(err, errlen, "unknown user '%s'", user);
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	out->user = user;
	if (group != NULL) {
		struct group *gr = getgrnam(group);

		if (gr == NULL)
			return fail(err, errlen, "unknown group '%s'", group);
		out->gid = gr->gr_gid;
	}
	return 0;
}

int
privs_drop(const struct privs *p, char *err, size_t errlen)
{
	if (p->uid == 0)
		return 0;	/* told to stay root */
	if (initgroups(p->user, p->gid) != 0 || setgid(p->gid) != 0 || setuid(p->uid) != 0)
		return fail(err, errlen, "cannot become user %s: %s", p->user, strerror(errno));
	if (setuid(0) == 0)
		return fail(err, errlen, "could regain root after dropping to %s", p->user);
	return 0;
}
