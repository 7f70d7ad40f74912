/*
 * gen.c - deterministic data generator for the followings benchmark.
 *
 *   cc -O2 -o gen bench/gen.c -lm
 *   gen -o OUTDIR [-s SEED] [-u USERS]
 *
 * Writes tab-separated files for LOAD DATA (FIELDS TERMINATED BY '\t'
 * ESCAPED BY '\\', NULL written as \N, one row per line) into OUTDIR:
 *
 *   users.tsv  follows.tsv  tags.tsv  user_tags.tsv  preferences.tsv
 *   access_tokens.tsv   (token_checksum = sha256 hex of the plain token)
 *   tokens.tsv          plain tokens: token, user_id, expires, valid(1/0)
 *   meta.txt            key=value facts (special users, totals, stats)
 *
 * Same seed and user count => byte-identical files.  Every phase draws from
 * its own random stream, so changing one phase leaves the others unchanged.
 *
 * Shape (defaults): USERS = 210,000 (the user that follows exactly 200,000
 * accounts needs at least 200,001 users), about 3.2M follows: 4% of users
 * follow nobody, the bulk is log-normal with median 10, 0.4% have a Pareto
 * tail (80..30,000), five "heavy" users follow 200,000 (exactly, all visible),
 * 120,000, 90,000, 70,000 and 50,000; one designated user follows exactly 10
 * visible users.  Targets are drawn from a Zipf popularity ranking (s = 1)
 * mixed with uniform draws, so in-degree is skewed too and typical users share
 * popular followings.  300 "viewer" users (the token holders) follow 30..5,000
 * accounts, mostly popular ones, so they share followings with typical users.
 * One "famous" user, an early joiner, is followed by every user who follows
 * anyone but the heavy users and the ten user (about 200,000 followers: the followers list's heaviest case); its
 * edges are drawn last, from a stream of their own, so every other edge is
 * the same with or without them.
 * About 0.5% of users are soft-deleted (never the special users).  Follow
 * timestamps come in bursts that share one created_at value (many ties).
 * No self-follows and no duplicate pairs, by construction.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- random */

typedef struct { uint64_t s[4]; } rng_t;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed * 0x2545f4914f6cdd1dULL ^ (stream + 1) * 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rnd(rng_t *r) /* xoshiro256** */
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
	s[2] ^= t; s[3] = rotl(s[3], 45);
	return result;
}

static inline uint64_t below(rng_t *r, uint64_t n) /* uniform in [0, n) */
{
	unsigned __int128 m = (unsigned __int128)rnd(r) * n;
	uint64_t l = (uint64_t)m;
	if (l < n) {
		uint64_t t = -n % n;
		while (l < t) {
			m = (unsigned __int128)rnd(r) * n;
			l = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

static inline double unif(rng_t *r) { return (rnd(r) >> 11) * 0x1p-53; }

static double normal(rng_t *r)
{
	double u1 = unif(r), u2 = unif(r);
	if (u1 < 1e-300) u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static double lognormal(rng_t *r, double median, double sigma)
{
	return median * exp(sigma * normal(r));
}

/* ---------------------------------------------------------------- sha256 */

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256_hex(const char *msg, size_t len, char out[65])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	unsigned char blk[64];
	size_t i = 0;
	for (; i + 64 <= len; i += 64)
		sha256_block(h, (const unsigned char *)msg + i);
	size_t rem = len - i;
	memset(blk, 0, 64);
	memcpy(blk, msg + i, rem);
	blk[rem] = 0x80;
	if (rem >= 56) {
		sha256_block(h, blk);
		memset(blk, 0, 64);
	}
	uint64_t bits = (uint64_t)len * 8;
	for (int k = 0; k < 8; k++)
		blk[63 - k] = (unsigned char)(bits >> (8 * k));
	sha256_block(h, blk);
	for (int k = 0; k < 8; k++)
		sprintf(out + 8 * k, "%08x", h[k]);
	out[64] = 0;
}

/* ---------------------------------------------------------------- output */

typedef struct {
	FILE *f;
	size_t n;
	char buf[1 << 20];
} out_t;

static const char *outdir;

static out_t *out_open(const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", outdir, name);
	out_t *o = malloc(sizeof *o);
	if (!o || !(o->f = fopen(path, "w"))) {
		fprintf(stderr, "gen: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	o->n = 0;
	return o;
}

static void out_flush(out_t *o)
{
	if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n) {
		fprintf(stderr, "gen: write error: %s\n", strerror(errno));
		exit(1);
	}
	o->n = 0;
}

static void out_close(out_t *o)
{
	out_flush(o);
	if (fclose(o->f) != 0) {
		fprintf(stderr, "gen: close error: %s\n", strerror(errno));
		exit(1);
	}
	free(o);
}

static inline void need(out_t *o, size_t k)
{
	if (o->n + k > sizeof o->buf)
		out_flush(o);
}

static inline void put_c(out_t *o, char c)
{
	need(o, 1);
	o->buf[o->n++] = c;
}

static void put_raw(out_t *o, const char *s, size_t len)
{
	if (len > sizeof o->buf / 2) {
		out_flush(o);
		fwrite(s, 1, len, o->f);
		return;
	}
	need(o, len);
	memcpy(o->buf + o->n, s, len);
	o->n += len;
}

static void put_s(out_t *o, const char *s) { put_raw(o, s, strlen(s)); }

/* A field value, escaped for LOAD DATA ... ESCAPED BY '\\'. */
static void put_esc(out_t *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\t': put_c(o, '\\'); put_c(o, 't'); break;
		case '\n': put_c(o, '\\'); put_c(o, 'n'); break;
		case '\r': put_c(o, '\\'); put_c(o, 'r'); break;
		case '\\': put_c(o, '\\'); put_c(o, '\\'); break;
		default: put_c(o, *s);
		}
	}
}

static void put_null(out_t *o) { put_raw(o, "\\N", 2); }
static void put_tab(out_t *o) { put_c(o, '\t'); }
static void put_nl(out_t *o) { put_c(o, '\n'); }

static void put_u(out_t *o, uint64_t v)
{
	char t[24];
	int i = 24;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_raw(o, t + i, 24 - i);
}

/* days since 1970-01-01 -> civil date (H. Hinnant's algorithm) */
static void civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static void put_date(out_t *o, int64_t days)
{
	int y;
	unsigned m, d;
	char t[16];
	civil(days, &y, &m, &d);
	int n = snprintf(t, sizeof t, "%04d-%02u-%02u", y, m, d);
	put_raw(o, t, (size_t)n);
}

static void fmt_dt(char *t, int64_t sec, unsigned usec)
{
	int y;
	unsigned m, d;
	int64_t days = sec / 86400, rem = sec % 86400;
	civil(days, &y, &m, &d);
	sprintf(t, "%04d-%02u-%02u %02u:%02u:%02u.%06u", y, m, d, (unsigned)(rem / 3600),
		(unsigned)(rem / 60 % 60), (unsigned)(rem % 60), usec);
}

static void put_dt(out_t *o, int64_t sec, unsigned usec)
{
	char t[40];
	fmt_dt(t, sec, usec);
	put_raw(o, t, 26);
}

/* ---------------------------------------------------------------- words */

static const char *FIRST[] = {
	"Anna", "Marco", "Giulia", "Luca", "Sofia", "Matteo", "Emma", "Lorenzo", "Chiara", "Andrea",
	"Sara", "Davide", "Martina", "Simone", "Elena", "Federico", "Alice", "Riccardo", "Laura", "Paolo",
	"John", "Mary", "James", "Linda", "Robert", "Susan", "Michael", "Karen", "David", "Nancy",
	"José", "María", "François", "Zoë", "Björn", "Søren", "Łukasz", "Ana", "Jürgen", "Chloé",
	"Aiko", "Hiroshi", "李", "王芳", "Olga", "Дмитрий", "Fatima", "Omar", "Priya", "Ravi"};
static const char *LAST[] = {
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martínez", "López",
	"Müller", "Schröder", "Dubois", "Lefèvre", "Nowak", "Kowalski", "Andersson", "Nielsen", "O'Brien", "D'Angelo",
	"Tanaka", "Suzuki", "张", "Иванов", "Haddad", "Khan", "Patel", "Singh", "da Silva", "van der Berg"};
static const char *UNAME[] = {
	"anna", "marco", "giulia", "luca", "sofia", "matteo", "emma", "lorenzo", "chiara", "andrea",
	"sara", "davide", "martina", "simone", "elena", "fede", "alice", "ricky", "laura", "paolo",
	"john", "mary", "jim", "linda", "rob", "sue", "mike", "karen", "dave", "nancy",
	"jose", "maria", "franz", "zoe", "bjorn", "soren", "lukas", "ana", "jurgen", "chloe"};
static const char *WORDS[] = {
	"community", "music", "travel", "photography", "coffee", "design", "running", "books", "cinema", "food",
	"developer", "teacher", "student", "parent", "artist", "engineer", "gardening", "cycling", "hiking", "yoga",
	"open", "source", "lover", "of", "and", "the", "with", "a", "in", "for",
	"city", "mountains", "sea", "weekend", "projects", "ideas", "stories", "friends", "life", "work",
	"passionate", "curious", "always", "learning", "sharing", "building", "things", "here", "there", "every",
	"day", "night", "café", "naïve", "über", "señor", "crème", "brûlée", "façade", "déjà",
	"vu", "日本語", "東京", "Москва", "привет", "🎉", "🚀", "☕", "❤️", "🌍",
	"C++", "R&D", "<b>bold</b>", "50%", "#hashtag", "@mention", "e-mail", "co-founder", "100€", "(ex)"};
static const char *SPECIAL_BITS[] = {
	"\"quoted\"", "C:\\Users\\me", "line one\nline two", "tab\there", "</script>", "a\\b", "{\"json\": true}",
	"'single'", "back\\slash\\\\", "\u2028sep"};
static const char *CITIES[] = {
	"Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "London", "Paris", "Berlin", "Madrid",
	"New York", "San Francisco", "Tokyo", "São Paulo", "Zürich", "Kraków", "Москва", "Genève", "Malmö", "Cluj-Napoca"};
static const char *ROLES[] = {"CEO", "CTO", "Community Manager", "Software Engineer", "Designer",
	"Product Owner", "Marketing", "Sales", "Support", "Data Scientist"};
static const char *COMPANIES[] = {"Acme S.p.A.", "Globex", "Initech", "Umbrella Corp", "Hooli", "Stark Industries",
	"Wayne Enterprises", "Vandelay Industries", "Soylent", "Cyberdyne"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[below(r, NELEM(a))])

/* Append words to buf until its byte length reaches target (never cut a word). */
static size_t add_words(rng_t *r, char *buf, size_t len, size_t cap, size_t target, int specials)
{
	while (len < target) {
		const char *w = (specials && below(r, 40) == 0) ? PICK(r, SPECIAL_BITS) : PICK(r, WORDS);
		size_t wl = strlen(w);
		if (len + wl + 2 >= cap)
			break;
		if (len)
			buf[len++] = below(r, 12) == 0 ? '.' : ' ';
		if (len && buf[len - 1] == '.')
			buf[len++] = ' ';
		memcpy(buf + len, w, wl);
		len += wl;
	}
	buf[len] = 0;
	return len;
}

static void put_hex(out_t *o, rng_t *r, int n)
{
	static const char hx[] = "0123456789abcdef";
	char t[64];
	for (int i = 0; i < n; i++)
		t[i] = hx[below(r, 16)];
	put_raw(o, t, (size_t)n);
}

/* ---------------------------------------------------------------- main */

enum { T_JOIN_START = 1420070400, /* 2015-01-01 */
       T_JOIN_END = 1719705600,   /* 2024-06-30 */
       T_END = 1735689599 };      /* 2024-12-31 23:59:59 */

#define N_HEAVY 5
static const uint32_t HEAVY_DEG[N_HEAVY] = {200000, 120000, 90000, 70000, 50000};
#define N_VIEWERS 300
#define N_TAGS 300
#define N_TOKENS 400

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: gen -o OUTDIR [-s SEED] [-u USERS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t seed = 20240601;
	uint32_t N = 210000;
	int opt;
	while ((opt = getopt(argc, argv, "o:s:u:")) != -1) {
		switch (opt) {
		case 'o': outdir = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'u': N = (uint32_t)strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (!outdir)
		usage();
	if (N < HEAVY_DEG[0] + 2000) {
		fprintf(stderr, "gen: need at least %u users for a user following %u\n", HEAVY_DEG[0] + 2000, HEAVY_DEG[0]);
		return 2;
	}
	mkdir(outdir, 0755);

	rng_t r;
	/* ---- users: join times, deleted flags, special users ---- */
	int64_t *joined = calloc(N + 1, sizeof *joined);
	uint32_t *joined_us = calloc(N + 1, sizeof *joined_us);
	uint8_t *deleted = calloc(N + 1, 1);
	uint8_t *special = calloc(N + 1, 1); /* 1 heavy, 2 ten, 3 viewer, 4 famous */
	uint32_t *deg = calloc(N + 1, sizeof *deg);
	uint32_t heavy[N_HEAVY], viewers[N_VIEWERS], ten_user = 0, famous = 0;
	if (!joined || !joined_us || !deleted || !special || !deg)
		return 1;

	rng_seed(&r, seed, 1);
	for (uint32_t u = 1; u <= N; u++) {
		double pos = (double)(u - 1) / N;
		int64_t t = T_JOIN_START + (int64_t)(pos * (T_JOIN_END - T_JOIN_START)) + (int64_t)below(&r, 3 * 86400);
		if (t > T_JOIN_END) t = T_JOIN_END;
		joined[u] = t;
		joined_us[u] = below(&r, 20) == 0 ? 0 : 1 + (uint32_t)below(&r, 999999);
		deleted[u] = unif(&r) < 0.005;
	}
	rng_seed(&r, seed, 2);
	for (int i = 0; i < N_HEAVY + 1 + N_VIEWERS; i++) {
		uint32_t u;
		do u = 1 + (uint32_t)below(&r, N); while (special[u]);
		if (i < N_HEAVY) { heavy[i] = u; special[u] = 1; }
		else if (i == N_HEAVY) { ten_user = u; special[u] = 2; }
		else { viewers[i - N_HEAVY - 1] = u; special[u] = 3; }
		deleted[u] = 0;
	}
	rng_seed(&r, seed, 9);
	do famous = 1 + (uint32_t)below(&r, N / 100); while (special[famous]);
	special[famous] = 4;
	deleted[famous] = 0;
	uint32_t n_deleted = 0;
	for (uint32_t u = 1; u <= N; u++) n_deleted += deleted[u];

	/* ---- out-degrees ---- */
	rng_seed(&r, seed, 3);
	for (uint32_t u = 1; u <= N; u++) {
		double x = unif(&r), d;
		if (special[u] == 3) {
			d = lognormal(&r, 150, 0.8);
			if (d < 30) d = 30;
			if (d > 5000) d = 5000;
		} else if (x < 0.04) {
			d = 0;
		} else if (x < 0.044) {
			d = 80.0 * pow(1.0 - unif(&r), -1.0 / 1.2);
			if (d > 30000) d = 30000;
		} else {
			d = floor(lognormal(&r, 10.5, 0.5));
			if (d < 1) d = 1;
		}
		deg[u] = (uint32_t)d;
	}
	for (int i = 0; i < N_HEAVY; i++) deg[heavy[i]] = HEAVY_DEG[i];
	deg[ten_user] = 10;

	/* ---- popularity (Zipf over a random ranking) ---- */
	rng_seed(&r, seed, 4);
	uint32_t *rank2user = malloc((size_t)N * sizeof *rank2user);
	double *cdf = malloc((size_t)N * sizeof *cdf);
	for (uint32_t i = 0; i < N; i++) rank2user[i] = i + 1;
	for (uint32_t i = N - 1; i > 0; i--) {
		uint32_t j = (uint32_t)below(&r, i + 1), t = rank2user[i];
		rank2user[i] = rank2user[j];
		rank2user[j] = t;
	}
	double acc = 0;
	for (uint32_t i = 0; i < N; i++) cdf[i] = (acc += 1.0 / (i + 1.0));

	/* ---- follows ---- */
	rng_seed(&r, seed, 5);
	uint32_t *stamp = calloc(N + 1, sizeof *stamp);
	uint32_t *cand = malloc((size_t)N * sizeof *cand);
	uint32_t *tgt = malloc((size_t)N * sizeof *tgt);
	uint32_t *vis_out = calloc(N + 1, sizeof *vis_out), *vis_in = calloc(N + 1, sizeof *vis_in);
	uint8_t *follows_famous = calloc(N + 1, 1);
	uint64_t edge_id = 0, edges_to_deleted = 0, ties = 0;
	out_t *fo = out_open("follows.tsv");
	for (uint32_t a = 1; a <= N; a++) {
		uint32_t d = deg[a];
		if (!d) continue;
		if (d > N - 1) d = N - 1;
		if (a == heavy[0] || d > N / 8) {
			uint32_t nc = 0;
			for (uint32_t u = 1; u <= N; u++)
				if (u != a && !(a == heavy[0] && deleted[u])) cand[nc++] = u;
			if (d > nc) d = nc;
			for (uint32_t i = 0; i < d; i++) {
				uint32_t j = i + (uint32_t)below(&r, nc - i), t = cand[i];
				cand[i] = cand[j];
				cand[j] = t;
				tgt[i] = cand[i];
			}
		} else {
			double p_pop = special[a] == 3 ? 0.85 : 0.6;
			for (uint32_t i = 0; i < d;) {
				uint32_t b;
				if (unif(&r) < p_pop) {
					double x = unif(&r) * acc;
					uint32_t lo = 0, hi = N - 1;
					while (lo < hi) {
						uint32_t mid = (lo + hi) / 2;
						if (cdf[mid] < x) lo = mid + 1; else hi = mid;
					}
					b = rank2user[lo];
				} else
					b = 1 + (uint32_t)below(&r, N);
				if (b == a || stamp[b] == a) continue;
				if (a == ten_user && deleted[b]) continue;
				stamp[b] = a;
				tgt[i++] = b;
			}
		}
		/* Bursts of follows that share one created_at value. */
		uint32_t bmax = d >= 1000 ? 2000 : 10;
		for (uint32_t i = 0; i < d;) {
			uint32_t bs = 1 + (uint32_t)(unif(&r) < 0.2 ? below(&r, bmax) : below(&r, 3));
			int64_t t0 = i == 0 ? joined[a] + (int64_t)below(&r, 600)
					    : joined[a] + (int64_t)below(&r, (uint64_t)(T_END - joined[a]));
			uint32_t us = below(&r, 10) < 7 ? 1 + (uint32_t)below(&r, 999999) : 0;
			char ts[40];
			fmt_dt(ts, t0, us);
			for (uint32_t k = 0; k < bs && i < d; k++, i++) {
				uint32_t b = tgt[i];
				put_u(fo, ++edge_id); put_tab(fo);
				put_u(fo, a); put_tab(fo);
				put_u(fo, b); put_tab(fo);
				if (joined[b] + 60 > t0) {
					int64_t tb = joined[b] + 60 + (int64_t)below(&r, 86400);
					if (tb > T_END) tb = T_END;
					put_dt(fo, tb, us);
				} else {
					put_raw(fo, ts, 26);
					if (k) ties++;
				}
				put_nl(fo);
				if (deleted[b]) edges_to_deleted++; else vis_out[a]++;
				if (!deleted[a]) vis_in[b]++;
				if (b == famous) follows_famous[a] = 1;
			}
		}
	}
	/* The famous user's followers: everyone who follows anyone, each at its
	 * own time after both joined, a tenth of them in seconds shared with
	 * the previous one. */
	rng_seed(&r, seed, 10);
	int64_t t_prev = 0;
	for (uint32_t a = 1; a <= N; a++) {
		if (a == famous || !deg[a] || follows_famous[a] || special[a] == 1 || special[a] == 2)
			continue;	/* the heavy users and the ten user keep their exact counts */
		int64_t from = (joined[a] > joined[famous] ? joined[a] : joined[famous]) + 60, t;
		uint32_t us = 0;
		if (t_prev >= from && below(&r, 10) == 0) {
			t = t_prev;
			ties++;
		} else {
			t = from + (int64_t)below(&r, (uint64_t)(T_END - from));
			us = below(&r, 10) < 7 ? 1 + (uint32_t)below(&r, 999999) : 0;
		}
		t_prev = t;
		put_u(fo, ++edge_id); put_tab(fo);
		put_u(fo, a); put_tab(fo);
		put_u(fo, famous); put_tab(fo);
		put_dt(fo, t, us);
		put_nl(fo);
		vis_out[a]++;
		if (!deleted[a]) vis_in[famous]++;
	}
	out_close(fo);

	/* ---- users.tsv ---- */
	rng_seed(&r, seed, 6);
	out_t *uo = out_open("users.tsv");
	char buf[8192];
	for (uint32_t u = 1; u <= N; u++) {
		const char *un = PICK(&r, UNAME);
		const char *fn = PICK(&r, FIRST), *ln = PICK(&r, LAST);
		put_u(uo, u); put_tab(uo);
		/* username (ASCII, unique through the id suffix) */
		snprintf(buf, sizeof buf, "%s_%s%u", un, below(&r, 3) ? "" : "the", u);
		put_esc(uo, buf); put_tab(uo);
		snprintf(buf, sizeof buf, "%s %s", fn, ln);
		put_esc(uo, buf); put_tab(uo);
		/* email */
		if (below(&r, 50)) { put_esc(uo, un); put_c(uo, '.'); put_u(uo, u); put_s(uo, "@mail.example.org"); }
		else put_null(uo);
		put_tab(uo);
		/* avatar */
		if (below(&r, 10)) {
			put_s(uo, "https://cdn.example.com/media/avatars/");
			put_date(uo, joined[u] / 86400);
			put_c(uo, '/'); put_hex(uo, &r, 8); put_c(uo, '-'); put_hex(uo, &r, 4); put_c(uo, '-');
			put_hex(uo, &r, 4); put_c(uo, '-'); put_hex(uo, &r, 4); put_c(uo, '-'); put_hex(uo, &r, 12); put_s(uo, "_320x320.jpg?v=");
			put_u(uo, (uint64_t)joined[u]);
		} else put_null(uo);
		put_tab(uo);
		/* cover */
		if (below(&r, 10) < 4) {
			put_s(uo, "https://cdn.example.com/media/covers/"); put_hex(uo, &r, 32); put_s(uo, "_1500x500.jpg");
		} else put_null(uo);
		put_tab(uo);
		/* ext_id */
		if (below(&r, 5) == 0) { put_s(uo, "ext-"); put_hex(uo, &r, 16); }
		else put_null(uo);
		put_tab(uo);
		put_dt(uo, joined[u], joined_us[u]); put_tab(uo);
		/* bio */
		size_t bl = 0;
		if (below(&r, 4)) {
			double t = lognormal(&r, 90, 0.9);
			if (t > 2000) t = 2000;
			bl = add_words(&r, buf, 0, sizeof buf, (size_t)t, 1);
		}
		buf[bl] = 0;
		put_esc(uo, buf); put_tab(uo);
		/* location */
		if (below(&r, 2)) { snprintf(buf, sizeof buf, "%s", PICK(&r, CITIES)); put_esc(uo, buf); }
		put_tab(uo);
		/* location_lat_lng, position_lat_lng */
		for (int k = 0; k < 2; k++) {
			if (below(&r, 10) < (k ? 1u : 3u)) {
				snprintf(buf, sizeof buf, "%.6f,%.6f", unif(&r) * 140 - 60, unif(&r) * 360 - 180);
				put_s(uo, buf);
			} else put_null(uo);
			put_tab(uo);
		}
		/* date_of_birth */
		if (below(&r, 10) < 4) put_date(uo, -7300 + (int64_t)below(&r, 18000));
		else put_null(uo);
		put_tab(uo);
		/* description (<= 50 characters) */
		bl = below(&r, 3) ? add_words(&r, buf, 0, 46, 10 + below(&r, 30), 0) : 0;
		buf[bl] = 0;
		put_esc(uo, buf); put_tab(uo);
		/* gender */
		{ uint64_t g = below(&r, 10); put_s(uo, g < 4 ? "Male" : g < 8 ? "Female" : "Unspecified"); }
		put_tab(uo);
		/* website */
		if (below(&r, 5) == 0) { put_s(uo, "https://www.example.net/~"); put_esc(uo, un); put_u(uo, u); }
		put_tab(uo);
		/* reputation, community_badge, reg_approved, deleted */
		put_u(uo, (uint64_t)(lognormal(&r, 20, 1.5))); put_tab(uo);
		put_u(uo, below(&r, 50) == 0); put_tab(uo);
		put_u(uo, below(&r, 100) != 0); put_tab(uo);
		put_u(uo, deleted[u]); put_tab(uo);
		/* company_name, company_role */
		if (below(&r, 7) == 0) {
			put_esc(uo, PICK(&r, COMPANIES)); put_tab(uo); put_esc(uo, PICK(&r, ROLES));
		} else { put_null(uo); put_tab(uo); put_null(uo); }
		put_tab(uo);
		/* posts, discussions, polls, categories counters */
		put_u(uo, (uint64_t)lognormal(&r, 5, 1.5)); put_tab(uo);
		put_u(uo, (uint64_t)lognormal(&r, 1, 1.5)); put_tab(uo);
		put_u(uo, (uint64_t)lognormal(&r, 0.3, 1.5)); put_tab(uo);
		put_u(uo, below(&r, 20));
		put_nl(uo);
	}
	out_close(uo);

	/* ---- tags, user_tags ---- */
	rng_seed(&r, seed, 7);
	out_t *to = out_open("tags.tsv");
	uint32_t n_tag_hidden = 0;
	for (uint32_t t = 1; t <= N_TAGS; t++) {
		uint64_t k = below(&r, 10);
		int visible = below(&r, 10) != 0, active = below(&r, 12) != 0, del = below(&r, 25) == 0;
		n_tag_hidden += !visible || !active || del;
		put_u(to, t); put_tab(to);
		put_s(to, k < 8 ? "user" : k < 9 ? "category" : "contribution"); put_tab(to);
		snprintf(buf, sizeof buf, "%s %s %u", PICK(&r, WORDS), PICK(&r, WORDS), t);
		put_esc(to, buf); put_tab(to);
		if (below(&r, 3)) {
			size_t bl = add_words(&r, buf, 0, 480, 40 + below(&r, 200), 1);
			buf[bl] = 0;
			put_esc(to, buf);
		} else put_null(to);
		put_tab(to);
		if (below(&r, 4)) { put_c(to, '#'); put_hex(to, &r, 6); } else put_null(to);
		put_tab(to);
		put_u(to, (uint64_t)visible); put_tab(to);
		put_u(to, below(&r, 10) == 0); put_tab(to);
		put_dt(to, T_JOIN_START + (int64_t)below(&r, T_JOIN_END - T_JOIN_START), 1 + (uint32_t)below(&r, 999999));
		put_tab(to);
		put_u(to, (uint64_t)active); put_tab(to);
		put_u(to, (uint64_t)del); put_nl(to);
	}
	out_close(to);
	out_t *uto = out_open("user_tags.tsv");
	double tacc = 0, tcdf[N_TAGS];
	for (int t = 0; t < N_TAGS; t++) tcdf[t] = (tacc += 1.0 / (t + 1.0));
	uint64_t n_user_tags = 0;
	for (uint32_t u = 1; u <= N; u++) {
		uint64_t x = below(&r, 10);
		int k = x < 4 ? 0 : x < 7 ? 1 : x < 9 ? 2 : 3;
		uint32_t chosen[3];
		for (int i = 0; i < k;) {
			double y = unif(&r) * tacc;
			int lo = 0, hi = N_TAGS - 1;
			while (lo < hi) {
				int mid = (lo + hi) / 2;
				if (tcdf[mid] < y) lo = mid + 1; else hi = mid;
			}
			uint32_t t = (uint32_t)lo + 1;
			int dup = 0;
			for (int j = 0; j < i; j++) dup |= chosen[j] == t;
			if (!dup) chosen[i++] = t;
		}
		qsort(chosen, (size_t)k, sizeof chosen[0], cmp_u32);
		for (int i = 0; i < k; i++) {
			put_u(uto, u); put_tab(uto); put_u(uto, chosen[i]); put_nl(uto);
			n_user_tags++;
		}
	}
	out_close(uto);

	/* ---- preferences ---- */
	out_t *po = out_open("preferences.tsv");
	static const char *PREFS[][3] = {
		{"addons", "polls_enabled", "True"},
		{"addons", "events_enabled", "True"},
		{"addons", "groups_enabled", "False"},
		{"configurations", "content_availability", "True"},
		{"configurations", "follow_enabled", "True"},
		{"configurations", "post_type_enabled", "True"},
		{"configurations", "discussion_type_enabled", "True"},
		{"configurations", "connection_enabled", "False"},
		{"configurations", "categories_enabled", "True"},
		{"configurations", "custom_adv_enabled", "False"},
		{"configurations", "onboarding_enabled", "True"},
		{"configurations", "user_deletion_enabled", "True"},
		{"configurations", "registration_enabled", "True"},
		{"configurations", "tags_enabled", "True"},
		{"text", "application_name", "Bench Community"},
		{"text", "application_slogan", "Where people meet"},
		{"text", "main_language", "en"},
		{"style", "primary_color", "#1b76d2"},
		{"style", "navbar_background_color", "#ffffff"},
		{"logo", "navbar_logo", "https://cdn.example.com/media/logo/navbar.png"},
		{"providers", "google_signin_enabled", "True"},
		{"providers", "facebook_signin_enabled", "False"},
		{"webhook", "enabled", "False"},
	};
	for (size_t i = 0; i < NELEM(PREFS); i++) {
		put_s(po, PREFS[i][0]); put_tab(po); put_s(po, PREFS[i][1]); put_tab(po); put_s(po, PREFS[i][2]); put_nl(po);
	}
	out_close(po);

	/* ---- access tokens ---- */
	rng_seed(&r, seed, 8);
	out_t *ao = out_open("access_tokens.tsv"), *ko = out_open("tokens.tsv");
	static const char ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	for (uint32_t i = 0; i < N_TOKENS; i++) {
		char tok[31], hex[65];
		for (int k = 0; k < 30; k++) tok[k] = ALNUM[below(&r, 62)];
		tok[30] = 0;
		sha256_hex(tok, 30, hex);
		uint32_t user = viewers[i % N_VIEWERS];
		int valid = (i % 20) != 19; /* 20 expired tokens */
		int64_t exp_t = valid ? 4102444799LL /* 2099-12-31 23:59:59 */ : 1577836800LL + (int64_t)below(&r, 86400 * 365);
		put_u(ao, i + 1); put_tab(ao); put_s(ao, hex); put_tab(ao); put_u(ao, user); put_tab(ao);
		put_dt(ao, exp_t, 0); put_tab(ao); put_s(ao, "read write"); put_nl(ao);
		put_s(ko, tok); put_tab(ko); put_u(ko, user); put_tab(ko); put_dt(ko, exp_t, 0); put_tab(ko);
		put_u(ko, (uint64_t)valid); put_nl(ko);
	}
	out_close(ao);
	out_close(ko);

	/* ---- meta ---- */
	uint32_t *sorted = malloc((size_t)N * sizeof *sorted);
	for (uint32_t u = 1; u <= N; u++) sorted[u - 1] = vis_out[u];
	qsort(sorted, N, sizeof *sorted, cmp_u32);
	uint32_t max_in = 0, max_in_user = 0;
	for (uint32_t u = 1; u <= N; u++)
		if (vis_in[u] > max_in) { max_in = vis_in[u]; max_in_user = u; }
	out_t *mo = out_open("meta.txt");
	snprintf(buf, sizeof buf,
		 "seed=%llu\nusers=%u\ndeleted_users=%u\nfollows=%llu\nfollows_to_deleted=%llu\n"
		 "follows_sharing_previous_created_at=%llu\ntags=%u\ntags_hidden=%u\nuser_tags=%llu\n"
		 "access_tokens=%u\nx_user=%u\nx_followings=%u\nten_user=%u\nten_followings=%u\n",
		 (unsigned long long)seed, N, n_deleted, (unsigned long long)edge_id,
		 (unsigned long long)edges_to_deleted, (unsigned long long)ties, N_TAGS, n_tag_hidden,
		 (unsigned long long)n_user_tags, N_TOKENS, heavy[0], vis_out[heavy[0]], ten_user, vis_out[ten_user]);
	put_s(mo, buf);
	put_s(mo, "heavy_users=");
	for (int i = 0; i < N_HEAVY; i++) { if (i) put_c(mo, ','); put_u(mo, heavy[i]); }
	put_s(mo, "\nheavy_followings=");
	for (int i = 0; i < N_HEAVY; i++) { if (i) put_c(mo, ','); put_u(mo, vis_out[heavy[i]]); }
	snprintf(buf, sizeof buf,
		 "\nviewers=%u\nfollowings_p10=%u\nfollowings_median=%u\nfollowings_p90=%u\nfollowings_p99=%u\n"
		 "followings_p999=%u\nmost_followed_user=%u\nmost_followed_followers=%u\n"
		 "famous_user=%u\nfamous_followers=%u\n",
		 N_VIEWERS, sorted[N / 10], sorted[N / 2], sorted[N * 9 / 10], sorted[N * 99 / 100],
		 sorted[(uint32_t)(N * 0.999)], max_in_user, max_in, famous, vis_in[famous]);
	put_s(mo, buf);
	out_close(mo);
	return 0;
}
