#!/usr/bin/env python3
"""Posts the preview comment, or updates the one already there (found by its hidden marker).

GitHub: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER [, GITHUB_API_URL].
GitLab: GITLAB_TOKEN, CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID.
Neither: prints the comment to stdout and says it was not posted.
"""
import json, os, sys, urllib.request

MARKER = "<!-- ringctl-preview -->"

def call(method, url, headers, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")

def main(path):
    text = open(path, encoding="utf-8").read()
    env = os.environ
    if env.get("GITHUB_TOKEN") and env.get("GITHUB_REPOSITORY") and env.get("PR_NUMBER"):
        api = env.get("GITHUB_API_URL", "https://api.github.com")
        h = {"Authorization": "Bearer " + env["GITHUB_TOKEN"], "Accept": "application/vnd.github+json"}
        base = f"{api}/repos/{env['GITHUB_REPOSITORY']}/issues"
        existing = [c for c in call("GET", f"{base}/{env['PR_NUMBER']}/comments?per_page=100", h) if MARKER in c.get("body", "")]
        if existing:
            call("PATCH", f"{base}/comments/{existing[0]['id']}", h, {"body": text})
            print(f"preview comment updated on pull request #{env['PR_NUMBER']}")
        else:
            call("POST", f"{base}/{env['PR_NUMBER']}/comments", h, {"body": text})
            print(f"preview comment posted on pull request #{env['PR_NUMBER']}")
    elif env.get("GITLAB_TOKEN") and env.get("CI_API_V4_URL") and env.get("CI_MERGE_REQUEST_IID"):
        h = {"PRIVATE-TOKEN": env["GITLAB_TOKEN"]}
        base = f"{env['CI_API_V4_URL']}/projects/{env['CI_PROJECT_ID']}/merge_requests/{env['CI_MERGE_REQUEST_IID']}/notes"
        existing = [n for n in call("GET", f"{base}?per_page=100", h) if MARKER in n.get("body", "")]
        if existing:
            call("PUT", f"{base}/{existing[0]['id']}", h, {"body": text})
            print(f"preview note updated on merge request !{env['CI_MERGE_REQUEST_IID']}")
        else:
            call("POST", base, h, {"body": text})
            print(f"preview note posted on merge request !{env['CI_MERGE_REQUEST_IID']}")
    else:
        sys.stdout.write(text)
        print("(no GitHub or GitLab token: the preview was printed, not posted)", file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv[1])
