#!/usr/bin/python3
"""make_paths.py - request lists for the wrk workloads, from the generated data.

    make_paths.py CSV_DIR OUT_DIR [--seed N] [--base-url URL]

Reads the generator's TSV files (users, follows, tokens, tags, user_tags) and
writes, deterministically (same data + seed => same bytes):

  w1_page1_auth.paths   page 1 (limit=20) of 1,000 typical users, each line
                        with the token of a viewer that shares followings
                        with that user
  w2_mutual.paths       the same users and viewers with mutual=1
  w3_offset.paths       offset=100000 on the user following 200,000 (anonymous)
  w4_page1_anon.paths   page 1 of the same 1,000 users, anonymous
  w5a_big.paths         page 1 of the user following 200,000 (anonymous)
  w5b_small.paths       page 1 of a user following exactly 10 (anonymous)
  w6_deep_viewers.paths offset 100,000..198,999 of the user following 200,000,
                        through each of the 300 viewers (who follow 30..5,000),
                        limit 1, 20 or 100
  w7_deep_rest.paths    the same with mutual=0
  w8_big_viewers.paths  page 1 of the user following 200,000 through the same
                        viewers and limits (w6's and w7's page-1 baseline)
  w9_deep_heavy.paths   as w6, no filter and mutual=0 in turn, through the users
                        following 3,000..8,000 (JWTs signed with --jwt-secret)
  w10_page1_heavy.paths page 1 through the same viewers and limits
  w11_is_followed.paths is_followed of w1's users through w1's viewers
  w12_is_follower.paths is_follower of the same
  w13_counters.paths    counters of the same users, anonymous
  w14_followers_page1.paths  page 1 of the followers of the 5 most-followed
                        users (anonymous)
  w15_followers_viewers.paths  the same through w6's viewers and limits
  w16_followers_deep.paths  offsets past the middle of those lists through
                        the same viewers, no filter and mutual=0 in turn
  pairs.tsv             user, its followings count, viewer, viewer token,
                        followings they share (= mutual=1 count)
  reference_page1.json  a stand-in for the service's anonymous page 1 of the
                        200,000 user, built from the data by the contract
                        (shared/spec/followings-api.md); run.sh serves the
                        real service's bytes instead when the service exists
  summary.txt           what was chosen, with a few statistics

A paths line is "PATH" or "PATH<TAB>TOKEN" (see replay.lua).
"Typical" user: not deleted, not a token holder, 8..12 visible followings
(the median is 10).  Viewer: a holder of a valid token, picked at random among
those sharing at least 2 followings with the user (else at least 1); a user that shares
nothing with any token holder is skipped (counted in summary.txt).
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import re
import sys
from collections import defaultdict

ESC = {"t": "\t", "n": "\n", "r": "\r", "0": "\0", "\\": "\\", "b": "\b", "Z": "\x1a"}
ESC_RE = re.compile(r"\\(.)")


def field(s):
    if s == "\\N":
        return None
    if "\\" not in s:
        return s
    return ESC_RE.sub(lambda m: ESC.get(m.group(1), m.group(1)), s)


def rows(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            yield [field(x) for x in line.rstrip("\n").split("\t")]


def iso(dt):
    """'YYYY-MM-DD HH:MM:SS.ffffff' -> ISO 8601 UTC per the contract."""
    d, t = dt.split(" ")
    if "." in t:
        hms, frac = t.split(".")
        if int(frac) == 0:
            return f"{d}T{hms}Z"
        return f"{d}T{hms}.{frac}Z"
    return f"{d}T{t}Z"


USER_COLS = ["id", "username", "real_name", "email", "avatar", "cover", "ext_id", "date_joined", "bio",
             "location", "location_lat_lng", "position_lat_lng", "date_of_birth", "description", "gender",
             "website", "reputation", "community_badge", "reg_approved", "deleted", "company_name",
             "company_role", "posts_counter", "discussions_counter", "polls_counter", "categories_counter"]
TAG_COLS = ["id", "type", "name", "description", "color", "visible", "visibility_boost", "created_at",
            "active", "deleted"]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_hs256(secret, claims):
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--base-url", default="http://127.0.0.1:38080")
    ap.add_argument("--jwt-secret", default="bench-jwt-secret-0123456789abcdef0123456789abcdef")
    a = ap.parse_args()
    csv = lambda name: os.path.join(a.csv_dir, name)
    meta = dict(l.rstrip("\n").split("=", 1) for l in open(csv("meta.txt")) if "=" in l)
    x_user, ten_user = int(meta["x_user"]), int(meta["ten_user"])

    # users: deleted flags (and the full rows, for the reference page)
    deleted = bytearray(int(meta["users"]) + 1)
    with open(csv("users.tsv"), encoding="utf-8") as f:
        for line in f:
            uid, rest = line.split("\t", 1)
            if line.split("\t", 20)[19] != "0":
                deleted[int(uid)] = 1

    # tokens: valid ones per viewer, in file order
    tokens = defaultdict(list)
    for tok, uid, _exp, valid in rows(csv("tokens.tsv")):
        if valid == "1":
            tokens[int(uid)].append(tok)
    viewers = sorted(tokens)
    viewer_set = set(viewers)

    # follows, one pass: visible followings/followers counts, the viewers'
    # visible followings, X's visible edges, and the candidates' edges.
    n = len(deleted)
    vis_out = [0] * n
    vis_in = [0] * n
    viewer_follows = {v: set() for v in viewers}
    x_edges = []
    cand_edges = {}
    cur, cur_edges = None, []

    def close(u, edges):
        if u is not None and not deleted[u] and u not in viewer_set and 8 <= len(edges) <= 12:
            cand_edges[u] = edges

    with open(csv("follows.tsv"), encoding="ascii") as f:
        for line in f:
            eid, a_, b_, created = line.rstrip("\n").split("\t")
            a_, b_ = int(a_), int(b_)
            if a_ != cur:
                close(cur, cur_edges)
                cur, cur_edges = a_, []
            if not deleted[a_]:
                vis_in[b_] += 1
            if deleted[b_]:
                continue
            vis_out[a_] += 1
            cur_edges.append(b_)
            if a_ in viewer_set:
                viewer_follows[a_].add(b_)
            if a_ == x_user:
                x_edges.append((created, int(eid), b_))
    close(cur, cur_edges)

    if vis_out[x_user] != 200000 or vis_out[ten_user] != 10:
        sys.exit(f"make_paths: unexpected counts x={vis_out[x_user]} ten={vis_out[ten_user]}")

    rng = random.Random(a.seed)
    cands = sorted(cand_edges)
    if len(cands) < a.users:
        sys.exit(f"make_paths: only {len(cands)} typical users")
    order = cands[:]
    rng.shuffle(order)
    pairs, skipped = [], 0
    shared_hist = defaultdict(int)
    for u in order:
        if len(pairs) == a.users:
            break
        fu = cand_edges[u]
        shares = [(v, sum(1 for b in fu if b in viewer_follows[v])) for v in viewers if v != u]
        best = [v for v, s in shares if s >= 2] or [v for v, s in shares if s >= 1]
        if not best:
            skipped += 1  # shares nothing with any token holder: not usable for mutual=1
            continue
        v = rng.choice(best)
        s = dict(shares)[v]
        shared_hist[s] += 1
        pairs.append((u, len(fu), v, rng.choice(tokens[v]), s))
    if len(pairs) < a.users:
        sys.exit(f"make_paths: only {len(pairs)} typical users share followings with a viewer")

    os.makedirs(a.out_dir, exist_ok=True)
    out = lambda name: open(os.path.join(a.out_dir, name), "w", encoding="utf-8", newline="\n")
    page = lambda uid, q="limit=20": f"/api/v2/user/{uid}/followings/?{q}"
    with out("w1_page1_auth.paths") as f:
        f.writelines(f"{page(u)}\t{tok}\n" for u, _, _, tok, _ in pairs)
    with out("w2_mutual.paths") as f:
        f.writelines(f"{page(u, 'limit=20&mutual=1')}\t{tok}\n" for u, _, _, tok, _ in pairs)
    with out("w3_offset.paths") as f:
        f.write(page(x_user, "limit=20&offset=100000") + "\n")
    with out("w4_page1_anon.paths") as f:
        f.writelines(f"{page(u)}\n" for u, *_ in pairs)
    with out("w5a_big.paths") as f:
        f.write(page(x_user) + "\n")
    with out("w5b_small.paths") as f:
        f.write(page(ten_user) + "\n")
    # Deep pages of X through every viewer: limits 1..100, offsets past 100,000.
    limits = (1, 20, 100)
    deep = [(v, rng.choice(tokens[v]), limits[i % 3], 100000 + (i * 337) % 99000)
            for i, v in enumerate(viewers)]
    with out("w6_deep_viewers.paths") as f:
        f.writelines(f"{page(x_user, f'limit={l}&offset={o}')}\t{tok}\n" for _, tok, l, o in deep)
    with out("w7_deep_rest.paths") as f:
        f.writelines(f"{page(x_user, f'limit={l}&mutual=0&offset={o}')}\t{tok}\n" for _, tok, l, o in deep)
    with out("w8_big_viewers.paths") as f:
        f.writelines(f"{page(x_user, f'limit={l}')}\t{tok}\n" for _, tok, l, _ in deep)
    # Viewers who follow thousands hold no opaque token: signed JWTs (fixed
    # claims, so the same bytes every time; exp in 2100).
    heavy = [u for u in range(1, n) if 3000 <= vis_out[u] <= 8000 and not deleted[u]]
    if not heavy:
        sys.exit("make_paths: no user follows 3,000..8,000")
    jwt = lambda uid: jwt_hs256(a.jwt_secret, {"user_id": uid, "token_type": "access",
                                               "exp": 4102444800, "iat": 1700000000, "jti": f"bench{uid}"})
    heavy_lines = [(jwt(u), limits[i % 3], 100000 + (i * 337) % 99000, "&mutual=0" if i % 2 else "")
                   for i, u in enumerate(heavy * 4)]
    with out("w9_deep_heavy.paths") as f:
        f.writelines(f"{page(x_user, f'limit={l}{m}&offset={o}')}\t{tok}\n" for tok, l, o, m in heavy_lines)
    with out("w10_page1_heavy.paths") as f:
        f.writelines(f"{page(x_user, f'limit={l}')}\t{tok}\n" for tok, l, _, _ in heavy_lines)
    # The single lookups (follow-graph-api.md §2, §3) of the same users and viewers.
    with out("w11_is_followed.paths") as f:
        f.writelines(f"/api/v2/user/{u}/is_followed/\t{tok}\n" for u, _, _, tok, _ in pairs)
    with out("w12_is_follower.paths") as f:
        f.writelines(f"/api/v2/user/{u}/is_follower/\t{tok}\n" for u, _, _, tok, _ in pairs)
    with out("w13_counters.paths") as f:
        f.writelines(f"/api/v2/user/{u}/counters/\n" for u, *_ in pairs)
    # The followers of the most-followed users (follow-graph-api.md §1).
    stars = sorted((u for u in range(1, n) if not deleted[u]), key=lambda u: (-vis_in[u], u))[:5]
    fpage = lambda uid, q: f"/api/v2/user/{uid}/followers/?{q}"
    with out("w14_followers_page1.paths") as f:
        f.writelines(f"{fpage(u, 'limit=20')}\n" for u in stars)
    star_lines = [(stars[i % len(stars)], tok, l) for i, (_, tok, l, _) in enumerate(deep)]
    with out("w15_followers_viewers.paths") as f:
        f.writelines(f"{fpage(u, f'limit={l}')}\t{tok}\n" for u, tok, l in star_lines)
    with out("w16_followers_deep.paths") as f:
        f.writelines(f"{fpage(u, f'limit={l}&offset={vis_in[u] // 2 + (i * 337) % (vis_in[u] // 2 - 1000)}' + ('&mutual=0' if i % 2 else ''))}\t{tok}\n"
                     for i, (u, tok, l) in enumerate(star_lines))
    with out("pairs.tsv") as f:
        f.write("#user\tfollowings\tviewer\tviewer_token\tshared\n")
        f.writelines("\t".join(map(str, p)) + "\n" for p in pairs)

    # ---- reference page 1 of X, anonymous, per the contract ----
    x_edges.sort(reverse=True)  # created_at desc, id desc
    top = [b for _, _, b in x_edges[:20]]
    want = set(top)
    users = {}
    for r in rows(csv("users.tsv")):
        if int(r[0]) in want:
            users[int(r[0])] = dict(zip(USER_COLS, r))
    tags = {int(r[0]): dict(zip(TAG_COLS, r)) for r in rows(csv("tags.tsv"))}
    utags = defaultdict(list)
    for uid, tid in rows(csv("user_tags.tsv")):
        if int(uid) in want:
            utags[int(uid)].append(int(tid))
    b = lambda s: s not in (None, "0")
    i = lambda s: int(s)

    def tag_obj(t):
        return {"id": i(t["id"]), "active": b(t["active"]), "name": t["name"], "type": t["type"],
                "description": t["description"], "color": t["color"], "visible": b(t["visible"]),
                "visibility_boost": b(t["visibility_boost"]), "created_at": iso(t["created_at"]),
                "deleted": b(t["deleted"])}

    def user_obj(uid):
        u = users[uid]
        tl = [tags[t] for t in sorted(utags[uid])]
        tl = [tag_obj(t) for t in tl if b(t["visible"]) and b(t["active"]) and not b(t["deleted"])]
        return {"id": uid, "username": u["username"], "real_name": u["real_name"], "avatar": u["avatar"],
                "ext_id": u["ext_id"], "followings_counter": vis_out[uid], "followers_counter": vis_in[uid],
                "posts_counter": i(u["posts_counter"]), "discussions_counter": i(u["discussions_counter"]),
                "polls_counter": i(u["polls_counter"]), "connection_status": None,
                "categories_counter": i(u["categories_counter"]), "date_joined": iso(u["date_joined"]),
                "bio": u["bio"], "location": u["location"], "location_lat_lng": u["location_lat_lng"],
                "position_lat_lng": u["position_lat_lng"], "date_of_birth": u["date_of_birth"],
                "description": u["description"], "gender": u["gender"], "website": u["website"],
                "cover": u["cover"], "tags": tl, "reputation": i(u["reputation"]),
                "community_badge": b(u["community_badge"]), "reg_approved": b(u["reg_approved"]),
                "deleted": b(u["deleted"]), "company_name": u["company_name"], "company_role": u["company_role"]}

    ref = {"count": vis_out[x_user],
           "next": f"{a.base_url}/api/v2/user/{x_user}/followings/?limit=20&offset=20",
           "previous": None, "results": [user_obj(u) for u in top]}
    body = json.dumps(ref, ensure_ascii=False).encode("utf-8")
    with open(os.path.join(a.out_dir, "reference_page1.json"), "wb") as f:
        f.write(body)

    with out("summary.txt") as f:
        f.write(f"x_user={x_user} (visible followings {vis_out[x_user]})\n")
        f.write(f"ten_user={ten_user} (visible followings {vis_out[ten_user]})\n")
        f.write(f"typical_candidates={len(cands)} chosen={len(pairs)} skipped_sharing_nothing={skipped} viewers_used={len({p[2] for p in pairs})}"
                f" of {len(viewers)} token holders\n")
        f.write("shared_followings_histogram=" +
                ",".join(f"{k}:{shared_hist[k]}" for k in sorted(shared_hist)) + "\n")
        f.write(f"heavy_viewers={len(heavy)} (following {min(vis_out[u] for u in heavy)}.."
                f"{max(vis_out[u] for u in heavy)}, JWT)\n")
        f.write(f"reference_page1_bytes={len(body)}\n")
        f.write("followers_stars=" + " ".join(f"{u}:{vis_in[u]}" for u in stars) + "\n")
    print(open(os.path.join(a.out_dir, "summary.txt")).read(), end="")


if __name__ == "__main__":
    main()
