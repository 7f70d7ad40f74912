/*
 * followings-fcgi: a FastCGI responder for GET /api/v2/user/{id}/followings/.
 *
 * main() reads the command line and the configuration, picks the listening
 * socket (--listen / "listen", else a listening socket on fd 0 as spawners
 * pass it) and runs the worker loop.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

#include "conf.h"
#include "listener.h"
#include "log.h"
#include "pidfile.h"
#include "pool.h"
#include "privs.h"
#include "scoreboard.h"
#include "systemd.h"
#include "worker.h"

#define DEFAULT_CONFIG SYSCONFDIR "/followings-fcgi.conf"
#define LISTEN_BACKLOG 1024

/* sysexits.h values, spelled out. */
#define EXIT_USAGE 64
#define EXIT_CONFIG 78

static void
usage(FILE *out)
{
	fprintf(out,
	    "Usage: followings-fcgi [--config FILE] [--listen ADDR] [--check-config]\n"
	    "\n"
	    "FastCGI responder for GET /api/v2/user/{id}/followings/, .../followers/,\n"
	    ".../is_followed/, .../is_follower/ and .../counters/.\n"
	    "\n"
	    "  -c, --config FILE    configuration file (default " DEFAULT_CONFIG ")\n"
	    "  -l, --listen ADDR    open and serve ADDR: unix:/path/to.sock, 127.0.0.1:9000\n"
	    "                       or [::1]:9000 (overrides the file's 'listen')\n"
	    "  -t, --check-config   check the configuration file and exit\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        print the version and exit\n"
	    "\n"
	    "With a listen address the program is its own process manager: a master\n"
	    "keeps 'workers' processes serving the socket (SIGTERM/SIGINT: graceful\n"
	    "stop; SIGHUP: reload the configuration by replacing the workers).\n"
	    "Without one it is a single worker serving the listening socket it was\n"
	    "given on standard input (spawn-fcgi, Apache mod_fcgid, lighttpd bin-path);\n"
	    "there SIGTERM, SIGINT or SIGHUP finish the request in flight, then exit.\n"
	    "It is not a CGI program: started any other way it exits with status 64.\n"
	    "Started as root it needs 'user' (and 'group') to drop to.\n");
}

struct reload_args {
	const char *config_path;
	const char *listen_arg;
	bool socket_activated;	/* systemd's socket: no listen address of our own */
};

/* Reads the configuration file and the command line's overrides into *c. */
static int
load_conf(struct conf *c, const char *path, const char *listen_arg, char *err, size_t errlen)
{
	conf_defaults(c);
	if (conf_load(c, path, err, errlen) != 0
	    || (listen_arg != NULL && conf_set(c, "listen", listen_arg, err, errlen) != 0)
	    || conf_validate(c, err, errlen) != 0) {
		conf_free(c);
		return -1;
	}
	return 0;
}

static int
reload_conf(struct conf *out, void *arg)
{
	const struct reload_args *ra = arg;
	char err[512];

	if (load_conf(out, ra->config_path, ra->listen_arg, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return -1;
	}
	if (ra->socket_activated) {
		free(out->listen);
		out->listen = NULL;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"listen", required_argument, NULL, 'l'},
		{"check-config", no_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config_path = DEFAULT_CONFIG, *listen_arg = NULL;
	bool check_only = false, own_socket = false, socket_activated = false, pid_written = false;
	struct conf conf;
	char err[512];
	int opt, fd, activated, status = 0;
	unsigned long served;

	while ((opt = getopt_long(argc, argv, "c:l:thV", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'l':
			listen_arg = optarg;
			break;
		case 't':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}

	if (load_conf(&conf, config_path, listen_arg, err, sizeof(err)) != 0) {
		fprintf(stderr, "followings-fcgi: %s\n", err);
		return EXIT_CONFIG;
	}
	if (check_only) {
		printf("%s: configuration OK\n", config_path);
		conf_free(&conf);
		return 0;
	}
	if (conf.log_level != NULL) {
		enum log_level level;

		if (log_parse_level(conf.log_level, &level) == 0)
			log_set_level(level);
	}
	log_set_json(conf.log_json);
	if (conf.jwt_secret == NULL)
		log_warn("no jwt_secret configured: every JWT will be refused");

	/* Never root by accident: the user to become must be named. */
	struct privs privs = {0, 0, NULL};

	if (geteuid() == 0) {
		if (conf.user == NULL) {
			fprintf(stderr, "followings-fcgi: started as root: set 'user' (and 'group') in "
			    "the configuration to the account to run as (user = root to insist)\n");
			conf_free(&conf);
			return EXIT_CONFIG;
		}
		if (privs_lookup(conf.user, conf.group, &privs, err, sizeof(err)) != 0) {
			fprintf(stderr, "followings-fcgi: %s\n", err);
			conf_free(&conf);
			return EXIT_CONFIG;
		}
		if (privs.uid == 0)
			log_warn("running as root, as configured (user = %s)", conf.user);
	}

	/* Before any handler: the client library blocks SIGPIPE here. */
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_error("mysql_library_init failed");
		conf_free(&conf);
		return EXIT_FAILURE;
	}
	worker_signals_init();
	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		conf_free(&conf);
		return EXIT_FAILURE;
	}

	activated = systemd_listen_fd();
	if (activated == -2) {
		conf_free(&conf);
		mysql_library_end();
		return EXIT_FAILURE;
	}
	if (activated >= 0) {
		/* Socket activation: systemd owns the socket, we run the pool on it. */
		fd = activated;
		own_socket = socket_activated = true;
		if (conf.listen != NULL)
			log_info("serving the socket systemd passed; listen = %s is not used", conf.listen);
		else
			log_info("serving the socket systemd passed");
		free(conf.listen);
		conf.listen = NULL;
	} else if (conf.listen != NULL) {
		fd = listener_open(conf.listen, conf.socket_mode, LISTEN_BACKLOG, err, sizeof(err));
		if (fd < 0) {
			log_error("%s", err);
			conf_free(&conf);
			mysql_library_end();
			return EXIT_FAILURE;
		}
		own_socket = true;
		if (geteuid() == 0 && privs.uid != 0)
			listener_chown(conf.listen, privs.uid, privs.gid);
		log_info("listening on %s", conf.listen);
	} else if (listener_is_listening(STDIN_FILENO)) {
		fd = STDIN_FILENO;
		log_info("serving the listening socket on standard input");
	} else {
		fprintf(stderr,
		    "followings-fcgi: nothing to serve: standard input is not a listening socket.\n"
		    "Give --listen ADDR (or 'listen' in the configuration), or start it from a\n"
		    "FastCGI spawner (spawn-fcgi, mod_fcgid, lighttpd bin-path).\n\n");
		usage(stderr);
		conf_free(&conf);
		mysql_library_end();
		return EXIT_USAGE;
	}
	if (conf.pid_file != NULL && pidfile_write(conf.pid_file, err, sizeof(err)) != 0) {
		log_error("%s", err);
		status = EXIT_FAILURE;
		goto out;
	}
	pid_written = conf.pid_file != NULL;
	if (geteuid() == 0 && privs_drop(&privs, err, sizeof(err)) != 0) {
		log_error("%s", err);
		status = EXIT_FAILURE;
		goto out;
	}

	if (own_socket) {
		struct reload_args ra = {config_path, listen_arg, socket_activated};

		status = pool_run(fd, &conf, reload_conf, &ra);
	} else {
		/* A spawner owns the process count and recycling: serve until stopped. */
		struct scoreboard *sb = scoreboard_create(SB_SCOPE_PROCESS, 1);
		int slot = scoreboard_claim(sb, 0);

		/*
		 * No sd_notify here: a spawner's children inherit its
		 * NOTIFY_SOCKET, and systemd would take (or log) their messages
		 * as if from the spawner's unit.
		 */
		scoreboard_attach(sb, slot, getpid());
		served = worker_run(fd, &conf, 0, sb, slot, 0);
		log_info("stopping after %lu requests", served);
		scoreboard_destroy(sb);
	}
out:
	if (pid_written)
		unlink(conf.pid_file);
	if (own_socket) {
		close(fd);
		if (!socket_activated)
			listener_unlink(conf.listen);
	}
	conf_free(&conf);
	mysql_library_end();
	return status;
}
