"use strict";
// The dashboard's script: one EventSource on dashboard/events (the admin token and the
// task filters in its query), one render per `snapshot` event. Data only ever reaches
// the page through textContent, never as markup.
(() => {
  const params = new URLSearchParams(location.search);
  const token = params.get("token") || "";
  const filters = { account: params.get("account") || "", endpoint: params.get("endpoint") || "", status: params.get("status") || "" };
  const openEntries = new Set();
  let source = null;
  let last = null;

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null) continue;
      if (key === "class") node.className = value;
      else if (key === "style") node.style.cssText = value;
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function query() {
    const q = new URLSearchParams();
    if (token) q.set("token", token);
    for (const [key, value] of Object.entries(filters)) if (value) q.set(key, value);
    return q.toString();
  }

  const HELD = 1e15; // plan.finished_at is i64::MAX while a task is held until released
  const clockText = (ms) => new Date(ms).toISOString().replace("T", " ").slice(0, 23) + " UTC";
  const timeText = (ms) => new Date(ms).toISOString().slice(11, 23);
  function span(ms) {
    const s = Math.max(0, ms) / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
    return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  }

  function setConnection(state) {
    const pill = $("connection");
    pill.dataset.state = state;
    pill.textContent = state;
  }

  function fillSelect(select, values, current) {
    const have = [...select.options].map((o) => o.value);
    for (const value of values) if (!have.includes(value)) select.append(el("option", { value }, value));
    select.value = current;
  }

  // The bar spans the task's life: creation to its end (planned, or now while it runs
  // late or is held); what lies after the simulated now is drawn faded.
  function timeline(detail, now) {
    const task = detail.task;
    const plan = detail.plan;
    const created = task.created_at;
    const status = task.task_status;
    const terminal = status === "succeed" || status === "failed";
    const held = plan.finished_at >= HELD;
    const processingAt = plan.fail_before_processing ? null : plan.processing_at;
    const end = terminal ? task.updated_at : held ? Math.max(now, plan.processing_at) : plan.finished_at;
    const outcome = terminal ? status : plan.outcome === "succeed" ? "succeed" : "failed";
    const total = Math.max(terminal ? end : Math.max(end, now), created + 1) - created;
    const x = (ms) => ((Math.min(Math.max(ms, created), created + total) - created) / total) * 100;
    const bar = el("div", { class: "bar" });
    function piece(from, to, cls) {
      if (to <= from) return;
      const cut = Math.min(Math.max(now, from), to);
      if (cut > from) bar.append(el("span", { class: `seg ${cls}`, style: `left:${x(from)}%;width:${x(cut) - x(from)}%` }));
      if (to > cut) bar.append(el("span", { class: `seg ${cls} future`, style: `left:${x(cut)}%;width:${x(to) - x(cut)}%` }));
    }
    const queuedUntil = processingAt === null ? end : processingAt;
    piece(created, Math.min(queuedUntil, end), "queued");
    if (processingAt !== null) piece(processingAt, end, "running");
    const mark = el("span", { class: `seg ${outcome === "succeed" ? "done" : "fail"}${terminal ? "" : " future"}`, style: "right:0;width:4px" });
    if (!held) bar.append(mark);

    const steps = el("div", { class: "steps" }, `submitted ${timeText(created)}`);
    const step = (label, at) => {
      const due = at > now;
      steps.append(" → ", el("span", { class: due ? "due" : "" }, `${label} +${span(at - created)}${due ? " (due)" : ""}`));
    };
    if (processingAt !== null && !(terminal && processingAt > task.updated_at)) step("processing", processingAt);
    if (terminal) step(status, task.updated_at);
    else if (held) steps.append(" → ", el("span", { class: "due" }, "held until released"));
    else step(outcome, plan.finished_at);
    return el("div", { class: "timeline" }, bar, steps);
  }

  // A new-standard task as its owner sees it in /tasks: its status word, its outputs as
  // links, and what it was billed.
  function itemCells(item) {
    const outputs = (item.outputs || []).map((output) => {
      const link = output.url || output.mp3_url || output.wav_url;
      const label = `${output.type}${output.duration ? ` ${output.duration}s` : ""}`;
      return el("div", { class: "output" }, link ? el("a", { href: link, target: "_blank", rel: "noreferrer" }, label) : label);
    });
    const billing = (item.billing || []).map((b) => el("div", { class: "billing" }, `${b.amount} ${b.package_type || b.charge_type || "units"}`));
    return { outputs, billing };
  }

  function renderTasks(snap) {
    const body = $("tasks").tBodies[0];
    const rows = snap.tasks.map((detail) => {
      const task = detail.task;
      const item = detail.item;
      const external = item ? item.external_id : task.task_info && task.task_info.external_task_id;
      const status = item ? item.status : task.task_status;
      const message = item ? item.message : task.task_status_msg;
      const shown = item ? itemCells(item) : { outputs: [], billing: [] };
      return el("tr", { "data-task-id": task.task_id, "data-status": task.task_status, "data-surface": item ? "standard" : "legacy" },
        el("td", { class: "mono" }, task.task_id, external ? el("div", { class: "muted" }, `external ${external}`) : null, shown.outputs),
        el("td", {}, el("span", { class: `status ${task.task_status}` }, status),
          message ? el("div", { class: "msg" }, message) : null),
        el("td", {}, detail.endpoint, item ? el("div", { class: "muted" }, "new-standard") : null),
        el("td", {}, detail.model, detail.mode ? el("span", { class: "muted" }, ` · ${detail.mode}`) : null),
        el("td", { class: "mono" }, detail.access_key),
        el("td", {}, shown.billing.length ? shown.billing : detail.cost),
        el("td", {}, timeline(detail, snap.clock.now_ms)));
    });
    body.replaceChildren(...rows);
    const counts = Object.entries(snap.task_counts).map(([k, v]) => `${v} ${k}`).join(", ");
    const shown = snap.tasks.length < snap.tasks_matched ? `newest ${snap.tasks.length} of ` : "";
    $("task-count").textContent = `${shown}${snap.tasks_matched} shown · ${counts || "none stored"}`;
    $("tasks-empty").hidden = rows.length > 0;
  }

  function pretty(text) {
    if (!text) return "(empty)";
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
  }

  function httpClass(status) {
    return status < 400 ? "ok" : status < 500 ? "client" : "server";
  }

  function renderJournal(snap) {
    const body = $("journal").tBodies[0];
    const rows = [];
    for (const entry of snap.journal) {
      const open = openEntries.has(entry.seq);
      const notes = [...entry.scenario_rules, entry.fault].filter(Boolean).join(", ");
      const row = el("tr", { class: `entry${open ? " open" : ""}`, "data-seq": entry.seq },
        el("td", {}, entry.seq),
        el("td", { class: "mono" }, timeText(entry.at)),
        el("td", { class: "mono" }, entry.method),
        el("td", { class: "mono path" }, entry.path),
        el("td", { class: "mono" }, entry.access_key || "–"),
        el("td", {}, el("span", { class: `http ${httpClass(entry.status)}` }, entry.status)),
        el("td", {}, entry.code === null ? "–" : entry.code),
        el("td", {}, notes || ""));
      row.addEventListener("click", () => {
        if (openEntries.has(entry.seq)) openEntries.delete(entry.seq); else openEntries.add(entry.seq);
        if (last) renderJournal(last);
      });
      rows.push(row);
      if (open) {
        rows.push(el("tr", { class: "bodies" }, el("td", { colspan: 8 },
          el("div", { class: "mono muted" }, `request id ${entry.request_id}`),
          el("div", { class: "bodies-grid" },
            el("div", {}, el("h3", {}, "request"), el("pre", { class: "request-body" }, pretty(entry.request_body))),
            el("div", {}, el("h3", {}, "response"), el("pre", { class: "response-body" }, pretty(entry.response_body)))))));
      }
    }
    body.replaceChildren(...rows);
    const shown = snap.journal.length < snap.journal_entries ? `newest ${snap.journal.length} of ` : "";
    $("journal-count").textContent = `${shown}${snap.journal_entries} recorded · click a row for its bodies`;
    $("journal-empty").hidden = rows.length > 0;
  }

  function renderAccounts(snap) {
    const rows = [];
    for (const account of snap.accounts) {
      account.packs.forEach((pack, i) => {
        const remaining = pack.total === null ? "unlimited" : `${pack.remaining} of ${pack.total}`;
        const running = `${pack.running} of ${pack.concurrency === null ? "∞" : pack.concurrency}`;
        rows.push(el("tr", { "data-account": account.access_key },
          el("td", { class: "mono" }, i === 0 ? account.access_key : ""),
          el("td", {}, pack.pack_type), el("td", {}, remaining), el("td", {}, pack.used), el("td", {}, running)));
      });
    }
    $("accounts").tBodies[0].replaceChildren(...rows);
  }

  function renderScenarios(snap) {
    const rows = [];
    for (const scenario of snap.scenarios) {
      scenario.rules.forEach((rule, i) => {
        rows.push(el("tr", {},
          el("td", {}, i === 0 ? scenario.name : "", i === 0 && scenario.description ? el("div", { class: "muted" }, scenario.description) : null),
          el("td", { class: "mono" }, rule.label), el("td", {}, rule.matched), el("td", {}, rule.fired)));
      });
    }
    $("scenarios").tBodies[0].replaceChildren(...rows);
    $("scenarios-empty").hidden = snap.scenarios.length > 0;
  }

  function render(snap) {
    last = snap;
    $("clock").textContent = clockText(snap.clock.now_ms);
    $("clock-kind").textContent = snap.clock.manual ? "(manual)" : "";
    $("dialect").textContent = snap.dialect;
    $("responses").textContent = "answers " + Object.entries(snap.responses).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(" · ");
    fillSelect($("filter-account"), snap.accounts.map((a) => a.access_key), filters.account);
    fillSelect($("filter-endpoint"), snap.endpoints, filters.endpoint);
    $("filter-status").value = filters.status;
    renderTasks(snap);
    renderJournal(snap);
    renderAccounts(snap);
    renderScenarios(snap);
  }

  function connect() {
    if (source) source.close();
    setConnection("connecting");
    source = new EventSource(`dashboard/events?${query()}`);
    source.addEventListener("open", () => setConnection("live"));
    source.addEventListener("snapshot", (event) => { setConnection("live"); render(JSON.parse(event.data)); });
    // EventSource reconnects by itself; it gives up only on a non-200 answer.
    source.addEventListener("error", () => setConnection(source.readyState === EventSource.CLOSED ? "disconnected" : "reconnecting"));
  }

  $("filters").addEventListener("change", (event) => {
    filters[event.target.name] = event.target.value;
    history.replaceState(null, "", `?${query()}`);
    connect();
  });
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  connect();
})();
