// 离线记录: the households of the offline pack and three forms (a visit, a household update, a
// problem) rendered by the server from the same Django forms as the online pages, filled here
// from the pack. A saved form becomes a record in the queue (offline-store.js) with its own
// client token and the base values it was made on; nothing is sent from here.
(function () {
  "use strict";
  var app = document.getElementById("offline-app");
  var store = window.TongrenOffline;
  var page = window.TongrenOfflinePage;
  if (!app || !store) { return; }
  var msg = app.dataset;
  var SOURCES = ["wall", "bag", "spoken", "observed"];
  var MONEY = ["per_capita_income"];
  var views = Array.prototype.slice.call(app.querySelectorAll("[data-view]"));
  var forms = {
    visit: document.getElementById("offline-visit-form"),
    household_update: document.getElementById("offline-update-form"),
    problem: document.getElementById("offline-problem-form")
  };
  var VIEW_OF = { visit: "visit", household_update: "update", problem: "problem" };
  var current = null;  // {kind, household, record}
  var allHouseholds = [];

  // --- The pack's fields, whatever their exact names ------------------------------------------
  function numberOf(h) { return h.number || h.household_no || ""; }
  function headOf(h) { return h.head_name || h.head || ""; }
  function nameOf(value) {
    if (!value) { return ""; }
    return typeof value === "object" ? (value.name || value.code || "") : String(value);
  }
  function villageOf(h) { return nameOf(h.village || h.region); }
  // The register's values checked by 五个一致: a list of {field, label, value} (or a map).
  function registerOf(h) {
    var register = h.register || {};
    if (!Array.isArray(register)) { return register; }
    var values = {};
    register.forEach(function (item) { values[item.field] = item.value; });
    return values;
  }
  function membersOf(h) { return h.members || []; }
  function problemsOf(h) { return h.open_problems || h.problems || []; }
  function lookBacksOf(h) { return h.look_back_tasks || h.look_backs || h.due_look_back_tasks || []; }
  function labelOf(h) { return headOf(h) + " · " + numberOf(h); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  // --- The list -------------------------------------------------------------------------------
  var list = document.getElementById("offline-households");
  var search = document.getElementById("offline-search");

  function renderList() {
    var term = (search.value || "").trim().toLowerCase();
    var shown = allHouseholds.filter(function (h) {
      return !term || headOf(h).toLowerCase().indexOf(term) >= 0 || numberOf(h).toLowerCase().indexOf(term) >= 0;
    }).slice(0, 100);
    list.textContent = "";
    shown.forEach(function (h) {
      var li = el("li", { "class": "offline-household", "data-household": String(h.id) });
      var row = el("div", { "class": "record-row" });
      row.appendChild(el("span", { "class": "record-title" }, headOf(h) || numberOf(h)));
      row.appendChild(el("small", {}, [numberOf(h), villageOf(h)].filter(Boolean).join(" · ")));
      li.appendChild(row);
      var actions = el("p", { "class": "row-actions offline-actions" });
      [["visit", msg.msgVisit], ["update", msg.msgUpdate], ["problem", msg.msgProblem]].forEach(function (a) {
        actions.appendChild(el("a", { href: "#" + a[0] + "/" + h.id, role: "button", "class": a[0] === "visit" ? "" : "secondary outline" }, a[1]));
      });
      li.appendChild(actions);
      list.appendChild(li);
    });
    document.getElementById("offline-none").hidden = shown.length > 0 || allHouseholds.length === 0;
  }

  search.addEventListener("input", renderList);

  // --- Forms ----------------------------------------------------------------------------------
  function setValue(form, name, value) {
    Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = input.value === value || (input.type === "checkbox" && value === "on");
      } else if (input.type !== "file") {
        input.value = value;
      }
    });
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-error-for]"), function (e) { e.hidden = true; e.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (e) { e.classList.remove("has-error"); });
    var top = form.querySelector("[data-form-error]");
    top.hidden = true;
    top.textContent = "";
  }

  function fieldError(form, name, text) {
    var slot = form.querySelector('[data-error-for="' + name + '"]');
    if (!slot) {
      var input = form.querySelector('[name="' + name + '"]');
      if (!input) { return; }
      slot = el("small", { "class": "field-error", role: "alert", "data-error-for": name });
      var box = input.closest(".field, .check-value") || input.parentNode;
      box.appendChild(slot);
    }
    slot.textContent = text;
    slot.hidden = false;
    var holder = slot.closest(".field, .check-value");
    if (holder) { holder.classList.add("has-error"); }
  }

  function formError(form, text) {
    var top = form.querySelector("[data-form-error]");
    top.textContent = text;
    top.hidden = false;
  }

  function resetForm(kind, h) {
    var form = forms[kind];
    form.reset();
    clearErrors(form);
    Array.prototype.forEach.call(form.querySelectorAll("[data-photos-kept]"), function (p) { p.hidden = true; });
    Array.prototype.forEach.call(app.querySelectorAll("[data-household-title]"), function (t) {
      t.textContent = h ? labelOf(h) : "";
    });
    if (kind === "visit") {
      setValue(form, "date", today());
      var register = h ? registerOf(h) : {};
      Array.prototype.forEach.call(form.querySelectorAll("[data-system-for]"), function (s) {
        var value = register[s.dataset.systemFor];
        var empty = value === undefined || value === null || value === "";
        // A count shows its unit (帮扶措施 “1 项”: the number of measures, not a code).
        s.textContent = empty ? "—" : String(value) + (s.dataset.unit ? " " + s.dataset.unit : "");
      });
      showContext(h);
    }
    if (kind === "household_update") {
      setValue(form, "update-phone", h && h.phone ? h.phone : "");
      var select = form.querySelector('[name="update-member"]');
      select.length = 1;
      membersOf(h || {}).forEach(function (m) {
        var label = (m.name || "") + (m.id_number ? " · " + m.id_number : "") + (m.relation ? " · " + (m.relation_display || m.relation) : "");
        select.appendChild(el("option", { value: String(m.id) }, label));
      });
    }
    if (kind === "problem") {
      var deadline = new Date(Date.now() + 30 * 24 * 3600 * 1000);
      var d = deadline.toISOString().slice(0, 10);
      setValue(form, "problem-deadline", d);
    }
    return form;
  }

  function showContext(h) {
    var box = app.querySelector("[data-household-context]");
    box.textContent = "";
    if (!h) { return; }
    [[msg.msgOpenProblems, problemsOf(h)], [msg.msgLookBack, lookBacksOf(h)]].forEach(function (part) {
      if (!part[1].length) { return; }
      var details = el("details", { "class": "household-facts" });
      details.appendChild(el("summary", {}, part[0] + " (" + part[1].length + ")"));
      var ul = el("ul");
      part[1].forEach(function (item) {
        var text = [item.category_display || item.category, item.description || item.title || item.reason,
          item.deadline || item.due || item.due_date].filter(Boolean).join(" · ");
        ul.appendChild(el("li", {}, text));
      });
      details.appendChild(ul);
      box.appendChild(details);
    });
  }

  // The member chosen: its current work status and schooling (the base) fill the selects.
  forms.household_update.querySelector('[name="update-member"]').addEventListener("change", function () {
    var member = memberById(this.value);
    setValue(forms.household_update, "update-work_status", member ? (member.work_status || "") : "");
    setValue(forms.household_update, "update-schooling", member ? (member.schooling || "") : "");
  });

  function memberById(id) {
    if (!current || !current.household || !id) { return null; }
    return membersOf(current.household).filter(function (m) { return String(m.id) === String(id); })[0] || null;
  }

  // --- Reading a form back --------------------------------------------------------------------
  function fieldsOf(form) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.type === "file" || input.type === "submit" || input.type === "button") { return; }
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      pairs.push([input.name, input.value]);
    });
    return pairs;
  }

  function valuesOf(pairs) {
    var values = {};
    pairs.forEach(function (p) { values[p[0]] = p[1]; });
    return values;
  }

  function photosOf(form) {
    var photos = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      var files = Array.prototype.slice.call(input.files || []);
      var look = input.name.indexOf("looks-") === 0 ? input.name.slice(6).replace(/_photos$/, "") : "";
      files.forEach(function (file) {
        photos.push({ field: input.name, look: look, blob: file, name: file.name, type: file.type });
      });
    });
    // Photos kept from an earlier save of this record stay unless new ones were chosen.
    if (current && current.record) {
      (current.record.photos || []).forEach(function (p) {
        var input = form.querySelector('[name="' + p.field + '"]');
        if (!input || !input.files || !input.files.length) { photos.push(p); }
      });
    }
    return photos;
  }

  function filled(value) { return value !== undefined && value !== null && String(value).trim() !== ""; }

  function asText(field, value) {
    if (!filled(value)) { return ""; }
    if (MONEY.indexOf(field) >= 0 && !isNaN(Number(value))) { return Number(value).toFixed(2); }
    return String(value).trim();
  }

  // A section used at all is used whole (SectionForm.required_when_used): every answer given.
  function wholeSection(form, section, values, photos) {
    var box = form.querySelector('[data-section="' + section + '"]');
    var prefix = section + "-";
    var names = {};
    Array.prototype.forEach.call(box.querySelectorAll("input[type=radio]"), function (r) { names[r.name] = true; });
    var used = Object.keys(values).some(function (k) { return k.indexOf(prefix) === 0 && filled(values[k]); }) ||
      photos.some(function (p) { return p.field.indexOf(prefix) === 0; });
    var ok = true;
    if (used) {
      Object.keys(names).forEach(function (name) {
        if (!filled(values[name])) { fieldError(form, name, msg.msgMissing); ok = false; }
      });
    }
    return ok;
  }

  function visitPayload(form, values, photos, register) {
    var ok = true;
    if (!filled(values.date)) { fieldError(form, "date", msg.msgRequired); ok = false; }
    if (!filled(values.kind)) { fieldError(form, "kind", msg.msgRequired); ok = false; }
    ["looks", "survey", "motivation"].forEach(function (s) { ok = wholeSection(form, s, values, photos) && ok; });
    var consistency = [];
    var seen = {};  // the system values the visitor saw, for the items checked
    Array.prototype.forEach.call(form.querySelectorAll("[data-check-row]"), function (row) {
      var field = row.dataset.checkRow;
      var system = register[field] === undefined || register[field] === null ? "" : String(register[field]);
      var all = values["check-" + field + "__all"];
      var item = { field: field };
      var any = false;
      SOURCES.forEach(function (source) {
        var state = values["check-" + field + "__" + source + "__state"];
        var given = values["check-" + field + "__" + source];
        var said = "";
        if (all || state === "same") {
          said = system;
        } else if (filled(given)) {
          said = asText(field, given);
        } else if (state === "differs") {
          fieldError(form, "check-" + field + "__" + source, msg.msgDiffers);
          ok = false;
        }
        item[source] = said;
        any = any || filled(said);
      });
      if (any) { seen[field] = system; consistency.push(item); }
    });
    function section(prefix, names, cast) {
      var data = {};
      var any = false;
      names.forEach(function (name) {
        var v = values[prefix + "-" + name];
        if (filled(v)) { data[name] = cast ? cast(name, v) : v; any = true; }
      });
      return any ? data : null;
    }
    var yesNo = function (name, v) { return /_note$/.test(name) ? v : v === "yes"; };
    var lookNames = [];
    Array.prototype.forEach.call(form.querySelectorAll("[data-look]"), function (d) {
      lookNames.push(d.dataset.look, d.dataset.look + "_note");
    });
    var radioNames = function (s) {
      var seen = {};
      Array.prototype.forEach.call(form.querySelectorAll('[data-section="' + s + '"] input[type=radio]'), function (r) {
        seen[r.name.slice(s.length + 1)] = true;
      });
      return Object.keys(seen);
    };
    var visit = {
      date: values.date,
      kind: values.kind,
      note: values.note || "",
      five_looks: section("looks", lookNames, yesNo),
      consistency: consistency,
      survey: section("survey", radioNames("survey")),
      motivation: section("motivation", radioNames("motivation"), yesNo)
    };
    return ok ? { visit: visit, seen: seen } : null;
  }

  function updatePayload(form, values, h) {
    var changes = [];
    var ok = true;
    var phone = (values["update-phone"] || "").trim();
    var basePhone = h && h.phone ? h.phone : "";
    if (phone !== basePhone) {
      if (phone && !/^[0-9+\-() ]{5,20}$/.test(phone)) {
        fieldError(form, "update-phone", msg.msgPhone);
        ok = false;
      }
      changes.push({ target: "household", id: h ? h.id : current.householdId, field: "phone", base: basePhone, value: phone });
    }
    var member = memberById(values["update-member"]);
    ["work_status", "schooling"].forEach(function (field) {
      var value = values["update-" + field] || "";
      if (!member) {
        if (value && values["update-member"] === "") { fieldError(form, "update-member", msg.msgMember); ok = false; }
        return;
      }
      var base = member[field] || "";
      if (value !== base) {
        changes.push({ target: "member", id: member.id, field: field, base: base, value: value });
      }
    });
    if (ok && !changes.length) { formError(form, msg.msgNothingChanged); ok = false; }
    return ok ? { changes: changes } : null;
  }

  function problemPayload(form, values) {
    var ok = true;
    ["problem-category", "problem-description", "problem-deadline"].forEach(function (name) {
      if (!filled(values[name])) { fieldError(form, name, msg.msgRequired); ok = false; }
    });
    return ok ? {
      problem: {
        category: values["problem-category"],
        description: values["problem-description"].trim(),
        deadline: values["problem-deadline"]
      }
    } : null;
  }

  function save(kind) {
    var form = forms[kind];
    clearErrors(form);
    var h = current.household;
    var pairs = fieldsOf(form);
    var values = valuesOf(pairs);
    var photos = kind === "visit" ? photosOf(form) : [];
    var register = current.record && current.record.base ? (current.record.base.register || {}) : (h ? registerOf(h) : {});
    var payload = kind === "visit" ? visitPayload(form, values, photos, register)
      : kind === "household_update" ? updatePayload(form, values, h)
        : problemPayload(form, values);
    if (!payload) {
      var first = form.querySelector(".field-error:not([hidden]), [data-form-error]:not([hidden])");
      if (first) { first.scrollIntoView({ block: "center" }); }
      return Promise.resolve(null);
    }
    var base = current.record ? current.record.base : {
      version: h ? (h.version === undefined ? null : h.version) : null,
      register: register
    };
    var row = {
      kind: kind,
      household: current.householdId,
      household_label: h ? labelOf(h) : (current.record ? current.record.household_label : ""),
      payload: payload,
      fields: pairs,
      photos: photos,
      base: base
    };
    var saving = current.record ? store.replace(current.record.seq, row) : store.enqueue(row);
    return saving.then(function () {
      if (page) { page.askBackgroundSync(); page.showCount(); }
      var notice = document.getElementById("offline-saved");
      notice.textContent = msg.msgSaved;
      notice.hidden = false;
      window.location.hash = "#list";
    });
  }

  Object.keys(forms).forEach(function (kind) {
    forms[kind].addEventListener("submit", function (event) {
      event.preventDefault();
      var button = forms[kind].querySelector("button[type=submit]");
      button.disabled = true;
      save(kind).catch(function (error) {
        formError(forms[kind], String(error && error.message ? error.message : error));
      }).then(function () { button.disabled = false; });
    });
    Array.prototype.forEach.call(forms[kind].querySelectorAll("[data-back]"), function (b) {
      b.addEventListener("click", function () { window.location.hash = "#list"; });
    });
  });

  // --- Routing (#list, #visit/ID, #update/ID, #problem/ID, #edit/SEQ) --------------------------
  function showView(name) {
    views.forEach(function (v) { v.hidden = v.dataset.view !== name; });
    window.scrollTo(0, 0);
  }

  function openForm(kind, householdId, record) {
    return store.household(householdId).then(function (h) {
      current = { kind: kind, householdId: Number(householdId), household: h || null, record: record || null };
      var form = resetForm(kind, h || null);
      if (record) {
        (record.fields || []).forEach(function (p) { setValue(form, p[0], p[1]); });
        if (kind === "household_update") {
          var member = valuesOf(record.fields || [])["update-member"];
          setValue(form, "update-member", member || "");
          var values = valuesOf(record.fields || []);
          setValue(form, "update-work_status", values["update-work_status"] || "");
          setValue(form, "update-schooling", values["update-schooling"] || "");
        }
        if (!h) {
          Array.prototype.forEach.call(app.querySelectorAll("[data-household-title]"), function (t) {
            t.textContent = record.household_label || "";
          });
        }
        var counts = {};
        (record.photos || []).forEach(function (p) { counts[p.field] = (counts[p.field] || 0) + 1; });
        Object.keys(counts).forEach(function (field) {
          var kept = form.querySelector('[data-photos-kept="' + field + '"]');
          if (kept) { kept.textContent = counts[field] + " " + msg.msgPhotosKept; kept.hidden = false; }
        });
        if (record.state === "refused" && record.reason) { formError(form, store.localReason(record.reason, msg.fieldLabels)); }
      }
      showView(VIEW_OF[kind]);
    });
  }

  function route() {
    var hash = window.location.hash.replace(/^#/, "");
    var parts = hash.split("/");
    var kinds = { visit: "visit", update: "household_update", problem: "problem" };
    if (kinds[parts[0]] && parts[1]) { return openForm(kinds[parts[0]], parts[1]); }
    if (parts[0] === "edit" && parts[1]) {
      return store.record(parts[1]).then(function (record) {
        if (!record) { window.location.hash = "#list"; return null; }
        return openForm(record.kind, record.household, record);
      });
    }
    current = null;
    showView("list");
    return null;
  }

  window.addEventListener("hashchange", route);

  // The national code lists of the pack replace the page's (the same lists, as the server has them).
  function useChoices(choices) {
    if (!choices) { return; }
    ["work_status", "schooling"].forEach(function (name) {
      var select = forms.household_update.querySelector('[name="update-' + name + '"]');
      var list = choices[name];
      if (!select || !Array.isArray(list) || !list.length) { return; }
      select.textContent = "";
      if (!list.some(function (c) { return c.value === ""; })) { select.appendChild(el("option", { value: "" }, "—")); }
      list.forEach(function (c) { select.appendChild(el("option", { value: c.value }, c.label)); });
    });
  }

  Promise.all([store.households(), store.packInfo(), store.getMeta("choices")]).then(function (results) {
    useChoices(results[2]);
    allHouseholds = results[0].sort(function (a, b) { return numberOf(a) < numberOf(b) ? -1 : 1; });
    var info = results[1];
    document.getElementById("offline-no-pack").hidden = !!info;
    if (info) {
      document.getElementById("offline-pack-line").textContent =
        msg.msgPackDate + " " + store.formatDate(info.downloaded_at) + " · " + info.count + " " + msg.msgHouseholds;
    }
    renderList();
    route();
  });
}());
