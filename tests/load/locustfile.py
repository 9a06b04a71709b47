"""The mixed load of five staff roles, for Locust. ``tests/load/run.py`` starts the
server, logs the demo accounts in and finds each role's pages; this file only replays them.

Each simulated person is one of the five staff roles (round robin) with that account's session.
Of every ten requests about nine read — the start page, the role's menu pages, detail pages linked
from them, searches (the GET forms on those pages) — and one writes (a question to the coordinator,
or the partner's report of free places); now and then a PDF. Requests are named by their route
(numbers replaced by ``{id}``) so the figures group by page kind.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import random
import re

from locust import FastHttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["FRIDSAM_LOAD_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
_next_account = itertools.cycle(sorted(ACCOUNTS))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def route(url: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/{id}", url.split("?", 1)[0]) + ("?…" if "?" in url else "")


class StaffMember(FastHttpUser):
    wait_time = between(0, 0)  # a closed loop: N connections, each sends its next request at once
    insecure = True  # the run's throwaway certificate

    def on_start(self):
        self.account = ACCOUNTS[next(_next_account)]
        self.rng = random.Random(hash(self.account["username"]) ^ id(self))
        self.cookie = "; ".join(f"{k}={v}" for k, v in self.account["cookies"].items())
        # Only the login's cookies, sent as a header: the client keeps none the server sets.
        self.client.cookiejar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))

    def _get(self, url):
        with self.client.get(url, name=route(url), headers={"Cookie": self.cookie}, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} for {url}")
            return r

    @task(3)
    def start_page(self):
        self._get("/")

    @task(4)
    def menu_page(self):
        self._get(self.rng.choice(self.account["menu"]))

    @task(3)
    def detail_page(self):
        pages = self.account["details"] or self.account["menu"]
        self._get(self.rng.choice(pages))

    @task(1)
    def search(self):
        if self.account["searches"]:
            self._get(self.rng.choice(self.account["searches"]))

    @task(1)
    def write(self):
        form = self.account.get("write")
        if not form:
            return self.start_page()
        page = self._get(form["url"])
        token = CSRF.search(page.text or "")
        if not token:
            return None
        data = {**form["data"], "csrfmiddlewaretoken": token.group(1)}
        with self.client.post(
            form["url"],
            data=data,
            name=route(form["url"]) + " (POST)",
            headers={"Cookie": self.cookie, "Referer": self.host + form["url"]},
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code not in (302, 303):  # a form that is re-shown has an error
                r.failure(f"{r.status_code}: the form was not accepted")
        return None

    @task(1)
    def pdf(self):
        if self.account["pdfs"] and self.rng.random() < 0.25:  # now and then
            self._get(self.rng.choice(self.account["pdfs"]))


class HealthProbe(FastHttpUser):
    """The floor: the same stack answering its liveness probe."""

    wait_time = between(0, 0)
    insecure = True

    @task
    def probe(self):
        self.client.get("/halsa/", name="/halsa/")
