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

// A background read: it says so (X-Console-Poll), so it does not count as the staff
// member's activity and an unattended page still idles out; null when the answer is not the
// page (signed out, refused, gone).
async function fetchPage(url) {
  const response = await fetch(url, {
    headers: { Accept: "text/html", "X-Console-Poll": "1" },
    credentials: "same-origin",
    redirect: "manual",
  });
  if (!response.ok || response.redirected || response.type === "opaqueredirect") return null;
  return response.text();
}

// <form data-confirm="Are you sure?">: asks before it submits.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// <form data-live="URL" data-live-targets="id1 id2" data-live-fields="idA idB">: while the
// fields inside the elements idA, idB are edited, GET URL with those fields (and the form's
// own hidden ones, not the CSRF token) as the query, and replace the target elements with
// the answer's.
function liveForms() {
  for (const form of document.querySelectorAll("form[data-live]")) {
    let timer = null;
    let serial = 0;
    const areas = (form.dataset.liveFields || "").split(" ").map((id) => document.getElementById(id)).filter(Boolean);
    const watched = (target) => !areas.length || areas.some((area) => area.contains(target));
    const fields = () => {
      const query = new URLSearchParams();
      const inputs = areas.length
        ? [...form.querySelectorAll(":scope > input[type=hidden]"), ...areas.flatMap((a) => [...a.querySelectorAll("input, select, textarea")])]
        : [...form.elements];
      for (const input of inputs) {
        if (!input.name || input.name === "csrf" || input.disabled) continue;
        if ((input.type === "checkbox" || input.type === "radio") && !input.checked) continue;
        if (input instanceof HTMLSelectElement && input.multiple) {
          for (const option of input.selectedOptions) query.append(input.name, option.value);
        } else if (input.type !== "submit" && input.type !== "button" && input.type !== "file") {
          query.append(input.name, input.value);
        }
      }
      return query;
    };
    const refresh = (event) => {
      if (event && !watched(event.target)) return;
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const query = fields();
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
  const timer = setInterval(async () => {
    const text = await fetchPage(window.location.href);
    if (text === null) {
      clearInterval(timer); // signed out or refused: stop asking
      return;
    }
    swap(text, live.map((el) => el.id));
    // The answer no longer asks to be refreshed (the campaign is done): stop.
    if (!live.some((el) => document.getElementById(el.id)?.hasAttribute("data-refresh"))) clearInterval(timer);
  }, seconds * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  liveForms();
  refreshing();
});
