/*
 * The records the endpoint reads and renders, free of any database or JSON
 * type.  Strings are views (pointer and length, pointer NULL for SQL NULL)
 * valid until the next row is fetched.
 */
#ifndef FOLLOWINGS_MODEL_H
#define FOLLOWINGS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
	const char *p;		/* NULL: SQL NULL */
	size_t len;
};

struct timestamp {
	int year, month, day, hour, minute, second;
	long usec;
};

struct tag {
	int64_t id;
	bool active;
	struct str name;
	struct str type;
	struct str description;
	struct str color;
	bool visible;
	bool visibility_boost;
	struct timestamp created_at;
	bool deleted;
};

/* A user's counters as GET /api/v2/user/{id}/counters/ answers them. */
struct user_counters {
	int64_t followings, followers, categories, posts, discussions, polls;
};

struct user {
	int64_t id;
	struct str username;
	struct str real_name;
	struct str avatar;
	struct str ext_id;
	int64_t followings_counter;
	int64_t followers_counter;
	int64_t posts_counter;
	int64_t discussions_counter;
	int64_t polls_counter;
	int64_t categories_counter;
	struct timestamp date_joined;
	struct str bio;
	struct str location;
	struct str location_lat_lng;
	struct str position_lat_lng;
	bool has_date_of_birth;
	struct timestamp date_of_birth;
	struct str description;
	struct str gender;
	struct str website;
	struct str cover;
	int64_t reputation;
	bool community_badge;
	bool reg_approved;
	bool deleted;
	struct str company_name;
	struct str company_role;
};

#endif
