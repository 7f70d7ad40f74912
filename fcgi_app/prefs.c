#include "config.h"

#include <stddef.h>
#include <string.h>

#include "prefs.h"

static const struct {
	const char *section;
	const char *name;
	size_t offset;
} pref_table[] = {
	{"configurations", "content_availability", offsetof(struct prefs, content_availability)},
	{"configurations", "follow_enabled", offsetof(struct prefs, follow_enabled)},
	{"configurations", "post_type_enabled", offsetof(struct prefs, post_type_enabled)},
	{"addons", "polls_enabled", offsetof(struct prefs, polls_enabled)},
};

void
prefs_defaults(struct prefs *p)
{
	p->content_availability = true;
	p->follow_enabled = true;
	p->post_type_enabled = true;
	p->polls_enabled = true;
}

void
prefs_apply(struct prefs *p, const char *section, const char *name, const char *value)
{
	for (size_t i = 0; i < sizeof(pref_table) / sizeof(pref_table[0]); i++) {
		if (strcmp(section, pref_table[i].section) == 0 && strcmp(name, pref_table[i].name) == 0) {
			bool *flag = (bool *)((char *)p + pref_table[i].offset);

			*flag = strcmp(value, "False") != 0;
			return;
		}
	}
}

bool
prefs_cache_fresh(const struct prefs_cache *c, unsigned ttl_seconds, const struct timespec *now)
{
	long long age_ms;

	if (!c->loaded)
		return false;
	age_ms = (long long)(now->tv_sec - c->loaded_at.tv_sec) * 1000
	    + (now->tv_nsec - c->loaded_at.tv_nsec) / 1000000;
	return age_ms >= 0 && age_ms < (long long)ttl_seconds * 1000;
}
