#!/bin/sh
# Starts, or stops, followings-fcgi under spawn-fcgi: N copies of the program
# sharing one unix listening socket, which spawn-fcgi opens and passes on
# standard input (the service's fd-0 mode).  Put nginx (or lighttpd without
# bin-path) in front with fastcgi_pass to the socket.
#
#     followings.sh start     # spawn the copies, write the pid file, return
#     followings.sh stop      # SIGTERM each copy: requests in flight finish
#
# The command it runs, with the defaults below, is
#
#     spawn-fcgi -s /run/followings-fcgi/fcgi.sock -M 0660 \
#         -U followings -G www-data -u followings -g followings \
#         -F 4 -P /run/followings-fcgi/spawn-fcgi.pid -- \
#         /bin/sh -c 'exec 2>>"$0"; exec "$@"' /var/log/followings-fcgi/followings-fcgi.log \
#         /usr/bin/followings-fcgi --config /etc/followings-fcgi/followings-fcgi.conf
#
# What to know about spawn-fcgi:
# - It forks the copies and exits.  Nothing restarts a copy that dies and
#   nothing recycles them (the program never recycles itself in this mode:
#   max_requests and workers in its configuration are not used).  For a
#   supervised pool prefer the program's own process manager
#   (--listen, see conf/systemd/followings-fcgi.service).
# - In this (forking) mode spawn-fcgi points the copies' standard output and
#   error at /dev/null.  The program logs to standard error, hence the small
#   /bin/sh step above, which sends it to FOLLOWINGS_LOG and then execs the
#   program (same process, the socket stays on standard input).
# - Started as root, spawn-fcgi switches to -u/-g before it runs the program,
#   which then never sees root (the program itself refuses to run as root
#   without `user` in its configuration).  The socket belongs to -U/-G with
#   mode -M: make -G the web server's group and keep 0660.
# - nginx in front: every connection nginx keeps alive (upstream keepalive
#   with fastcgi_keep_conn on) occupies one copy while it idles, so keep
#   nginx worker_processes x keepalive below the number of copies, or leave
#   keepalive out.
# - Secrets stay in the configuration file (db_password_file,
#   jwt_secret_file), readable by -u only: never on this command line.
#
# Settings (environment variables, defaults in brackets):
#   FOLLOWINGS_BIN           program      [/usr/bin/followings-fcgi]
#   FOLLOWINGS_CONFIG        its configuration [/etc/followings-fcgi/followings-fcgi.conf]
#   FOLLOWINGS_SOCKET        socket path  [/run/followings-fcgi/fcgi.sock]
#   FOLLOWINGS_CHILDREN      copies (-F)  [4]
#   FOLLOWINGS_USER/GROUP    account the program runs as (-u/-g) [followings]
#   FOLLOWINGS_SOCKET_USER   socket owner (-U) [FOLLOWINGS_USER]
#   FOLLOWINGS_SOCKET_GROUP  socket group (-G): the web server's [www-data]
#   FOLLOWINGS_PIDFILE       one pid per line (-P) [/run/followings-fcgi/spawn-fcgi.pid]
#   FOLLOWINGS_LOG           the program's standard error [/var/log/followings-fcgi/followings-fcgi.log]
#   FOLLOWINGS_STOP_TIMEOUT  seconds "stop" waits for the copies [15]
# tests/deploy/run.sh runs this script as it is, with these variables set.
set -eu

bin=${FOLLOWINGS_BIN:-/usr/bin/followings-fcgi}
config=${FOLLOWINGS_CONFIG:-/etc/followings-fcgi/followings-fcgi.conf}
socket=${FOLLOWINGS_SOCKET:-/run/followings-fcgi/fcgi.sock}
children=${FOLLOWINGS_CHILDREN:-4}
user=${FOLLOWINGS_USER:-followings}
group=${FOLLOWINGS_GROUP:-followings}
socket_user=${FOLLOWINGS_SOCKET_USER:-$user}
socket_group=${FOLLOWINGS_SOCKET_GROUP:-www-data}
pidfile=${FOLLOWINGS_PIDFILE:-/run/followings-fcgi/spawn-fcgi.pid}
logfile=${FOLLOWINGS_LOG:-/var/log/followings-fcgi/followings-fcgi.log}
stop_timeout=${FOLLOWINGS_STOP_TIMEOUT:-15}

# Pids from the pid file that still run the program.
running_pids() {
	[ -f "$pidfile" ] || return 0
	while read -r pid || [ -n "$pid" ]; do
		case $pid in *[!0-9]* | '') continue ;; esac
		# A zombie (state Z) has finished.
		state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) || continue
		[ -n "$state" ] && [ "$state" != Z ] && echo "$pid"
	done <"$pidfile"
	return 0
}

case ${1:-} in
start)
	if [ -n "$(running_pids)" ]; then
		echo "followings.sh: already running: $(running_pids | tr '\n' ' ')" >&2
		exit 1
	fi
	rm -f "$pidfile"
	# The log must be writable by the account the program runs as.
	if [ "$(id -u)" = 0 ]; then
		touch "$logfile"
		chown "$user:$group" "$logfile"
		set -- -u "$user" -g "$group" -U "$socket_user" -G "$socket_group"
	else
		set --
	fi
	# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
	exec spawn-fcgi -s "$socket" -M 0660 "$@" -F "$children" -P "$pidfile" -- \
		/bin/sh -c 'exec 2>>"$0"; exec "$@"' "$logfile" \
		"$bin" --config "$config"
	;;
stop)
	pids=$(running_pids)
	[ -n "$pids" ] || exit 0
	# shellcheck disable=SC2086 # one argument per pid
	kill -TERM $pids 2>/dev/null || true
	n=$((stop_timeout * 10))
	while [ "$n" -gt 0 ] && [ -n "$(running_pids)" ]; do
		sleep 0.1
		n=$((n - 1))
	done
	pids=$(running_pids)
	if [ -n "$pids" ]; then
		echo "followings.sh: still running after ${stop_timeout}s, killing: $pids" >&2
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null || true
		exit 1
	fi
	rm -f "$pidfile" "$socket"
	;;
*)
	echo "usage: followings.sh start|stop" >&2
	exit 64
	;;
esac
