#!/usr/bin/env bash
# A throwaway MariaDB server in a private datadir, on a unix socket only.
#
#   mariadb-sandbox.sh start DIR    create DIR (if new), start, wait until ready
#   mariadb-sandbox.sh stop DIR     stop the server started in DIR
#   mariadb-sandbox.sh sql DIR ...  run the mariadb client on it (args passed on)
#   mariadb-sandbox.sh platform DIR DB [ROWS.sql...]
#                                   create DB: the contract tables, the rows,
#                                   then the service's install onto them
#
# SANDBOX_BUFFER_POOL (default 256M) and SANDBOX_EXTRA_ARGS (more mariadbd
# options) tune the server.  The socket is DIR/mysqld.sock; the root account authenticates over the
# socket with no password (unix_socket plugin off, empty password), which is
# fine for a server that listens on no network port.
set -euo pipefail

cmd=${1:?usage: mariadb-sandbox.sh start|stop|sql DIR}
dir=${2:?usage: mariadb-sandbox.sh start|stop|sql DIR}
shift 2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock="$dir/mysqld.sock"
pidf="$dir/mysqld.pid"

run_as=()
[ "$(id -u)" = 0 ] && run_as=(--user=root)

case "$cmd" in
start)
	if [ ! -d "$dir/data/mysql" ]; then
		mariadb-install-db --no-defaults --datadir="$dir/data" "${run_as[@]}" \
			--auth-root-authentication-method=normal --skip-test-db \
			>"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
	fi
	mariadbd --no-defaults --datadir="$dir/data" "${run_as[@]}" \
		--socket="$sock" --pid-file="$pidf" --skip-networking \
		--log-error="$dir/error.log" --character-set-server=utf8mb4 \
		--collation-server=utf8mb4_unicode_ci --default-time-zone=+00:00 \
		--innodb-buffer-pool-size="${SANDBOX_BUFFER_POOL:-256M}" \
		--innodb-flush-log-at-trx-commit=2 --skip-log-bin \
		--max-connections=500 --performance-schema=OFF \
		${SANDBOX_EXTRA_ARGS:-} >/dev/null 2>&1 &
	for _ in $(seq 1 300); do
		if mariadb --no-defaults -S "$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
			exit 0
		fi
		sleep 0.1
	done
	echo "mariadb-sandbox: server in $dir did not start; its log:" >&2
	tail -n 30 "$dir/error.log" >&2 || true
	exit 1
	;;
stop)
	[ -f "$pidf" ] || exit 0
	pid=$(cat "$pidf")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || exit 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	;;
sql)
	exec mariadb --no-defaults -S "$sock" -uroot "$@"
	;;
platform)
	# A platform database as a real community has it, with the service
	# installed onto it: the contract tables, the given SQL files of rows,
	# then `db/followings-db install`.
	db=${1:?usage: mariadb-sandbox.sh platform DIR DATABASE [ROWS.sql...]}
	shift
	top=$(cd "$(dirname "$0")/../.." && pwd)
	m() { mariadb --no-defaults -S "$sock" -uroot --default-character-set=utf8mb4 "$@"; }
	m -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" &&
		m "$db" <"$top/db/contract.sql" || exit 1
	for f in "$@"; do
		m "$db" <"$f" || { echo "mariadb-sandbox: $f did not load" >&2; exit 1; }
	done
	"$top/db/followings-db" install --socket="$sock" -uroot "$db" >"$dir/install-$db.log" 2>&1 ||
		{ cat "$dir/install-$db.log" >&2; exit 1; }
	;;
*)
	echo "mariadb-sandbox: unknown command $cmd" >&2
	exit 2
	;;
esac
