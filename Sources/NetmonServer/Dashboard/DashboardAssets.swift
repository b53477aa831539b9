/// The dashboard's page, script and style, served as-is (no build step). UTF-8 throughout.
enum DashboardAssets {
    static let html = #"""
        <!doctype html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>netmon — mạng truyền số liệu chuyên dùng</title>
        <link rel="stylesheet" href="/static/leaflet/leaflet.css">
        <link rel="stylesheet" href="/dashboard.css">
        </head>
        <body>
        <header>
          <h1 id="title">netmon</h1>
          <div id="mode">
            <label><input type="radio" name="mode" value="health" checked> Link health</label>
            <label><input type="radio" name="mode" value="coverage"> Coverage</label>
            <label><input type="radio" name="mode" value="speed"> Speed</label>
            <label><input type="radio" name="mode" value="call"> Call quality</label>
          </div>
          <label id="operator-filter">Operator <select id="operator"><option value="">all</option></select></label>
          <div id="updated"></div>
        </header>
        <main>
          <div id="map" aria-label="Map of communes"></div>
          <aside>
            <section id="progress"><h2>Province progress</h2><div id="progress-body">…</div></section>
            <section id="trend"><h2>Coverage trend</h2><div class="trend"><img id="trend-province" alt="province coverage trend"></div></section>
            <section id="legend"><h2>Legend</h2><div id="legend-body"></div></section>
            <section id="detail"><h2 id="detail-title">Commune</h2><div id="detail-body">Click a commune on the map.</div></section>
          </aside>
        </main>
        <div id="status" role="status"></div>
        <svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
          <pattern id="hatch-unmeasured" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#d9d9d9"></rect><rect width="3" height="8" fill="#8c8c8c"></rect>
          </pattern>
        </defs></svg>
        <script src="/static/leaflet/leaflet.js"></script>
        <script src="/dashboard.js"></script>
        <script src="/dashboard-coverage.js"></script>
        </body>
        </html>

        """#

    static let style = #"""
        * { box-sizing: border-box; }
        body { margin: 0; font-family: "Noto Sans", "DejaVu Sans", sans-serif; color: #222; background: #f4f4f2; }
        header { display: flex; align-items: center; gap: 1.5rem; padding: .4rem 1rem; background: #1f3b57; color: #fff; }
        header h1 { font-size: 1.1rem; margin: 0; }
        #updated { margin-left: auto; font-size: .8rem; opacity: .8; }
        main { display: flex; height: calc(100vh - 2.6rem); }
        #map { flex: 1 1 auto; background: #dfe6ea; }
        aside { width: 430px; overflow-y: auto; padding: .5rem .8rem; background: #fff; border-left: 1px solid #ccc; }
        aside h2 { font-size: .95rem; margin: .6rem 0 .3rem; }
        .bar { height: 10px; background: #e5e5e5; border-radius: 3px; overflow: hidden; margin: 2px 0 6px; }
        .bar > div { height: 100%; background: #1a9850; }
        .legend-row { display: flex; align-items: center; gap: .4rem; font-size: .85rem; }
        .swatch { width: 14px; height: 14px; border: 1px solid #555; display: inline-block; }
        table { border-collapse: collapse; font-size: .82rem; width: 100%; }
        td, th { padding: 2px 4px; border-bottom: 1px solid #eee; text-align: left; }
        .smoke img { width: 100%; height: auto; border: 1px solid #ddd; margin: 4px 0; }
        .trend img { width: 100%; height: auto; border: 1px solid #ddd; margin: 4px 0; }
        #operator-filter { font-size: .85rem; } #operator-filter select { font-size: .85rem; }
        #status { position: fixed; bottom: 4px; left: 8px; font-size: .8rem; color: #a00; }
        .hatch { background: repeating-linear-gradient(45deg, #8c8c8c 0 3px, #d9d9d9 3px 8px); }
        .stack { display: flex; height: 12px; border: 1px solid #999; margin: 2px 0 6px; }
        .stack > span { display: block; height: 100%; }
        .st-ok { color: #1a7a3a; } .st-warn { color: #b07000; } .st-critical { color: #c00; } .st-silent { color: #6a3d9a; } .st-unknown { color: #777; }

        """#

    static let script = #"""
        "use strict";
        (function () {
          const HEALTH = { ok: "#1a9850", warn: "#fdae61", critical: "#d73027", silent: "#762a83", unknown: "#bdbdbd" };
          const HEALTH_LABEL = { ok: "OK", warn: "Warning", critical: "Critical", silent: "Silent (no recent data)", unknown: "Never heard" };
          const CALL = { good: "#1a9850", fair: "#fee08b", poor: "#fdae61", bad: "#d73027", unknown: "#bdbdbd" };
          const COVER = [["≥ 60% 5G", "#1a9850"], ["4G, < 60% 5G", "#91cf60"], ["partial 4G", "#fee08b"], ["no 4G / dead zone", "#d73027"], ["no data", "#bdbdbd"]];
          // Not measured enough (status not_measured_enough): hatched, neither covered nor below target.
          const HATCH = "url(#hatch-unmeasured)";
          const SPEED = [["≥ 60% of area meets 4G speed", "#1a9850"], ["30–60%", "#91cf60"], ["< 30%", "#fdae61"], ["none meets", "#d73027"], ["no rate samples", "#f0f0f0"], ["no data", "#bdbdbd"]];
          const STATUS_LABEL = { meets: "meets its targets", below_target: "below target", not_measured_enough: "not measured enough" };
          let token = null;
          // `#mode=coverage` (or `speed`, `call`) opens the map in that mode; read before the token is taken out of the address.
          const startMode = /(?:^|[#&])mode=(health|coverage|speed|call)(?:&|$)/.exec(location.hash);
          const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
          if (m) { token = decodeURIComponent(m[1]); try { localStorage.setItem("netmon-token", token); } catch (e) {} history.replaceState(null, "", location.pathname); }
          if (!token) { try { token = localStorage.getItem("netmon-token"); } catch (e) {} }
          const headers = token ? { Authorization: "Bearer " + token } : {};
          const statusEl = document.getElementById("status");
          function say(text) { statusEl.textContent = text || ""; if (text) console.error("netmon: " + text); }
          async function getJSON(url) {
            const r = await fetch(url, { headers });
            if (!r.ok) { let msg = r.status + ""; try { msg = (await r.json()).error.message; } catch (e) {} throw new Error(url + ": " + msg); }
            return r.json();
          }
          function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]); }
          function fmt(v, d) { return v == null ? "–" : Number(v).toFixed(d); }

          let mode = startMode ? startMode[1] : "health";
          document.querySelectorAll('input[name="mode"]').forEach(r => { r.checked = r.value === mode; });
          let communes = null, deadZones = null, probes = null, minMeasured = 0.3, call = null, callByCode = {};
          const map = L.map("map", { zoomSnap: 0.25, attributionControl: false, preferCanvas: false });
          const communeLayer = L.geoJSON(null, { style: styleFor, onEachFeature: bindCommune }).addTo(map);
          const deadLayer = L.geoJSON(null, { style: () => ({ color: "#000", weight: 1, fillColor: "#252525", fillOpacity: 0.75, dashArray: "2 2" }) }).addTo(map);
          const probeLayer = L.geoJSON(null, {
            pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 4, color: "#222", weight: 1, fillColor: HEALTH[f.properties.status] || "#999", fillOpacity: 1 })
              .bindTooltip(esc(f.properties.name) + " — " + esc(f.properties.gateway))
          }).addTo(map);

          function coverageColour(c) {
            if (!c) return COVER[4][1];
            if (c.status === "not_measured_enough") return HATCH;
            if ((c.dead_zones || 0) > 0 || c.has_4g === false) return COVER[3][1];
            if ((c["5g_area_ratio"] || 0) >= 0.6) return COVER[0][1];
            if ((c["4g_area_ratio"] || 0) >= 0.9) return COVER[1][1];
            return COVER[2][1];
          }
          function speedColour(c) {
            if (!c) return SPEED[5][1];
            if (c.status === "not_measured_enough") return HATCH;
            const s = (c.speed || {})["4G"];
            if (!s || !s.judged_ratio) return SPEED[4][1];
            if (s.covered_ratio >= 0.6) return SPEED[0][1];
            if (s.covered_ratio >= 0.3) return SPEED[1][1];
            return s.covered_ratio > 0 ? SPEED[2][1] : SPEED[3][1];
          }
          function styleFor(f) {
            const c = f.properties.coverage;
            const fill = mode === "health" ? (HEALTH[f.properties.status] || "#bdbdbd")
              : mode === "call" ? CALL[(callByCode[f.properties.code] || {}).grade || "unknown"]
              : mode === "speed" ? speedColour(c) : coverageColour(c);
            return { color: "#333", weight: 0.8, fillColor: fill, fillOpacity: 0.75 };
          }
          function bindCommune(f, layer) {
            layer.bindTooltip(esc(f.properties.name) + " (" + esc(f.properties.code) + ")");
            layer.on("click", () => showCommune(f.properties));
          }
          function callLegend() {
            const lv = (call && call.levels) || { good: 80, fair: 70, poor: 60 };
            const a = (call && call.assumptions) || {};
            return [[`Good: meetings work (R ≥ ${lv.good})`, CALL.good], [`Fair: some users dissatisfied (R ${lv.fair}–${lv.good})`, CALL.fair],
              [`Poor: many dissatisfied (R ${lv.poor}–${lv.fair})`, CALL.poor], [`Bad: meetings fail (R < ${lv.poor})`, CALL.bad], ["No replies in the window", CALL.unknown]]
              .map(([t, c]) => `<div class="legend-row"><span class="swatch" style="background:${c}"></span>${esc(t)}</div>`).join("") +
              `<div class="legend-row">E-model (ITU-T G.107) on the link to ${esc(call ? call.target : "hub")}, codec ${esc(a.codec || "g711-plc")}, jitter buffer ${esc(a.jitter_buffer || "")}</div>`;
          }
          function legend() {
            if (mode === "call") { document.getElementById("legend-body").innerHTML = callLegend(); return; }
            const rows = mode === "health" ? Object.keys(HEALTH).map(k => [HEALTH_LABEL[k], HEALTH[k]]) : mode === "speed" ? SPEED : COVER;
            const hatch = mode === "health" ? "" :
              `<div class="legend-row"><span class="swatch hatch"></span>Not measured enough (less than ${(100 * minMeasured).toFixed(0)}% of the area measured)</div>`;
            document.getElementById("legend-body").innerHTML = rows.map(([t, c]) =>
              `<div class="legend-row"><span class="swatch" style="background:${c}"></span>${esc(t)}</div>`).join("") + hatch +
              `<div class="legend-row"><span class="swatch" style="background:#252525;border-style:dashed"></span>Dead zone</div>`;
          }
          async function smoke(img, url) {
            try {
              const r = await fetch(url, { headers });
              if (!r.ok) throw new Error(url + ": " + r.status);
              img.src = URL.createObjectURL(await r.blob());
            } catch (e) { say(e.message); }
          }
          function pct(v) { return v == null ? "–" : (100 * v).toFixed(1) + "%"; }
          // Covered, measured but not covered, and unmeasured shares of an area, side by side.
          function measuredBar(covered, measured) {
            const c = Math.max(0, Math.min(1, covered || 0)), m = Math.max(c, Math.min(1, measured || 0));
            return `<div class="stack" title="covered ${pct(c)}, measured not covered ${pct(m - c)}, unmeasured ${pct(1 - m)}">` +
              `<span style="width:${100 * c}%;background:#1a9850"></span><span style="width:${100 * (m - c)}%;background:#d73027"></span>` +
              `<span class="hatch" style="width:${100 * (1 - m)}%"></span></div>`;
          }
          function coverageDetail(c) {
            if (!c) return "<div>Coverage: no signal reports yet.</div>";
            const speed = c.speed || {};
            const rows = ["3G", "4G", "5G"].map(t => `<tr><td>${t}</td><td>${pct((c.coverage || {})[t])}</td>` +
              `<td>${speed[t] ? pct(speed[t].covered_ratio) : "–"}</td><td>${speed[t] ? pct(speed[t].judged_ratio) : "–"}</td></tr>`).join("");
            return `<div>Coverage status: <b class="status-${esc(c.status)}">${esc(STATUS_LABEL[c.status] || c.status || "–")}</b></div>` +
              `<div>4G covered ${pct(c["4g_area_ratio"])}, measured ${pct(c.measured_ratio)}, unmeasured ${pct(c.unmeasured_ratio)}</div>` +
              measuredBar(c["4g_area_ratio"], c.measured_ratio) +
              `<table><tr><th></th><th>signal covered</th><th>speed meets</th><th>speed judged</th></tr>${rows}</table>`;
          }
          function showCommune(p) {
            document.getElementById("detail-title").textContent = p.name + " (" + p.code + ")";
            setTimeout(() => document.dispatchEvent(new CustomEvent("netmon:commune", { detail: p })), 0);
            const rows = (p.links || []).map(l => `<tr><td>${esc(l.target)}</td><td class="st-${esc(l.status)}">${esc(l.status)}</td>` +
              `<td>${fmt(l.median_ms, 1)}</td><td>${fmt(l.p95_ms, 1)}</td><td>${l.loss_ratio == null ? "–" : (100 * l.loss_ratio).toFixed(1) + "%"}</td></tr>`).join("");
            const body = document.getElementById("detail-body");
            const cq = callByCode[p.code], rt = cq && cq.round_trip;
            const callLine = rt ? `<div>Call quality to ${esc(cq.target)}: <b>${esc(rt.grade)}</b>, R ${fmt(rt.r, 1)}, MOS ${fmt(rt.mos, 2)} ` +
              `(one-way ${fmt(rt.one_way_delay_ms, 1)} ms, variation ${fmt(rt.delay_variation_ms, 1)} ms, loss ${(100 * rt.loss_ratio).toFixed(1)}%)</div>` +
              (cq.directions || []).map(d => `<div>${esc(d.direction)}: <b>${esc(d.grade)}</b>, R ${fmt(d.r, 1)} ` +
                `(one-way ${fmt(d.one_way_delay_ms, 1)} ms ${esc(d.basis)}, loss ${(100 * d.loss_ratio).toFixed(1)}%)</div>`).join("") : "";
            body.innerHTML = coverageDetail(p.coverage) + `<div>Probe ${esc(p.probe_id)}, last seen ${esc(p.last_seen || "never")}</div>` + callLine +
              `<table><tr><th>target</th><th>state</th><th>median ms</th><th>p95 ms</th><th>loss</th></tr>${rows}</table>` +
              `<div class="smoke"></div>`;
            const box = body.querySelector(".smoke");
            for (const l of (p.links || [])) {
              const img = document.createElement("img");
              img.alt = "smoke graph " + l.target;
              box.appendChild(img);
              smoke(img, `/api/v1/links/${encodeURIComponent(p.code)}/${encodeURIComponent(l.target)}/smoke.svg`);
              // A STAMP link: each direction's one-way delay and loss too.
              for (const way of (l.kind === "stamp" ? ["uplink", "downlink"] : [])) {
                const directional = document.createElement("img");
                directional.alt = "smoke graph " + l.target + " " + way;
                box.appendChild(directional);
                smoke(directional, `/api/v1/links/${encodeURIComponent(p.code)}/${encodeURIComponent(l.target)}/smoke.svg?direction=${way}`);
              }
            }
          }
          function progress(s) {
            const n = s.communes || 1, ls = s.link_status || {};
            const ok = ls.ok || 0;
            let html = `<div>Links OK: ${ok} / ${n} communes</div><div class="bar"><div style="width:${100 * ok / n}%"></div></div>` +
              `<div>Probes reporting: ${s.probes_reporting} / ${n}</div><div class="bar"><div style="width:${100 * s.probes_reporting / n}%"></div></div>`;
            const c = s.coverage, t = s.targets;
            if (c) {
              const r5 = c["5g_area_ratio"] || 0, with4 = c.communes_with_4g || 0, dz = c.dead_zones || 0;
              html += `<div>5G area: ${(100 * r5).toFixed(1)}% (target ≥ ${(100 * t["5g_area_ratio"]).toFixed(0)}%)</div><div class="bar"><div style="width:${Math.min(100, 100 * r5 / t["5g_area_ratio"])}%"></div></div>` +
                `<div>Communes with 4G: ${with4} / ${n}</div><div class="bar"><div style="width:${100 * with4 / n}%"></div></div>` +
                `<div>Dead zones: ${dz} (target ${t.max_dead_zones})</div>`;
              const me = c.measurement || {}, sp = c.speed || {};
              if (me.min_measured_ratio != null) minMeasured = me.min_measured_ratio;
              html += `<div>Area: 4G covered ${pct(c["4g_area_ratio"])}, measured ${pct(c.measured_ratio)}, unmeasured ${pct(me.unmeasured_ratio)}</div>` +
                measuredBar(c["4g_area_ratio"], c.measured_ratio) +
                `<div>Communes not measured enough (&lt; ${(100 * minMeasured).toFixed(0)}% of area): ${me.communes_not_measured_enough || 0} / ${n}</div>`;
              for (const tech of Object.keys(sp)) {
                const s = sp[tech];
                html += `<div>Speed ${esc(tech)} (≥ ${s.download_mbps}${s.upload_mbps == null ? "" : "/" + s.upload_mbps} Mbit/s): ${pct(s.covered_ratio)} of area meets, ${pct(s.judged_ratio)} judged</div>`;
              }
            } else {
              html += `<div>Coverage: no signal reports yet (targets: 5G ≥ ${(100 * t["5g_area_ratio"]).toFixed(0)}% of area, 4G in every commune, ${t.max_dead_zones} dead zones)</div>`;
            }
            document.getElementById("progress-body").innerHTML = html;
            document.dispatchEvent(new CustomEvent("netmon:summary", { detail: s }));
            document.getElementById("title").textContent = "netmon — " + s.province;
          }
          function redraw() {
            communeLayer.setStyle(styleFor);
            legend();
          }
          document.addEventListener("netmon:operator", () => refresh(false));
          document.querySelectorAll('input[name="mode"]').forEach(r => r.addEventListener("change", e => { mode = e.target.value; redraw(); }));
          async function refresh(first) {
            try {
              const [c, d, p, s, q] = await Promise.all([
                getJSON("/api/v1/geojson/communes?simplify=1" + (window.netmonOperator ? "&operator=" + encodeURIComponent(window.netmonOperator) : "")), getJSON("/api/v1/geojson/dead-zones"),
                getJSON("/api/v1/geojson/probes"), getJSON("/api/v1/summary"), getJSON("/api/v1/call-quality")]);
              communes = c; deadZones = d; probes = p; call = q;
              callByCode = {}; for (const x of (q.communes || [])) callByCode[x.code] = x;
              communeLayer.clearLayers(); communeLayer.addData(c);
              deadLayer.clearLayers(); deadLayer.addData(d);
              probeLayer.clearLayers(); probeLayer.addData(p);
              if (first && c.bbox) map.fitBounds([[c.bbox[1], c.bbox[0]], [c.bbox[3], c.bbox[2]]]);
              progress(s);
              redraw();
              document.getElementById("updated").textContent = "updated " + new Date().toISOString().slice(0, 19) + "Z";
              document.body.dataset.loaded = "true";
              say("");
            } catch (e) { say(e.message); }
          }
          legend();
          refresh(true);
          setInterval(refresh, 60000);
        })();

        """#
}
