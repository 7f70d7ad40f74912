#include "config.h"

#include <stdio.h>

#include "log.h"
#include "render.h"

enum field_kind {
	F_INT,			/* int64_t */
	F_STR,			/* struct str, never null ("" if SQL NULL) */
	F_STR_OR_NULL,		/* struct str, null when SQL NULL */
	F_BOOL,			/* bool */
	F_DATETIME,		/* struct timestamp */
	F_DATE_OR_NULL,		/* struct timestamp, user.has_date_of_birth */
	F_CONNECTION,		/* from the caller, not the record */
	F_TAGS,			/* an empty array, filled by render_add_tag */
};

/* Which preference must be on for the key to appear at all. */
enum gate { GATE_NONE, GATE_FOLLOW, GATE_POSTS, GATE_POLLS };

struct field {
	const char *key;
	enum field_kind kind;
	size_t offset;
	enum gate gate;
};

#define U(key, kind, member, gate) {key, kind, offsetof(struct user, member), gate}
static const struct field user_fields[] = {
	U("id", F_INT, id, GATE_NONE),
	U("username", F_STR, username, GATE_NONE),
	U("real_name", F_STR, real_name, GATE_NONE),
	U("avatar", F_STR_OR_NULL, avatar, GATE_NONE),
	U("ext_id", F_STR_OR_NULL, ext_id, GATE_NONE),
	U("followings_counter", F_INT, followings_counter, GATE_FOLLOW),
	U("followers_counter", F_INT, followers_counter, GATE_FOLLOW),
	U("posts_counter", F_INT, posts_counter, GATE_POSTS),
	U("discussions_counter", F_INT, discussions_counter, GATE_POSTS),
	U("polls_counter", F_INT, polls_counter, GATE_POLLS),
	{"connection_status", F_CONNECTION, 0, GATE_NONE},
	U("categories_counter", F_INT, categories_counter, GATE_NONE),
	U("date_joined", F_DATETIME, date_joined, GATE_NONE),
	U("bio", F_STR, bio, GATE_NONE),
	U("location", F_STR, location, GATE_NONE),
	U("location_lat_lng", F_STR_OR_NULL, location_lat_lng, GATE_NONE),
	U("position_lat_lng", F_STR_OR_NULL, position_lat_lng, GATE_NONE),
	U("date_of_birth", F_DATE_OR_NULL, date_of_birth, GATE_NONE),
	U("description", F_STR, description, GATE_NONE),
	U("gender", F_STR, gender, GATE_NONE),
	U("website", F_STR, website, GATE_NONE),
	U("cover", F_STR_OR_NULL, cover, GATE_NONE),
	{"tags", F_TAGS, 0, GATE_NONE},
	U("reputation", F_INT, reputation, GATE_NONE),
	U("community_badge", F_BOOL, community_badge, GATE_NONE),
	U("reg_approved", F_BOOL, reg_approved, GATE_NONE),
	U("deleted", F_BOOL, deleted, GATE_NONE),
	U("company_name", F_STR_OR_NULL, company_name, GATE_NONE),
	U("company_role", F_STR_OR_NULL, company_role, GATE_NONE),
};
#undef U

#define T(key, kind, member) {key, kind, offsetof(struct tag, member), GATE_NONE}
static const struct field tag_fields[] = {
	T("id", F_INT, id),
	T("active", F_BOOL, active),
	T("name", F_STR, name),
	T("type", F_STR, type),
	T("description", F_STR_OR_NULL, description),
	T("color", F_STR_OR_NULL, color),
	T("visible", F_BOOL, visible),
	T("visibility_boost", F_BOOL, visibility_boost),
	T("created_at", F_DATETIME, created_at),
	T("deleted", F_BOOL, deleted),
};
#undef T

/* Fields are taken modulo their width, so the output always fits. */
void
render_datetime(const struct timestamp *t, char out[32])
{
	unsigned y = (unsigned)t->year % 10000, mo = (unsigned)t->month % 100;
	unsigned d = (unsigned)t->day % 100, h = (unsigned)t->hour % 100;
	unsigned mi = (unsigned)t->minute % 100, s = (unsigned)t->second % 100;
	unsigned us = (unsigned)t->usec % 1000000;

	if (us != 0)
		snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%06uZ", y, mo, d, h, mi, s, us);
	else
		snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, mo, d, h, mi, s);
}

void
render_date(const struct timestamp *t, char out[16])
{
	snprintf(out, 16, "%04u-%02u-%02u", (unsigned)t->year % 10000, (unsigned)t->month % 100,
	    (unsigned)t->day % 100);
}

/*
 * The database hands us utf8mb4, which jansson accepts; should a value
 * still not be valid UTF-8, say so and write "" rather than fail the page.
 */
static json_t *
string_value(const struct str *s)
{
	json_t *j = json_stringn(s->p ? s->p : "", s->p ? s->len : 0);

	if (j == NULL) {
		log_warn("invalid UTF-8 in a text column; written as \"\"");
		j = json_string("");
	}
	return j;
}

static bool
gate_open(enum gate g, const struct prefs *p)
{
	switch (g) {
	case GATE_FOLLOW:
		return p->follow_enabled;
	case GATE_POSTS:
		return p->post_type_enabled;
	case GATE_POLLS:
		return p->polls_enabled;
	case GATE_NONE:
	default:
		return true;
	}
}

static json_t *
field_value(const struct field *f, const void *record, enum connection_status status,
    bool has_date)
{
	const char *at = (const char *)record + f->offset;
	char text[32];

	switch (f->kind) {
	case F_INT:
		return json_integer(*(const int64_t *)at);
	case F_STR:
		return string_value((const struct str *)at);
	case F_STR_OR_NULL:
		return ((const struct str *)at)->p ? string_value((const struct str *)at) : json_null();
	case F_BOOL:
		return json_boolean(*(const bool *)at);
	case F_DATETIME:
		render_datetime((const struct timestamp *)at, text);
		return json_string(text);
	case F_DATE_OR_NULL:
		if (!has_date)
			return json_null();
		render_date((const struct timestamp *)at, text);
		return json_string(text);
	case F_CONNECTION:
		return status == CONNECTION_FOLLOWED ? json_string("followed") : json_null();
	case F_TAGS:
		return json_array();
	}
	return json_null();
}

static json_t *
render_object(const struct field *fields, size_t n, const void *record,
    const struct prefs *prefs, enum connection_status status, bool has_date)
{
	json_t *obj = json_object();

	for (size_t i = 0; i < n; i++) {
		if (prefs != NULL && !gate_open(fields[i].gate, prefs))
			continue;
		json_object_set_new_nocheck(obj, fields[i].key,
		    field_value(&fields[i], record, status, has_date));
	}
	return obj;
}

json_t *
render_user(const struct user *u, const struct prefs *prefs, enum connection_status status)
{
	return render_object(user_fields, sizeof(user_fields) / sizeof(user_fields[0]), u, prefs,
	    status, u->has_date_of_birth);
}

json_t *
render_tag(const struct tag *t)
{
	return render_object(tag_fields, sizeof(tag_fields) / sizeof(tag_fields[0]), t, NULL,
	    CONNECTION_NONE, false);
}

void
render_add_tag(json_t *user, const struct tag *t)
{
	json_t *tags = json_object_get(user, "tags");
	size_t at = json_array_size(tags);

	/* Sorted by id; tags usually arrive in order, so this looks at one. */
	while (at > 0 && json_integer_value(json_object_get(json_array_get(tags, at - 1), "id")) > t->id)
		at--;
	json_array_insert_new(tags, at, render_tag(t));
}

json_t *
render_page(int64_t count, const char *next, const char *previous, json_t *results)
{
	json_t *page = json_object();

	json_object_set_new_nocheck(page, "count", json_integer(count));
	json_object_set_new_nocheck(page, "next", next ? json_string(next) : json_null());
	json_object_set_new_nocheck(page, "previous", previous ? json_string(previous) : json_null());
	json_object_set_new_nocheck(page, "results", results);
	return page;
}
