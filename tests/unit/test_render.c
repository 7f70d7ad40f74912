/*
 * render.h: the User object with every key in the contract's order
 * (section 2), counters gated by preferences (absent, not null),
 * connection_status "followed"/null, tags in order, ISO 8601 dates, and the
 * page around the results.  The renderer writes JSON text; the tests parse
 * it back with jansson (strictly: duplicate keys rejected), and jansson 2.14
 * keeps key order, so json_dumps(JSON_COMPACT) shows the order the client
 * receives, byte for byte.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model.h"
#include "prefs.h"
#include "buf.h"
#include "render.h"

#define S(lit) ((struct str){lit, sizeof(lit) - 1})
#define NULLSTR ((struct str){NULL, 0})

/* The contract's User keys, in order (section 2). */
static const char *const user_keys[] = {
	"id", "username", "real_name", "avatar", "ext_id", "followings_counter",
	"followers_counter", "posts_counter", "discussions_counter", "polls_counter",
	"connection_status", "categories_counter", "date_joined", "bio", "location",
	"location_lat_lng", "position_lat_lng", "date_of_birth", "description", "gender",
	"website", "cover", "tags", "reputation", "community_badge", "reg_approved", "deleted",
	"company_name", "company_role",
};
#define NUSER_KEYS (sizeof(user_keys) / sizeof(user_keys[0]))

static const char *const tag_keys[] = {
	"id", "active", "name", "type", "description", "color", "visible", "visibility_boost",
	"created_at", "deleted",
};
#define NTAG_KEYS (sizeof(tag_keys) / sizeof(tag_keys[0]))

static struct user
full_user(void)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.id = 17;
	u.username = S("alice");
	u.real_name = S("Alice A.");
	u.avatar = S("https://cdn.example/a.png");
	u.ext_id = S("ext-17");
	u.followings_counter = 3;
	u.followers_counter = 4;
	u.posts_counter = 5;
	u.discussions_counter = 6;
	u.polls_counter = 7;
	u.categories_counter = 8;
	u.date_joined = (struct timestamp){2024, 4, 10, 11, 23, 59, 754335};
	u.bio = S("Bio");
	u.location = S("Rome");
	u.location_lat_lng = S("41.9,12.5");
	u.position_lat_lng = S("41.8,12.4");
	u.has_date_of_birth = true;
	u.date_of_birth = (struct timestamp){1990, 1, 2, 0, 0, 0, 0};
	u.description = S("Desc");
	u.gender = S("Female");
	u.website = S("https://alice.example");
	u.cover = S("https://cdn.example/c.png");
	u.reputation = 99;
	u.community_badge = true;
	u.reg_approved = true;
	u.deleted = false;
	u.company_name = S("ACME");
	u.company_role = S("CTO");
	return u;
}

static struct prefs
all_on(void)
{
	struct prefs p;

	prefs_defaults(&p);
	return p;
}

static struct tag
tag_of(int64_t id, const char *name)
{
	struct tag t;

	memset(&t, 0, sizeof(t));
	t.id = id;
	t.active = true;
	t.name = (struct str){name, strlen(name)};
	t.type = S("category");
	t.description = S("Some \"tag\"");
	t.color = S("#ff0000");
	t.visible = true;
	t.visibility_boost = false;
	t.created_at = (struct timestamp){2023, 1, 5, 8, 0, 0, 0};
	t.deleted = false;
	return t;
}

/* Compares the object's keys, in order, with expected[0..n). */
static void
expect_keys(const json_t *obj, const char *const *expected, size_t n, const char *ctx)
{
	const char *key;
	json_t *value;
	size_t i = 0;

	cr_assert(json_is_object(obj), "%s: not an object", ctx);
	json_object_foreach((json_t *)obj, key, value) {
		(void)value;
		if (i < n)
			cr_expect_str_eq(key, expected[i], "%s: key %zu is \"%s\", expected \"%s\"", ctx, i,
			    key, expected[i]);
		i++;
	}
	cr_expect_eq(i, n, "%s: %zu keys, expected %zu", ctx, i, n);
}

/* user_keys without the keys named in drop (NULL-terminated). */
static size_t
keys_without(const char **out, const char *const *drop)
{
	size_t n = 0;

	for (size_t i = 0; i < NUSER_KEYS; i++) {
		bool dropped = false;

		for (const char *const *d = drop; *d != NULL; d++)
			dropped |= strcmp(user_keys[i], *d) == 0;
		if (!dropped)
			out[n++] = user_keys[i];
	}
	return n;
}

static void
expect_dump(const json_t *j, const char *expected)
{
	char *s = json_dumps(j, JSON_COMPACT);

	cr_assert_not_null(s);
	cr_expect_str_eq(s, expected, "\n   got: %s\nwanted: %s", s, expected);
	free(s);
}

/* Parses rendered text, which must be one valid JSON value. */
static json_t *
parse(const struct buf *b)
{
	json_error_t err;
	json_t *j = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &err);

	cr_assert_not_null(j, "invalid JSON (%s): %.*s", err.text, (int)b->len, b->data);
	return j;
}

/* A whole page through the streaming writer: users[i] with tags[i][0..ntags[i]). */
static json_t *
page_json_with(const struct prefs *p, enum connection_status status, int64_t count, const char *next,
    const char *previous, const struct user *users, size_t nusers, const struct tag *const *tags,
    const size_t *ntags)
{
	struct page_writer w = {0};
	struct buf b = {0};
	json_t *j;

	render_page_begin(&w, &b, p, count, next, previous);
	for (size_t i = 0; i < nusers; i++) {
		render_page_user(&w, &users[i], status);
		for (size_t k = 0; tags != NULL && k < ntags[i]; k++)
			render_page_tag(&w, &tags[i][k]);
	}
	render_page_end(&w);
	render_page_free(&w);
	j = parse(&b);
	buf_free(&b);
	return j;
}

/* One user object, as the page writer writes it. */
static json_t *
user_json(const struct user *u, const struct prefs *p, enum connection_status status)
{
	json_t *page = page_json_with(p, status, 1, NULL, NULL, u, 1, NULL, NULL);
	json_t *j = json_incref(json_array_get(json_object_get(page, "results"), 0));

	json_decref(page);
	return j;
}

/* One tag object, as the only tag of a user on a page. */
static json_t *
tag_json(const struct tag *t)
{
	struct prefs p = {true, true, true, true};
	struct user u = {0};
	const struct tag *tags[] = {t};
	size_t ntags[] = {1};
	json_t *page = page_json_with(&p, CONNECTION_NONE, 1, NULL, NULL, &u, 1, tags, ntags);
	json_t *user = json_array_get(json_object_get(page, "results"), 0);
	json_t *j = json_incref(json_array_get(json_object_get(user, "tags"), 0));

	json_decref(page);
	return j;
}

static json_t *
page_json(int64_t count, const char *next, const char *previous, const struct user *users,
    size_t nusers, const struct tag *const *tags, const size_t *ntags)
{
	struct prefs p = {true, true, true, true};

	return page_json_with(&p, CONNECTION_NONE, count, next, previous, users, nusers, tags, ntags);
}

/* ------------------------------------------------------------ the user */

Test(render_user, full_user_golden)
{
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j = user_json(&u, &p, CONNECTION_FOLLOWED);

	expect_dump(j,
	    "{\"id\":17,\"username\":\"alice\",\"real_name\":\"Alice A.\","
	    "\"avatar\":\"https://cdn.example/a.png\",\"ext_id\":\"ext-17\","
	    "\"followings_counter\":3,\"followers_counter\":4,\"posts_counter\":5,"
	    "\"discussions_counter\":6,\"polls_counter\":7,\"connection_status\":\"followed\","
	    "\"categories_counter\":8,\"date_joined\":\"2024-04-10T11:23:59.754335Z\","
	    "\"bio\":\"Bio\",\"location\":\"Rome\",\"location_lat_lng\":\"41.9,12.5\","
	    "\"position_lat_lng\":\"41.8,12.4\",\"date_of_birth\":\"1990-01-02\","
	    "\"description\":\"Desc\",\"gender\":\"Female\",\"website\":\"https://alice.example\","
	    "\"cover\":\"https://cdn.example/c.png\",\"tags\":[],\"reputation\":99,"
	    "\"community_badge\":true,\"reg_approved\":true,\"deleted\":false,"
	    "\"company_name\":\"ACME\",\"company_role\":\"CTO\"}");
	expect_keys(j, user_keys, NUSER_KEYS, "full user");
	json_decref(j);
}

Test(render_user, nullable_fields_are_null)
{
	static const char *const nullable[] = {
		"avatar", "ext_id", "location_lat_lng", "position_lat_lng", "cover", "company_name",
		"company_role", "date_of_birth",
	};
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;

	u.avatar = NULLSTR;
	u.ext_id = NULLSTR;
	u.location_lat_lng = NULLSTR;
	u.position_lat_lng = NULLSTR;
	u.cover = NULLSTR;
	u.company_name = NULLSTR;
	u.company_role = NULLSTR;
	u.has_date_of_birth = false;
	j = user_json(&u, &p, CONNECTION_NONE);
	expect_keys(j, user_keys, NUSER_KEYS, "nulls");
	for (size_t i = 0; i < sizeof(nullable) / sizeof(nullable[0]); i++) {
		json_t *v = json_object_get(j, nullable[i]);

		cr_expect_not_null(v, "%s missing", nullable[i]);
		cr_expect(json_is_null(v), "%s is not null", nullable[i]);
	}
	json_decref(j);
}

Test(render_user, empty_strings_are_not_null)
{
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;

	/* A nullable column holding "" is "", not null. */
	u.avatar = S("");
	u.company_name = S("");
	j = user_json(&u, &p, CONNECTION_NONE);
	cr_expect_str_eq(json_string_value(json_object_get(j, "avatar")), "");
	cr_expect_str_eq(json_string_value(json_object_get(j, "company_name")), "");
	json_decref(j);
}

Test(render_user, string_fields_are_never_null)
{
	static const char *const strs[] = {
		"username", "real_name", "bio", "location", "description", "gender", "website",
	};
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;

	u.username = NULLSTR;
	u.real_name = NULLSTR;
	u.bio = NULLSTR;
	u.location = NULLSTR;
	u.description = NULLSTR;
	u.gender = NULLSTR;
	u.website = NULLSTR;
	j = user_json(&u, &p, CONNECTION_NONE);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		json_t *v = json_object_get(j, strs[i]);

		cr_expect(json_is_string(v), "%s is not a string", strs[i]);
		cr_expect_str_eq(json_string_value(v) ? json_string_value(v) : "(none)", "", "%s",
		    strs[i]);
	}
	json_decref(j);
}

Test(render_user, value_types)
{
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;

	u.id = INT64_MAX;
	u.reputation = -3;
	u.community_badge = false;
	u.reg_approved = false;
	u.deleted = true;
	u.followings_counter = 0;
	j = user_json(&u, &p, CONNECTION_NONE);
	cr_expect(json_is_integer(json_object_get(j, "id")));
	cr_expect_eq(json_integer_value(json_object_get(j, "id")), INT64_MAX);
	cr_expect_eq(json_integer_value(json_object_get(j, "reputation")), -3);
	cr_expect(json_is_integer(json_object_get(j, "followings_counter")));
	cr_expect_eq(json_integer_value(json_object_get(j, "followings_counter")), 0);
	cr_expect(json_is_false(json_object_get(j, "community_badge")));
	cr_expect(json_is_false(json_object_get(j, "reg_approved")));
	cr_expect(json_is_true(json_object_get(j, "deleted")));
	cr_expect(json_is_array(json_object_get(j, "tags")));
	cr_expect_eq(json_array_size(json_object_get(j, "tags")), 0);
	json_decref(j);
}

Test(render_user, connection_status)
{
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;

	j = user_json(&u, &p, CONNECTION_FOLLOWED);
	cr_expect_str_eq(json_string_value(json_object_get(j, "connection_status")), "followed");
	json_decref(j);

	j = user_json(&u, &p, CONNECTION_NONE);
	cr_expect_not_null(json_object_get(j, "connection_status"), "connection_status missing");
	cr_expect(json_is_null(json_object_get(j, "connection_status")));
	json_decref(j);
}

Test(render_user, no_private_fields)
{
	static const char *const private_keys[] = {
		"email", "password", "token", "status", "email_isvalid", "ext_token", "is_staff",
		"is_superuser", "last_login",
	};
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j = user_json(&u, &p, CONNECTION_FOLLOWED);

	for (size_t i = 0; i < sizeof(private_keys) / sizeof(private_keys[0]); i++)
		cr_expect_null(json_object_get(j, private_keys[i]), "%s present", private_keys[i]);
	json_decref(j);
}

/* ------------------------------------------------------------ gates */

struct gate_case {
	bool follow, posts, polls, content;
	const char *drop[6];
};

static const struct gate_case gates[] = {
	{true, true, true, true, {NULL}},
	{true, true, true, false, {NULL}},	/* content_availability gates nothing here */
	{false, true, true, true, {"followings_counter", "followers_counter", NULL}},
	{true, false, true, true, {"posts_counter", "discussions_counter", NULL}},
	{true, true, false, true, {"polls_counter", NULL}},
	{false, false, true, true,
	    {"followings_counter", "followers_counter", "posts_counter", "discussions_counter", NULL}},
	{false, false, false, true,
	    {"followings_counter", "followers_counter", "posts_counter", "discussions_counter",
	        "polls_counter", NULL}},
};

Test(render_user, counters_gated_by_preferences)
{
	for (size_t g = 0; g < sizeof(gates) / sizeof(gates[0]); g++) {
		const struct gate_case *c = &gates[g];
		struct user u = full_user();
		struct prefs p;
		const char *expected[NUSER_KEYS];
		size_t n = keys_without(expected, c->drop);
		char ctx[64];
		json_t *j;

		prefs_defaults(&p);
		p.follow_enabled = c->follow;
		p.post_type_enabled = c->posts;
		p.polls_enabled = c->polls;
		p.content_availability = c->content;
		j = user_json(&u, &p, CONNECTION_NONE);
		snprintf(ctx, sizeof(ctx), "follow=%d posts=%d polls=%d content=%d", c->follow, c->posts,
		    c->polls, c->content);
		/* Absent, not null: the exact key list. */
		expect_keys(j, expected, n, ctx);
		json_decref(j);
	}
}

Test(render_user, gated_counters_keep_their_values)
{
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;

	p.follow_enabled = false;
	j = user_json(&u, &p, CONNECTION_NONE);
	cr_expect_eq(json_integer_value(json_object_get(j, "posts_counter")), 5);
	cr_expect_eq(json_integer_value(json_object_get(j, "discussions_counter")), 6);
	cr_expect_eq(json_integer_value(json_object_get(j, "polls_counter")), 7);
	cr_expect_eq(json_integer_value(json_object_get(j, "categories_counter")), 8);
	json_decref(j);
}

/* ------------------------------------------------------------ tags */

Test(render_tag, golden)
{
	struct tag t = tag_of(3, "music");
	json_t *j = tag_json(&t);

	expect_dump(j,
	    "{\"id\":3,\"active\":true,\"name\":\"music\",\"type\":\"category\","
	    "\"description\":\"Some \\\"tag\\\"\",\"color\":\"#ff0000\",\"visible\":true,"
	    "\"visibility_boost\":false,\"created_at\":\"2023-01-05T08:00:00Z\",\"deleted\":false}");
	expect_keys(j, tag_keys, NTAG_KEYS, "tag");
	json_decref(j);
}

Test(render_tag, added_in_order_with_every_key)
{
	struct user u = full_user();
	struct tag t[3] = {tag_of(1, "first"), tag_of(5, "second"), tag_of(9, "third")};
	const struct tag *tags[] = {t};
	size_t ntags[] = {3};
	json_t *page, *j, *arr;

	t[1].active = false;
	t[1].visibility_boost = true;
	t[1].created_at.usec = 42;
	page = page_json(1, NULL, NULL, &u, 1, tags, ntags);
	j = json_array_get(json_object_get(page, "results"), 0);
	arr = json_object_get(j, "tags");
	cr_assert_eq(json_array_size(arr), 3);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(arr, 0), "name")), "first");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(arr, 1), "name")), "second");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(arr, 2), "name")), "third");
	for (size_t i = 0; i < 3; i++)
		expect_keys(json_array_get(arr, i), tag_keys, NTAG_KEYS, "tag in user");
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(arr, 1), "id")), 5);
	cr_expect(json_is_false(json_object_get(json_array_get(arr, 1), "active")));
	cr_expect(json_is_true(json_object_get(json_array_get(arr, 1), "visibility_boost")));
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(arr, 1), "created_at")),
	    "2023-01-05T08:00:00.000042Z");
	/* The user's own keys are untouched. */
	expect_keys(j, user_keys, NUSER_KEYS, "user with tags");
	json_decref(page);
}

Test(render_tag, kept_sorted_by_id_whatever_the_arrival_order)
{
	struct user u[2] = {full_user(), full_user()};
	int64_t arrival[] = {7, 2, 9, 1, 5};
	int64_t sorted[] = {1, 2, 5, 7, 9};
	struct tag t[5];
	const struct tag *tags[] = {t, t};
	size_t ntags[] = {5, 5};
	json_t *page;

	u[1].id = 18;
	for (size_t i = 0; i < 5; i++)
		t[i] = tag_of(arrival[i], "t");
	page = page_json(2, NULL, NULL, u, 2, tags, ntags);
	for (size_t k = 0; k < 2; k++) {
		json_t *arr = json_object_get(json_array_get(json_object_get(page, "results"), k), "tags");

		cr_assert_eq(json_array_size(arr), 5);
		for (size_t i = 0; i < 5; i++)
			cr_expect_eq(json_integer_value(json_object_get(json_array_get(arr, i), "id")),
			    sorted[i], "user %zu tag %zu", k, i);
	}
	json_decref(page);
}

/* ------------------------------------------------------------ dates */

Test(render_datetime, table)
{
	static const struct {
		struct timestamp t;
		const char *expected;
	} cases[] = {
		{{2024, 4, 10, 11, 23, 59, 754335}, "2024-04-10T11:23:59.754335Z"},
		{{2024, 4, 10, 11, 23, 59, 0}, "2024-04-10T11:23:59Z"},
		{{2024, 4, 10, 11, 23, 59, 5}, "2024-04-10T11:23:59.000005Z"},
		{{2024, 4, 10, 11, 23, 59, 120000}, "2024-04-10T11:23:59.120000Z"},
		{{2024, 4, 10, 11, 23, 59, 100000}, "2024-04-10T11:23:59.100000Z"},
		{{2024, 4, 10, 11, 23, 59, 999999}, "2024-04-10T11:23:59.999999Z"},
		{{2000, 1, 1, 0, 0, 0, 0}, "2000-01-01T00:00:00Z"},
		{{1, 2, 3, 4, 5, 6, 0}, "0001-02-03T04:05:06Z"},
		{{9999, 12, 31, 23, 59, 59, 1}, "9999-12-31T23:59:59.000001Z"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[32];

		render_datetime(&cases[i].t, out);
		cr_expect_str_eq(out, cases[i].expected, "\"%s\", expected \"%s\"", out,
		    cases[i].expected);
	}
}

Test(render_date, table)
{
	static const struct {
		struct timestamp t;
		const char *expected;
	} cases[] = {
		{{1990, 1, 2, 0, 0, 0, 0}, "1990-01-02"},
		{{2000, 12, 31, 0, 0, 0, 0}, "2000-12-31"},
		{{1, 1, 1, 0, 0, 0, 0}, "0001-01-01"},
		{{2024, 2, 29, 13, 14, 15, 16}, "2024-02-29"},	/* time parts ignored */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[16];

		render_date(&cases[i].t, out);
		cr_expect_str_eq(out, cases[i].expected);
	}
}

Test(render_user, date_fields_in_the_object)
{
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;

	u.date_joined = (struct timestamp){2021, 6, 7, 8, 9, 10, 0};
	u.date_of_birth = (struct timestamp){1985, 11, 30, 0, 0, 0, 0};
	j = user_json(&u, &p, CONNECTION_NONE);
	cr_expect_str_eq(json_string_value(json_object_get(j, "date_joined")), "2021-06-07T08:09:10Z");
	cr_expect_str_eq(json_string_value(json_object_get(j, "date_of_birth")), "1985-11-30");
	json_decref(j);
}

/* ------------------------------------------------------------ strings */

Test(render_user, strings_round_trip)
{
	static const char tricky[] =
	    "q\"uote \\back/slash\nnl\rcr\ttab\x01\x1f\x7f \xf0\x9f\x98\x80 \xc3\xa9 \xe2\x80\xa8 </script>";
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j, *back;
	json_error_t error;
	char *text;

	u.username = S(tricky);
	u.bio = S(tricky);
	u.company_role = S(tricky);
	j = user_json(&u, &p, CONNECTION_NONE);
	text = json_dumps(j, JSON_COMPACT);
	cr_assert_not_null(text);
	back = json_loads(text, 0, &error);
	cr_assert_not_null(back, "output does not parse: %s", error.text);
	cr_expect_str_eq(json_string_value(json_object_get(back, "username")), tricky);
	cr_expect_str_eq(json_string_value(json_object_get(back, "bio")), tricky);
	cr_expect_str_eq(json_string_value(json_object_get(back, "company_role")), tricky);
	json_decref(back);
	free(text);
	json_decref(j);
}

Test(render_user, string_length_is_explicit)
{
	static const char text[] = "alice-and-more";
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;

	u.username = (struct str){text, 5};
	j = user_json(&u, &p, CONNECTION_NONE);
	cr_expect_str_eq(json_string_value(json_object_get(j, "username")), "alice");
	json_decref(j);
}

Test(render_user, invalid_utf8_still_gives_valid_json)
{
	struct user u = full_user();
	struct prefs p = all_on();
	json_t *j;
	char *text;

	u.bio = S("bad \xff\xfe bytes");
	j = user_json(&u, &p, CONNECTION_NONE);
	cr_assert(json_is_string(json_object_get(j, "bio")));
	cr_expect_str_eq(json_string_value(json_object_get(j, "bio")), "");
	text = json_dumps(j, JSON_COMPACT);
	cr_expect_not_null(text);
	free(text);
	json_decref(j);
}

/* ------------------------------------------------------------ the page */

Test(render_page, shape_and_order)
{
	struct user u[2] = {full_user(), full_user()};
	json_t *page, *results;
	static const char *const page_keys[] = {"count", "next", "previous", "results"};

	u[1].id = 99;
	page = page_json(3, "http://h/api/v2/user/1/followings/?limit=1&offset=2",
	    "http://h/api/v2/user/1/followings/?limit=1", u, 2, NULL, NULL);
	expect_keys(page, page_keys, 4, "page");
	cr_expect(json_is_integer(json_object_get(page, "count")));
	cr_expect_eq(json_integer_value(json_object_get(page, "count")), 3);
	cr_expect_str_eq(json_string_value(json_object_get(page, "next")),
	    "http://h/api/v2/user/1/followings/?limit=1&offset=2");
	cr_expect_str_eq(json_string_value(json_object_get(page, "previous")),
	    "http://h/api/v2/user/1/followings/?limit=1");
	results = json_object_get(page, "results");
	cr_assert_eq(json_array_size(results), 2);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(results, 0), "id")), 17);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(results, 1), "id")), 99);
	expect_keys(json_array_get(results, 1), user_keys, NUSER_KEYS, "second user");
	cr_expect_eq(json_array_size(json_object_get(json_array_get(results, 1), "tags")), 0);
	json_decref(page);
}

Test(render_page, null_links_golden)
{
	json_t *page = page_json(0, NULL, NULL, NULL, 0, NULL, NULL);

	expect_dump(page, "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}");
	json_decref(page);
}

Test(render_page, big_count)
{
	json_t *page = page_json(INT64_MAX, NULL, "http://h/x?limit=20", NULL, 0, NULL, NULL);

	expect_dump(page, "{\"count\":9223372036854775807,\"next\":null,"
	                  "\"previous\":\"http://h/x?limit=20\",\"results\":[]}");
	json_decref(page);
}

/* The page is written directly: its bytes must be what jansson would dump. */
Test(render_page, bytes_equal_jansson_dump)
{
	struct user u = full_user();
	struct tag t[2] = {tag_of(4, "b\"q\\x\n"), tag_of(2, "a\x01\xc3\xa9\xf0\x9f\x98\x80")};
	struct prefs p = all_on();
	struct page_writer w = {0};
	struct buf b = {0};
	json_t *j;
	char *dumped;

	u.bio = S("line\nbreak \"quoted\" back\\slash \x1f \x7f /");
	render_page_begin(&w, &b, &p, 1, "http://h/?a=\"", NULL);
	render_page_user(&w, &u, CONNECTION_FOLLOWED);
	render_page_tag(&w, &t[0]);
	render_page_tag(&w, &t[1]);
	render_page_end(&w);
	render_page_free(&w);
	j = parse(&b);
	dumped = json_dumps(j, JSON_COMPACT);
	cr_expect_eq(strlen(dumped), b.len);
	cr_expect(memcmp(dumped, b.data, b.len) == 0, "\nwritten: %.*s\n dumped: %s", (int)b.len,
	    b.data, dumped);
	free(dumped);
	json_decref(j);
	buf_free(&b);
}

/* GET .../counters/ (follow-graph-api.md §3): the bytes, in the contract's order. */
static char *
counters_text(const struct user_counters *c, const struct prefs *p)
{
	struct buf b = {0};
	char *s;

	render_counters(&b, c, p);
	s = strndup(b.data, b.len);
	buf_free(&b);
	return s;
}

Test(render_counters, every_key_in_order_as_numbers)
{
	struct user_counters c = {11, 22, 3, 44, 5, 0};
	struct prefs p;
	char *s;

	prefs_defaults(&p);
	s = counters_text(&c, &p);
	cr_expect_str_eq(s,
	    "{\"followings\":11,\"followers\":22,\"categories\":3,\"posts\":44,\"discussions\":5,\"polls\":0}");
	free(s);
}

Test(render_counters, preferences_leave_keys_out)
{
	static const struct {
		bool follow, posts, polls;
		const char *expected;
	} cases[] = {
		{false, true, true, "{\"categories\":3,\"posts\":4,\"discussions\":5,\"polls\":6}"},
		{true, false, true, "{\"followings\":1,\"followers\":2,\"categories\":3,\"polls\":6}"},
		{true, true, false,
		 "{\"followings\":1,\"followers\":2,\"categories\":3,\"posts\":4,\"discussions\":5}"},
		{false, false, false, "{\"categories\":3}"},
	};
	struct user_counters c = {1, 2, 3, 4, 5, 6};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct prefs p;
		char *s;

		prefs_defaults(&p);
		p.follow_enabled = cases[i].follow;
		p.post_type_enabled = cases[i].posts;
		p.polls_enabled = cases[i].polls;
		p.content_availability = false;	/* not a gate of any key */
		s = counters_text(&c, &p);
		cr_expect_str_eq(s, cases[i].expected, "case %zu", i);
		free(s);
	}
}

Test(render_counters, large_and_negative_values_are_plain_integers)
{
	struct user_counters c = {INT64_MAX, -1, 0, 0, 0, 0};
	struct prefs p;
	char *s;
	json_t *j;

	prefs_defaults(&p);
	s = counters_text(&c, &p);
	j = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
	cr_assert_not_null(j, "%s", s);
	cr_expect_eq(json_integer_value(json_object_get(j, "followings")), INT64_MAX);
	cr_expect_eq(json_integer_value(json_object_get(j, "followers")), -1);
	json_decref(j);
	free(s);
}

Test(render_flag, true_and_false)
{
	struct buf b = {0};

	render_flag(&b, "is_followed", true);
	cr_expect_eq(b.len, strlen("{\"is_followed\":true}"));
	cr_expect(memcmp(b.data, "{\"is_followed\":true}", b.len) == 0);
	buf_reset(&b);
	render_flag(&b, "is_follower", false);
	cr_expect_eq(b.len, strlen("{\"is_follower\":false}"));
	cr_expect(memcmp(b.data, "{\"is_follower\":false}", b.len) == 0);
	buf_free(&b);
}
