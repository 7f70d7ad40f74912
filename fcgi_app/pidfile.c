#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "pidfile.h"

int
pidfile_write(const char *path, char *err, size_t errlen)
{
	struct stat st;
	char text[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
	if (fd < 0)
		return errorf(err, errlen, "pid file %s: %s%s", path, strerror(errno),
		    errno == ELOOP ? " (it is a symbolic link: refused)" : "");
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		close(fd);
		return errorf(err, errlen, "pid file %s is not a regular file with a single link: refused",
		    path);
	}
	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || write(fd, text, (size_t)n) != n) {
		errorf(err, errlen, "pid file %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) != 0)
		return errorf(err, errlen, "pid file %s: %s", path, strerror(errno));
	return 0;
}
