/*
 * The configuration parser on fuzzed file contents (a memfd, read through
 * /proc/self/fd as a real file): conf_load either refuses with a
 * "FILE:LINE: reason" message or gives values within each key's documented
 * range; conf_validate and conf_free never fail on what it accepted.
 * Keys naming files (*_file) are left out: they would read this machine's files.
 */
#define _GNU_SOURCE
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"
#include "gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct conf c;
	char err[512];

	if (memmem(data, size, "_file", 5) != NULL)
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz-conf", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	assert(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t)size);

	conf_defaults(&c);
	err[0] = '\0';
	if (conf_load(&c, path, err, sizeof(err)) != 0) {
		assert(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':');
	} else {
		assert(c.db_port >= 1 && c.db_port <= 65535);
		assert(c.limit_default >= 1 && c.limit_max >= 1 && c.limit_max <= 100000);
		assert(c.socket_mode <= 0777 && c.workers <= 1024);
		assert(c.request_timeout >= 1 && c.keepalive_timeout >= 1);
		assert(c.params_max_bytes >= 1024 && c.params_max_bytes <= GATE_PARAMS_MAX);
		assert(c.query_max_params >= 3);
		if (c.base_url != NULL)
			assert(strncmp(c.base_url, "http", 4) == 0 && strpbrk(c.base_url, " ?#\"\\") == NULL);
		(void)conf_validate(&c, err, sizeof(err));
	}
	conf_free(&c);
	return 0;
}
