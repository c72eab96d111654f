// Switchyard dashboard: progressive enhancement only. Pages work without this script; with it, lists and pages
// follow the server's live feed (/ui/feed, Server-Sent Events) instead of being reloaded, and dangerous forms ask
// first. No inline script is allowed by the page's Content-Security-Policy, so everything is wired here.
"use strict";

(() => {
  const status = document.getElementById("live-status");
  const setStatus = (text, on) => {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("on", on);
  };

  const text = (tag, value, className) => {
    const el = document.createElement(tag);
    el.textContent = value;
    if (className) el.className = className;
    return el;
  };
  const link = (href, value, code) => {
    const a = document.createElement("a");
    a.href = href;
    a.append(code ? text("code", value) : document.createTextNode(value));
    return a;
  };
  const cell = (...children) => {
    const td = document.createElement("td");
    td.append(...children);
    return td;
  };
  const pad = (n) => String(n).padStart(2, "0");
  const time = (ms) => {
    if (ms == null) return "";
    const d = new Date(ms);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  };
  const timeCell = (ms) => {
    const t = text("time", time(ms));
    if (ms != null) t.dateTime = new Date(ms).toISOString();
    return cell(t);
  };
  const duration = (ms) => ms == null ? "" : ms < 1000 ? `${Math.round(ms)} ms` : ms < 60000 ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60000)}m ${pad(Math.floor(ms / 1000) % 60)}s`;
  const runHref = (id) => `/ui/runs/${encodeURIComponent(id)}`;
  const eventHref = (id) => `/ui/events/${encodeURIComponent(id)}`;

  // The same cells as Components/RunRow.razor.
  const runRow = (run) => {
    const tr = document.createElement("tr");
    tr.dataset.id = run.id;
    tr.append(cell(link(runHref(run.id), run.id, true)), cell(document.createTextNode(run.functionId)),
      cell(text("span", run.status, `status status-${run.status.toLowerCase()}`)), cell(link(eventHref(run.eventId), run.eventId, true)),
      timeCell(run.createdAt), cell(document.createTextNode(duration(run.durationMs))));
    return tr;
  };
  const eventRow = (ev) => {
    const tr = document.createElement("tr");
    tr.dataset.id = ev.id;
    tr.append(cell(link(eventHref(ev.id), ev.name, false)), cell(text("code", ev.id)), cell(document.createTextNode(ev.source)), timeCell(ev.receivedAt));
    return tr;
  };

  const prepend = (body, row, limit) => {
    body.prepend(row);
    row.classList.add("fresh");
    while (limit > 0 && body.rows.length > limit) body.deleteRow(body.rows.length - 1);
    document.querySelectorAll("p.empty").forEach((p) => p.remove());
  };

  const follow = (el) => {
    const kind = el.dataset.liveKind;
    const limit = Number(el.dataset.limit || 0);
    const wantedStatus = (el.dataset.status || "").toLowerCase();
    const source = new EventSource(el.dataset.live);
    let reload = null;
    const reloadSoon = () => { reload ??= setTimeout(() => location.reload(), 300); };
    source.onopen = () => { setStatus("live", true); el.dataset.liveOpen = "true"; };
    source.onerror = () => setStatus("reconnecting…", false);
    source.addEventListener("gap", () => { if (kind !== "runs" && kind !== "events") reloadSoon(); });
    source.addEventListener("run", (message) => {
      const item = JSON.parse(message.data);
      const run = item.run;
      if (kind === "runs") {
        const existing = el.querySelector(`tr[data-id="${CSS.escape(run.id)}"]`);
        const matches = !wantedStatus || run.status.toLowerCase() === wantedStatus;
        if (existing && matches) existing.replaceWith(runRow(run));
        else if (existing) existing.remove();
        else if (matches) prepend(el, runRow(run), limit);
      } else if (kind === "run") {
        if (run.id === el.dataset.run) reloadSoon();
      } else if (kind === "event") {
        reloadSoon();
      }
    });
    source.addEventListener("event", (message) => {
      if (kind !== "events") return;
      const ev = JSON.parse(message.data).event;
      if (!el.querySelector(`tr[data-id="${CSS.escape(ev.id)}"]`)) prepend(el, eventRow(ev), limit);
    });
    addEventListener("pagehide", () => source.close());
  };

  document.querySelectorAll("[data-live]").forEach((el) => { if (el.dataset.live) follow(el); });

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (e) => { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  });
})();
