#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privs.h"

int
privs_lookup(const char *user, const char *group, struct privs *out, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return errorf(err, errlen, "unknown user '%s'", user);
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	out->user = user;
	if (group != NULL) {
		struct group *gr = getgrnam(group);

		if (gr == NULL)
			return errorf(err, errlen, "unknown group '%s'", group);
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
		return errorf(err, errlen, "cannot become user %s: %s", p->user, strerror(errno));
	if (setuid(0) == 0)
		return errorf(err, errlen, "could regain root after dropping to %s", p->user);
	return 0;
}
