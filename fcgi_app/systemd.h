/*
 * systemd integration: readiness notification (Type=notify: READY=1,
 * RELOADING=1, STOPPING=1, STATUS=...) through libsystemd's sd_notify when
 * the program was built with it (configure finds libsystemd-dev; without it
 * these are no-ops), and socket activation (LISTEN_FDS/LISTEN_PID, read
 * here without libsystemd).  Only the --listen master calls them: systemd
 * accepts notifications from the main process only, and a process on fd 0
 * may have inherited its spawner's NOTIFY_SOCKET.
 */
#ifndef FOLLOWINGS_SYSTEMD_H
#define FOLLOWINGS_SYSTEMD_H

#include <stdbool.h>

/*
 * The listening socket systemd passed (fd 3), or -1 when none was passed
 * to this process; -2 when what was passed cannot be used (logged: more than
 * one socket, or not a listening stream socket).  Unsets LISTEN_* so that
 * workers do not see them.
 */
int systemd_listen_fd(void);

/* Whether notifications reach anyone (built with libsystemd, NOTIFY_SOCKET set). */
bool systemd_notify_enabled(void);

void systemd_notify_ready(const char *status);
void systemd_notify_reloading(void);
void systemd_notify_stopping(void);
void systemd_notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
