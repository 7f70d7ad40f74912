#include "config.h"

#include <string.h>

#include "request.h"

const char *
request_env(char *const *envp, const char *name)
{
	size_t len = strlen(name);
	const char *found = NULL;

	/*
	 * The last one wins: Debian's stock nginx fastcgi_params sends
	 * "HTTP_HOST $host" (no port), and a later fastcgi_param meant to
	 * override it arrives as a second HTTP_HOST.
	 */
	for (; envp != NULL && *envp != NULL; envp++) {
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			found = *envp + len + 1;
	}
	return found;
}

static const char *
env_or_empty(char *const *envp, const char *name)
{
	const char *v = request_env(envp, name);

	return v != NULL ? v : "";
}

void
request_from_env(struct request *r, char *const *envp, struct arena *a)
{
	const char *uri = request_env(envp, "REQUEST_URI");

	memset(r, 0, sizeof(*r));
	r->method = env_or_empty(envp, "REQUEST_METHOD");
	r->authorization = request_env(envp, "HTTP_AUTHORIZATION");
	r->host = request_env(envp, "HTTP_HOST");
	r->server_name = env_or_empty(envp, "SERVER_NAME");
	r->server_port = env_or_empty(envp, "SERVER_PORT");
	r->https = env_or_empty(envp, "HTTPS");
	r->request_scheme = env_or_empty(envp, "REQUEST_SCHEME");

	if (uri != NULL) {
		const char *q = strchr(uri, '?');

		r->path = uri;
		r->path_len = q ? (size_t)(q - uri) : strlen(uri);
		r->query = q ? q + 1 : "";
		r->query_len = strlen(r->query);
	} else {
		const char *script = env_or_empty(envp, "SCRIPT_NAME");
		const char *info = env_or_empty(envp, "PATH_INFO");
		size_t sl = strlen(script), il = strlen(info);
		char *p = arena_alloc(a, sl + il + 1);

		memcpy(p, script, sl);
		memcpy(p + sl, info, il + 1);
		r->path = p;
		r->path_len = sl + il;
		r->query = env_or_empty(envp, "QUERY_STRING");
		r->query_len = strlen(r->query);
	}
}
