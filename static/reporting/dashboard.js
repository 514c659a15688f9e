/* The dashboard's map: locations in scope with their alert counts for the filters shown.
   An enhancement only: without JavaScript, or when anything here fails, the table of
   locations below the map has the same figures. Data comes from the URL in data-map-url
   (the API, one point per location); tiles from data-tile-url when one is configured,
   otherwise the map has a plain background, which also shows if tiles fail to load. */
(function () {
  "use strict";

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function sizeOf(count) {
    if (count >= 1000) return 48;
    if (count >= 100) return 40;
    if (count >= 10) return 34;
    return 28;
  }

  function popup(props, labels) {
    var box = document.createElement("div");
    box.className = "dash-popup";
    box.appendChild(text("strong", props.name));
    box.appendChild(text("p", props.prefecture));
    box.appendChild(text("p", labels.alerts + ": " + props.alerts));
    box.appendChild(text("p", labels.waiting + ": " + props.unacknowledged));
    if (props.alerts_url) {
      var link = text("a", labels.link);
      link.href = props.alerts_url;
      var p = document.createElement("p");
      p.appendChild(link);
      box.appendChild(p);
    }
    return box;
  }

  function marker(L, feature, labels) {
    var props = feature.properties;
    var size = sizeOf(props.alerts);
    var state = props.unacknowledged > 0 ? " is-waiting" : props.alerts === 0 ? " is-quiet" : "";
    var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    var m = L.marker(latlng, {
      title: props.name + " (" + props.alerts + ")",
      alt: props.name,
      alerts: props.alerts,
      waiting: props.unacknowledged,
      icon: L.divIcon({
        className: "dash-marker" + state,
        html: String(Number(props.alerts) || 0),
        iconSize: [size, size]
      })
    });
    m.bindPopup(popup(props, labels));
    return m;
  }

  function clusterIcon(L, cluster) {
    var alerts = 0;
    var waiting = 0;
    cluster.getAllChildMarkers().forEach(function (m) {
      alerts += m.options.alerts || 0;
      waiting += m.options.waiting || 0;
    });
    var size = sizeOf(alerts) + 6;
    return L.divIcon({
      className: "dash-cluster" + (waiting > 0 ? " is-waiting" : ""),
      html: String(alerts),
      iconSize: [size, size]
    });
  }

  function draw(el, data) {
    var L = window.L;
    var labels = {
      alerts: el.getAttribute("data-label-alerts") || "Alerts",
      waiting: el.getAttribute("data-label-waiting") || "Not acknowledged",
      link: el.getAttribute("data-label-link") || "See these alerts"
    };
    var b = (el.getAttribute("data-bounds") || "").split(",").map(Number);
    // Marker clusters need a maximum zoom, which a tile layer would otherwise give.
    var map = L.map(el, { scrollWheelZoom: false, minZoom: 3, maxZoom: 18 });
    var tileUrl = el.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 18,
        attribution: el.getAttribute("data-tile-attribution") || ""
      }).addTo(map);
    }
    var group = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: function (cluster) { return clusterIcon(L, cluster); }
    });
    (data.features || []).forEach(function (feature) {
      group.addLayer(marker(L, feature, labels));
    });
    map.addLayer(group);
    if (group.getLayers().length) {
      map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 10 });
    } else if (b.length === 4 && b.every(isFinite)) {
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    } else {
      map.setView([0, 0], 2);
    }
    el.classList.add("is-ready");
  }

  function fail(el) {
    var note = el.querySelector(".dash-map-note");
    if (note) note.textContent = el.getAttribute("data-label-error") || note.textContent;
  }

  function start() {
    var el = document.getElementById("dash-map");
    if (!el || !window.L || !window.L.markerClusterGroup) return;
    var request = new XMLHttpRequest();
    request.open("GET", el.getAttribute("data-map-url"));
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) return fail(el);
      try {
        draw(el, JSON.parse(request.responseText));
      } catch (err) {
        fail(el);
        if (window.console) window.console.error(err);
      }
    };
    request.onerror = function () { fail(el); };
    request.send();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
