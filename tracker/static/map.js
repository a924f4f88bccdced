// The public map: oblasts shaded by a measure, projects as server-made clusters or points, one data request per
// view. Everything comes from this site (Leaflet in static/vendor, the boundaries and data from the app); a tile
// layer is added only when the deployment configures one (TRACKER_MAP_TILE_URL).
(function () {
  "use strict";
  var element = document.getElementById("project-map");
  if (!element || !window.L) { return; }
  var config = JSON.parse(element.dataset.config);
  var text = config.text;
  var lang = document.documentElement.lang === "en" ? "en" : "uk";
  var COLOURS = ["#eef3fa", "#c6d7ee", "#8fb2dd", "#4f86c6", "#1f5aa6"];
  var number = new Intl.NumberFormat(lang === "en" ? "en-GB" : "uk-UA", {maximumFractionDigits: 0});

  var map = L.map(element, {minZoom: 5, maxZoom: 18, zoomSnap: 1, keyboard: true})
    .fitBounds([[44.2, 22.1], [52.4, 40.3]]);
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution(text.boundaries);
  if (config.tiles) {
    L.tileLayer(config.tiles, {attribution: config.tileAttribution, maxZoom: 18}).addTo(map);
  }
  var oblastLayer = null;
  var figures = {};
  var projectLayer = L.layerGroup().addTo(map);
  var pending = null;

  function measureOf(row) {
    if (!row) { return null; }
    return config.measure === "committed" ? row.committed : config.measure === "passed" ? row.passed : row.projects;
  }

  function format(value) {
    if (value === null || value === undefined) { return text.noData; }
    return config.measure === "passed" ? Math.round(value * 100) + "%" : number.format(value);
  }

  function classes() {
    var values = Object.keys(figures).map(function (code) { return measureOf(figures[code]); })
      .filter(function (value) { return value !== null && value !== undefined; });
    var top = values.length ? Math.max.apply(null, values) : 0;
    var bounds = [];
    for (var i = 1; i <= COLOURS.length; i++) { bounds.push(top * i / COLOURS.length); }
    return bounds;
  }

  function colour(value, bounds) {
    if (value === null || value === undefined) { return "#ffffff"; }
    for (var i = 0; i < bounds.length; i++) { if (value <= bounds[i]) { return COLOURS[i]; } }
    return COLOURS[COLOURS.length - 1];
  }

  function drawLegend(bounds) {
    var list = document.getElementById("legend-classes");
    list.textContent = "";
    var low = 0;
    bounds.forEach(function (high, index) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "legend-swatch";
      swatch.style.background = COLOURS[index];
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(format(low) + " – " + format(high)));
      list.appendChild(item);
      low = high;
    });
  }

  function shade() {
    if (!oblastLayer) { return; }
    var bounds = classes();
    oblastLayer.setStyle(function (feature) {
      return {color: "#4a4a4a", weight: 1, fillOpacity: 0.7,
              fillColor: colour(measureOf(figures[feature.properties.katottg]), bounds)};
    });
    drawLegend(bounds);
  }

  function popup(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = config.project.replace("REF", encodeURIComponent(point.ref));
    link.textContent = (lang === "en" && point.title_en) || point.title_uk;
    link.className = "popup-title";
    box.appendChild(link);
    [[text.stage, config.stages[point.stage] || point.stage],
     [text.budget, point.budget === null ? text.noData : number.format(point.budget)],
     [text.progress, point.progress === null ? text.noData : point.progress + "%"]].forEach(function (pair) {
      var line = document.createElement("p");
      line.textContent = pair[0] + ": " + pair[1];
      box.appendChild(line);
    });
    return box;
  }

  function pointMarker(point) {
    var title = (lang === "en" && point.title_en) || point.title_uk;
    var icon = L.divIcon({className: "map-point", iconSize: [16, 16],
                          html: '<span class="visually-hidden"></span>'});
    var marker = L.marker([point.lat, point.lon], {icon: icon, title: title, keyboard: true});
    marker.on("add", function () {
      var hidden = marker.getElement().querySelector(".visually-hidden");
      if (hidden) { hidden.textContent = title; }
      marker.getElement().dataset.reference = point.ref;
    });
    marker.bindPopup(function () { return popup(point); });
    return marker;
  }

  function clusterMarker(cluster) {
    var label = text.cluster.replace("{n}", cluster[2]);
    var size = cluster[2] < 10 ? 30 : cluster[2] < 100 ? 36 : cluster[2] < 1000 ? 44 : 52;
    var icon = L.divIcon({className: "map-cluster", iconSize: [size, size],
                          html: "<span>" + number.format(cluster[2]) + "</span>"});
    var marker = L.marker([cluster[0], cluster[1]], {icon: icon, title: label, keyboard: true});
    marker.on("click", function () { map.setView([cluster[0], cluster[1]], Math.min(map.getZoom() + 2, 18)); });
    return marker;
  }

  function load() {
    var box = map.getBounds();
    var bbox = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()]
      .map(function (value, index) {
        var limit = index % 2 === 0 ? 180 : 90;
        return Math.max(-limit, Math.min(limit, value)).toFixed(4);
      }).join(",");
    var url = config.data + (config.data.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox + "&zoom=" + map.getZoom();
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, {signal: pending.signal, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        figures = {};
        data.oblasts.forEach(function (row) { figures[row.katottg] = row; });
        shade();
        projectLayer.clearLayers();
        data.clusters.forEach(function (cluster) { projectLayer.addLayer(clusterMarker(cluster)); });
        data.points.forEach(function (point) { projectLayer.addLayer(pointMarker(point)); });
        document.getElementById("map-status").textContent = text.shown.replace("{n}", number.format(data.total));
        element.dataset.loaded = "true";
      })
      .catch(function (error) { if (error.name !== "AbortError") { throw error; } });
  }

  fetch(config.boundaries, {credentials: "same-origin"})
    .then(function (response) { return response.json(); })
    .then(function (collection) {
      oblastLayer = L.geoJSON(collection, {
        interactive: false,
        style: {color: "#4a4a4a", weight: 1, fillOpacity: 0.7, fillColor: "#ffffff"}
      }).addTo(map);
      oblastLayer.bringToBack();
      shade();
    });
  map.on("moveend", load);
  load();
}());
