#!/usr/bin/env python3
"""Posts the preview comment, or updates the one this token's user wrote before (found by its hidden marker).

Only a comment written by the same user is ever edited: a marker planted by someone else is ignored. Every
page of comments is read, not only the first hundred.

GitHub: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER [, GITHUB_API_URL]; the comment author is the
        token's user (GET /user), or for the Actions token (which cannot read /user) PREVIEW_COMMENT_AUTHOR,
        default github-actions[bot].
GitLab: GITLAB_TOKEN, CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID; the author is GET /user's id.
Neither: prints the comment to stdout and says it was not posted.
"""
import json, os, sys, urllib.error, urllib.request

MARKER = "<!-- ringctl-preview -->"


def call(method, url, headers, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def pages(url, headers):
    page = 1
    while True:
        sep = "&" if "?" in url else "?"
        items = call("GET", f"{url}{sep}per_page=100&page={page}", headers) or []
        yield from items
        if len(items) < 100:
            return
        page += 1


def github_author(api, headers, env):
    try:
        return call("GET", f"{api}/user", headers)["login"]
    except urllib.error.HTTPError:
        return env.get("PREVIEW_COMMENT_AUTHOR", "github-actions[bot]")


def main(path):
    text = open(path, encoding="utf-8").read()
    env = os.environ
    if env.get("GITHUB_TOKEN") and env.get("GITHUB_REPOSITORY") and env.get("PR_NUMBER"):
        api = env.get("GITHUB_API_URL", "https://api.github.com")
        h = {"Authorization": "Bearer " + env["GITHUB_TOKEN"], "Accept": "application/vnd.github+json"}
        author = github_author(api, h, env)
        base = f"{api}/repos/{env['GITHUB_REPOSITORY']}/issues"
        mine = [c for c in pages(f"{base}/{env['PR_NUMBER']}/comments", h)
                if MARKER in (c.get("body") or "") and (c.get("user") or {}).get("login") == author]
        if mine:
            call("PATCH", f"{base}/comments/{mine[0]['id']}", h, {"body": text})
            print(f"preview comment updated on pull request #{env['PR_NUMBER']}")
        else:
            call("POST", f"{base}/{env['PR_NUMBER']}/comments", h, {"body": text})
            print(f"preview comment posted on pull request #{env['PR_NUMBER']}")
    elif env.get("GITLAB_TOKEN") and env.get("CI_API_V4_URL") and env.get("CI_MERGE_REQUEST_IID"):
        h = {"PRIVATE-TOKEN": env["GITLAB_TOKEN"]}
        me = call("GET", f"{env['CI_API_V4_URL']}/user", h)["id"]
        base = f"{env['CI_API_V4_URL']}/projects/{env['CI_PROJECT_ID']}/merge_requests/{env['CI_MERGE_REQUEST_IID']}/notes"
        mine = [n for n in pages(base, h) if MARKER in (n.get("body") or "") and (n.get("author") or {}).get("id") == me]
        if mine:
            call("PUT", f"{base}/{mine[0]['id']}", h, {"body": text})
            print(f"preview note updated on merge request !{env['CI_MERGE_REQUEST_IID']}")
        else:
            call("POST", base, h, {"body": text})
            print(f"preview note posted on merge request !{env['CI_MERGE_REQUEST_IID']}")
    else:
        sys.stdout.write(text)
        print("(no GitHub or GitLab token: the preview was printed, not posted)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
