/*
 * Community preferences the endpoint obeys (rows of `preferences`), and a
 * per-worker cache that is trusted for conf.prefs_cache_ttl seconds.
 */
#ifndef FOLLOWINGS_PREFS_H
#define FOLLOWINGS_PREFS_H

#include <stdbool.h>
#include <time.h>

struct prefs {
	bool content_availability;	/* configurations.content_availability */
	bool follow_enabled;		/* configurations.follow_enabled */
	bool post_type_enabled;		/* configurations.post_type_enabled */
	bool polls_enabled;		/* addons.polls_enabled */
};

struct prefs_cache {
	struct prefs prefs;
	bool loaded;
	struct timespec loaded_at;	/* CLOCK_MONOTONIC */
};

/* Every preference absent: all true. */
void prefs_defaults(struct prefs *p);

/*
 * Applies one row.  "True"/"False" set the flag; any other value counts as
 * the default (true); rows of other names are ignored.
 */
void prefs_apply(struct prefs *p, const char *section, const char *name, const char *value);

bool prefs_cache_fresh(const struct prefs_cache *c, unsigned ttl_seconds,
    const struct timespec *now);

#endif
