#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "jsonw.h"
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
	const char *key;	/* as written after a previous key: ,"name": */
	size_t key_len;
	enum field_kind kind;
	size_t offset;
	enum gate gate;
};

#define KEY(name) ",\"" name "\":", sizeof(",\"" name "\":") - 1
#define U(key, kind, member, gate) {KEY(key), kind, offsetof(struct user, member), gate}
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
	{KEY("connection_status"), F_CONNECTION, 0, GATE_NONE},
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
	{KEY("tags"), F_TAGS, 0, GATE_NONE},
	U("reputation", F_INT, reputation, GATE_NONE),
	U("community_badge", F_BOOL, community_badge, GATE_NONE),
	U("reg_approved", F_BOOL, reg_approved, GATE_NONE),
	U("deleted", F_BOOL, deleted, GATE_NONE),
	U("company_name", F_STR_OR_NULL, company_name, GATE_NONE),
	U("company_role", F_STR_OR_NULL, company_role, GATE_NONE),
};
#undef U

#define T(key, kind, member) {KEY(key), kind, offsetof(struct tag, member), GATE_NONE}
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

/* GET .../counters/ (follow-graph-api.md §3): the User object's gates. */
#define C(key, member, gate) {KEY(key), F_INT, offsetof(struct user_counters, member), gate}
static const struct field counter_fields[] = {
	C("followings", followings, GATE_FOLLOW),
	C("followers", followers, GATE_FOLLOW),
	C("categories", categories, GATE_NONE),
	C("posts", posts, GATE_POSTS),
	C("discussions", discussions, GATE_POSTS),
	C("polls", polls, GATE_POLLS),
};
#undef C
#undef KEY

/* Writes v as exactly `width` decimal digits (v taken modulo 10^width). */
static char *
put_digits(char *o, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		o[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return o + width;
}

/* "YYYY-MM-DD" into out (no NUL); returns the end. */
static char *
put_date(char *o, const struct timestamp *t)
{
	o = put_digits(o, (unsigned)t->year, 4);
	*o++ = '-';
	o = put_digits(o, (unsigned)t->month, 2);
	*o++ = '-';
	return put_digits(o, (unsigned)t->day, 2);
}

void
render_datetime(const struct timestamp *t, char out[32])
{
	char *o = put_date(out, t);
	unsigned us = (unsigned)t->usec % 1000000;

	*o++ = 'T';
	o = put_digits(o, (unsigned)t->hour, 2);
	*o++ = ':';
	o = put_digits(o, (unsigned)t->minute, 2);
	*o++ = ':';
	o = put_digits(o, (unsigned)t->second, 2);
	if (us != 0) {
		*o++ = '.';
		o = put_digits(o, us, 6);
	}
	*o++ = 'Z';
	*o = '\0';
}

void
render_date(const struct timestamp *t, char out[16])
{
	*put_date(out, t) = '\0';
}

/*
 * The database hands us utf8mb4; should a value still not be valid UTF-8,
 * say so and write "" rather than fail the page.
 */
static void
write_string(struct buf *out, const struct str *s)
{
	if (!jsonw_string(out, s->p ? s->p : "", s->p ? s->len : 0))
		log_warn("invalid UTF-8 in a text column; written as \"\"");
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

static void
write_value(struct buf *out, const struct field *f, const void *record,
    enum connection_status status, bool has_date)
{
	const char *at = (const char *)record + f->offset;
	char text[32];

	switch (f->kind) {
	case F_INT:
		jsonw_int(out, *(const int64_t *)at);
		return;
	case F_STR:
		write_string(out, (const struct str *)at);
		return;
	case F_STR_OR_NULL:
		if (((const struct str *)at)->p != NULL)
			write_string(out, (const struct str *)at);
		else
			jsonw_null(out);
		return;
	case F_BOOL:
		jsonw_bool(out, *(const bool *)at);
		return;
	case F_DATETIME:
		render_datetime((const struct timestamp *)at, text);
		jsonw_string(out, text, strlen(text));
		return;
	case F_DATE_OR_NULL:
		if (!has_date) {
			jsonw_null(out);
			return;
		}
		render_date((const struct timestamp *)at, text);
		jsonw_string(out, text, strlen(text));
		return;
	case F_CONNECTION:
		if (status == CONNECTION_FOLLOWED)
			buf_add(out, "\"followed\"", 10);
		else
			jsonw_null(out);
		return;
	case F_TAGS:
		return;		/* written by the caller */
	}
}

/*
 * Writes fields[from..to) as "key":value pairs; *first says whether a comma
 * is due.  Stops before an F_TAGS field and returns its index (or to).
 */
static size_t
write_fields(struct buf *out, const struct field *fields, size_t from, size_t to,
    const void *record, const struct prefs *prefs, enum connection_status status,
    bool has_date, bool *first)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (prefs != NULL && !gate_open(fields[i].gate, prefs))
			continue;
		/* The table's key is written with its quotes and colon: ,"key": */
		if (*first)
			buf_add(out, fields[i].key + 1, fields[i].key_len - 1);
		else
			buf_add(out, fields[i].key, fields[i].key_len);
		*first = false;
		if (fields[i].kind == F_TAGS)
			return i;
		write_value(out, &fields[i], record, status, has_date);
	}
	return to;
}

#define NUSER_FIELDS (sizeof(user_fields) / sizeof(user_fields[0]))
#define NTAG_FIELDS (sizeof(tag_fields) / sizeof(tag_fields[0]))
#define NCOUNTER_FIELDS (sizeof(counter_fields) / sizeof(counter_fields[0]))

void
render_counters(struct buf *out, const struct user_counters *c, const struct prefs *prefs)
{
	bool first = true;

	buf_add(out, "{", 1);
	write_fields(out, counter_fields, 0, NCOUNTER_FIELDS, c, prefs, CONNECTION_NONE, false, &first);
	buf_add(out, "}", 1);
}

void
render_flag(struct buf *out, const char *key, bool value)
{
	buf_puts(out, "{");
	jsonw_string(out, key, strlen(key));
	buf_puts(out, value ? ":true}" : ":false}");
}

/* One tag object. */
static void
render_tag(struct buf *out, const struct tag *t)
{
	bool first = true;

	buf_add(out, "{", 1);
	write_fields(out, tag_fields, 0, NTAG_FIELDS, t, NULL, CONNECTION_NONE, false, &first);
	buf_add(out, "}", 1);
}

/* The user's keys up to and including "tags": (returns the next field). */
static size_t
write_user_head(struct buf *out, const struct user *u, const struct prefs *prefs,
    enum connection_status status)
{
	bool first = true;

	buf_add(out, "{", 1);
	return write_fields(out, user_fields, 0, NUSER_FIELDS, u, prefs, status,
	    u->has_date_of_birth, &first) + 1;
}

static void
write_user_tail(struct buf *out, size_t from, const struct user *u, const struct prefs *prefs)
{
	bool first = false;

	write_fields(out, user_fields, from, NUSER_FIELDS, u, prefs, CONNECTION_NONE,
	    u->has_date_of_birth, &first);
	buf_add(out, "}", 1);
}

static void
write_link(struct buf *out, const char *url)
{
	if (url != NULL)
		jsonw_string(out, url, strlen(url));
	else
		jsonw_null(out);
}

void
render_page_begin(struct page_writer *w, struct buf *out, const struct prefs *prefs,
    int64_t count, const char *next, const char *previous)
{
	/* The scratch buffers (tail, tag_text, tags) are kept from the last page. */
	w->out = out;
	w->prefs = prefs;
	w->users = 0;
	w->user_open = false;
	w->ntags = 0;
	buf_puts(out, "{\"count\":");
	jsonw_int(out, count);
	buf_puts(out, ",\"next\":");
	write_link(out, next);
	buf_puts(out, ",\"previous\":");
	write_link(out, previous);
	buf_puts(out, ",\"results\":[");
}

static int
cmp_tag_slot(const void *a, const void *b)
{
	int64_t x = ((const struct tag_slot *)a)->id, y = ((const struct tag_slot *)b)->id;

	return x < y ? -1 : x > y;
}

/* Closes the open user: its tags sorted by id, then the keys after "tags". */
static void
close_user(struct page_writer *w)
{
	if (!w->user_open)
		return;
	if (w->ntags > 1)	/* qsort(NULL, 0) is undefined behaviour */
		qsort(w->tags, w->ntags, sizeof(*w->tags), cmp_tag_slot);
	buf_add(w->out, "[", 1);
	for (size_t i = 0; i < w->ntags; i++) {
		if (i > 0)
			buf_add(w->out, ",", 1);
		buf_add(w->out, w->tag_text.data + w->tags[i].off, w->tags[i].len);
	}
	buf_add(w->out, "]", 1);
	buf_add(w->out, w->tail.data, w->tail.len);
	w->user_open = false;
}

void
render_page_user(struct page_writer *w, const struct user *u, enum connection_status status)
{
	size_t tail;

	close_user(w);
	if (w->users++ > 0)
		buf_add(w->out, ",", 1);
	tail = write_user_head(w->out, u, w->prefs, status);
	buf_reset(&w->tail);
	write_user_tail(&w->tail, tail, u, w->prefs);
	buf_reset(&w->tag_text);
	w->ntags = 0;
	w->user_open = true;
}

void
render_page_tag(struct page_writer *w, const struct tag *t)
{
	size_t off = w->tag_text.len;

	if (!w->user_open)
		return;
	render_tag(&w->tag_text, t);
	if (w->ntags == w->tag_cap) {
		w->tag_cap = w->tag_cap ? w->tag_cap * 2 : 8;
		w->tags = xrealloc(w->tags, w->tag_cap * sizeof(*w->tags));
	}
	w->tags[w->ntags++] = (struct tag_slot){t->id, off, w->tag_text.len - off};
}

void
render_page_end(struct page_writer *w)
{
	close_user(w);
	buf_puts(w->out, "]}");
}

void
render_page_free(struct page_writer *w)
{
	buf_free(&w->tail);
	buf_free(&w->tag_text);
	free(w->tags);
	w->tags = NULL;
}
