#!/usr/bin/env python3
"""Prints who approved this job's deployment, as the platform records it (or nothing when nobody had to).

A protected ring's environment requires a reviewer and prevents self-review; the platform enforces that,
and ringctl records the reviewer as the approver. A name typed into a workflow input would be forgeable.

GitHub: GET {GITHUB_API_URL}/repos/{GITHUB_REPOSITORY}/actions/runs/{GITHUB_RUN_ID}/approvals (GITHUB_TOKEN,
        permission actions: read); the newest "approved" review for this job's environment (RINGCTL_ENVIRONMENT).
GitLab: the deployment of this job (CI_JOB_ID) in CI_ENVIRONMENT_NAME, through GET
        {CI_API_V4_URL}/projects/{CI_PROJECT_ID}/deployments?environment=…; its approvals with status "approved"
        (protected environments with approval rules; GITLAB_DEPLOY_READ_TOKEN, read_api).
Neither: prints nothing.
"""
import json, os, sys, urllib.parse, urllib.request


def get(url, headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return json.loads(r.read() or b"null")


def github(env):
    api = env.get("GITHUB_API_URL", "https://api.github.com")
    h = {"Authorization": "Bearer " + env["GITHUB_TOKEN"], "Accept": "application/vnd.github+json"}
    reviews = get(f"{api}/repos/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}/approvals", h) or []
    wanted = env.get("RINGCTL_ENVIRONMENT", "")
    approved = [r for r in reviews if r.get("state") == "approved"
                and (not wanted or any(e.get("name") == wanted for e in r.get("environments", [])))]
    return approved[-1]["user"]["login"] if approved else ""


def gitlab(env):
    h = {"PRIVATE-TOKEN": env["GITLAB_DEPLOY_READ_TOKEN"]}
    query = urllib.parse.urlencode({"environment": env["CI_ENVIRONMENT_NAME"], "order_by": "id", "sort": "desc", "per_page": 100})
    deployments = get(f"{env['CI_API_V4_URL']}/projects/{env['CI_PROJECT_ID']}/deployments?{query}", h) or []
    mine = [d for d in deployments if str((d.get("deployable") or {}).get("id")) == env["CI_JOB_ID"]]
    approvals = [a for a in (mine[0].get("approvals") or []) if a.get("status") == "approved"] if mine else []
    return approvals[-1]["user"]["username"] if approvals else ""


def main():
    env = os.environ
    if env.get("GITHUB_TOKEN") and env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        name = github(env)
    elif env.get("GITLAB_DEPLOY_READ_TOKEN") and env.get("CI_JOB_ID") and env.get("CI_ENVIRONMENT_NAME"):
        name = gitlab(env)
    else:
        name = ""
    print(name)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # an API failure must stop the job, not pass for "no approver"
        print(f"approver.py: cannot read the deployment's approvals: {e}", file=sys.stderr)
        sys.exit(6)
