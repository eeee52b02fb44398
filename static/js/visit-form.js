// The visit form on a phone: the progress line (五个看 3/5 · 五个一致 2/7 …) follows what is
// filled in, and the position is asked for only when the visitor ticks the box.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }

  function answered(section) {
    var box = form.querySelector('[data-section="' + section + '"]');
    if (!box) { return 0; }
    if (section === "check") {
      return Array.prototype.filter.call(box.querySelectorAll("[data-check-row]"), function (row) {
        return Array.prototype.some.call(row.querySelectorAll("input, select"), function (el) {
          return (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value !== "";
        });
      }).length;
    }
    var names = {};
    Array.prototype.forEach.call(box.querySelectorAll('input[type="radio"]'), function (el) {
      names[el.name] = names[el.name] || el.checked;
    });
    return Object.keys(names).filter(function (name) { return names[name]; }).length;
  }

  function update() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-progress]"), function (part) {
      var strong = part.querySelector("strong");
      strong.textContent = answered(part.dataset.progress) + "/" + part.dataset.total;
    });
  }

  var share = document.getElementById("id_share_position");
  var status = document.getElementById("position-status");
  function setPosition(values) {
    ["latitude", "longitude", "position_accuracy", "position_taken_at"].forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (input) { input.value = values ? values[name] : ""; }
    });
  }
  function say(text) { if (status) { status.textContent = text; status.hidden = !text; } }
  if (share) {
    share.addEventListener("change", function () {
      if (!share.checked) { setPosition(null); say(""); return; }
      if (!navigator.geolocation) { share.checked = false; say(share.dataset.unavailable || ""); return; }
      say(share.dataset.asking || "");
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPosition({
          latitude: pos.coords.latitude.toFixed(6),
          longitude: pos.coords.longitude.toFixed(6),
          position_accuracy: Math.round(pos.coords.accuracy),
          position_taken_at: new Date(pos.timestamp).toISOString()
        });
        say((share.dataset.taken || "") + " ±" + Math.round(pos.coords.accuracy) + " m");
      }, function () {
        share.checked = false;
        setPosition(null);
        say(share.dataset.refused || "");
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
