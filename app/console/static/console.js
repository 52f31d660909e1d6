// The console's only script. Pages work without it; it adds confirmation prompts, live
// counts while a form is edited, and live figures on progress pages. It never reads
// cookies (the session cookie is HttpOnly) and sends nothing but GETs of console pages.
"use strict";

function swap(fromHtml, ids) {
  const fresh = new DOMParser().parseFromString(fromHtml, "text/html");
  for (const id of ids) {
    const now = document.getElementById(id);
    const next = fresh.getElementById(id);
    if (now && next) now.replaceWith(next);
  }
}

// `poll`: a background read (X-Console-Poll) that does not count as the staff member's
// activity, so an unattended page still idles out. null when the answer is not the page
// (signed out, refused, gone).
async function fetchPage(url, poll = false) {
  const headers = poll ? { Accept: "text/html", "X-Console-Poll": "1" } : { Accept: "text/html" };
  const response = await fetch(url, { headers, credentials: "same-origin" });
  if (!response.ok || response.redirected) return null;
  return response.text();
}

// <form data-confirm="Are you sure?">: asks before it submits.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// <form data-live="URL" data-live-targets="id1 id2">: while the form is edited, GET URL
// with the form's fields as the query and replace the target elements with the answer's.
function liveForms() {
  for (const form of document.querySelectorAll("form[data-live]")) {
    let timer = null;
    let serial = 0;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const data = new FormData(form);
        data.delete("csrf");
        const query = new URLSearchParams();
        for (const [key, value] of data.entries()) if (typeof value === "string") query.append(key, value);
        const mine = ++serial;
        const text = await fetchPage(form.dataset.live + "?" + query.toString());
        if (text !== null && mine === serial) swap(text, form.dataset.liveTargets.split(" "));
      }, 250);
    };
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
  }
}

// <section data-refresh="5" id="x">: re-read this page every 5 s and replace the element.
function refreshing() {
  const live = [...document.querySelectorAll("[data-refresh][id]")];
  if (!live.length) return;
  const seconds = Math.max(2, Number(live[0].dataset.refresh) || 5);
  const ids = live.map((el) => el.id);
  const timer = setInterval(async () => {
    const text = await fetchPage(window.location.href, true);
    if (text === null) {
      clearInterval(timer); // signed out or refused: stop asking
      return;
    }
    swap(text, ids);
    // The answer no longer asks to be refreshed (the campaign is done): stop.
    if (!ids.some((id) => document.getElementById(id)?.hasAttribute("data-refresh"))) clearInterval(timer);
  }, seconds * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  liveForms();
  refreshing();
});
