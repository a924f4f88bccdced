// The project form's location picker: a click on the map writes the latitude and longitude fields, and typing
// them moves the marker. Served from this site over the shipped oblast boundaries; without JavaScript the two
// fields work on their own (the picker stays hidden).
(function () {
  "use strict";
  var box = document.getElementById("location-picker");
  var latitude = document.getElementById("latitude");
  var longitude = document.getElementById("longitude");
  if (!box || !latitude || !longitude || !window.L) { return; }
  box.hidden = false;
  var map = L.map(box.querySelector(".picker-map"), {minZoom: 5, maxZoom: 16})
    .fitBounds([[44.2, 22.1], [52.4, 40.3]]);
  map.attributionControl.setPrefix("Leaflet");
  fetch(box.dataset.boundaries, {credentials: "same-origin"})
    .then(function (response) { return response.json(); })
    .then(function (collection) {
      L.geoJSON(collection, {interactive: false,
                             style: {color: "#4a4a4a", weight: 1, fillColor: "#eef1f4", fillOpacity: 0.8}})
        .addTo(map).bringToBack();
    });
  var marker = null;

  function read(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function place(lat, lon, pan) {
    if (marker) { marker.setLatLng([lat, lon]); } else {
      marker = L.marker([lat, lon], {keyboard: false, icon: L.divIcon({className: "map-point", iconSize: [16, 16]})})
        .addTo(map);
    }
    if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), 9)); }
  }

  function fromFields() {
    var lat = read(latitude), lon = read(longitude);
    if (lat !== null && lon !== null && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) { place(lat, lon, true); }
  }

  map.on("click", function (event) {
    latitude.value = event.latlng.lat.toFixed(6);
    longitude.value = event.latlng.lng.toFixed(6);
    place(event.latlng.lat, event.latlng.lng, false);
  });
  latitude.addEventListener("change", fromFields);
  longitude.addEventListener("change", fromFields);
  fromFields();
}());
