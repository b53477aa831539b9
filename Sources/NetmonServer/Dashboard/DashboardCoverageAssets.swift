/// The dashboard's coverage additions, a script of their own beside `dashboard.js`: the operator filter (a select
/// box filled from the summary's operators; choosing one reloads the communes with `operator=`), the province's
/// coverage trend (`/api/v1/coverage/history.svg`) and, for a clicked commune, its trend and per-operator figures.
/// It talks to `dashboard.js` through DOM events: `netmon:summary`, `netmon:commune` (in) and `netmon:operator`
/// (out, after setting `window.netmonOperator`).
enum DashboardCoverageAssets {
    static let script = #"""
        "use strict";
        (function () {
          let token = null;
          try { token = localStorage.getItem("netmon-token"); } catch (e) {}
          const headers = token ? { Authorization: "Bearer " + token } : {};
          function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]); }
          function pct(v) { return v == null ? "–" : (100 * v).toFixed(1) + "%"; }
          async function svg(img, url) {
            try {
              const r = await fetch(url, { headers });
              if (!r.ok) throw new Error(url + ": " + r.status);
              if (img.dataset.url) URL.revokeObjectURL(img.src);
              img.src = URL.createObjectURL(await r.blob());
              img.dataset.url = url;
            } catch (e) { console.error("netmon: " + e.message); }
          }
          const select = document.getElementById("operator");
          window.netmonOperator = "";
          select.addEventListener("change", () => {
            window.netmonOperator = select.value;
            document.dispatchEvent(new CustomEvent("netmon:operator", { detail: select.value }));
          });
          document.addEventListener("netmon:summary", e => {
            const ops = (e.detail.coverage && e.detail.coverage.operators) || {};
            const wanted = ["", ...Object.keys(ops)];
            const have = Array.from(select.options).map(o => o.value);
            if (wanted.join("|") !== have.join("|")) {
              select.innerHTML = `<option value="">all</option>` + Object.keys(ops).map(code =>
                `<option value="${esc(code)}">${esc(code)} ${esc(ops[code].name)}</option>`).join("");
              select.value = wanted.includes(window.netmonOperator) ? window.netmonOperator : "";
            }
            svg(document.getElementById("trend-province"), "/api/v1/coverage/history.svg");
          });
          document.addEventListener("netmon:commune", e => {
            const p = e.detail, body = document.getElementById("detail-body");
            const c = p.coverage || {};
            let html = "";
            if (c.operator) {
              html += `<div>Operator ${esc(c.operator)} ${esc(c.operator_name)}: 3G ${pct(c["3g_area_ratio"])}, 4G ${pct(c["4g_area_ratio"])}, ` +
                `5G ${pct(c["5g_area_ratio"])}, not covering ${esc(c.not_covering_cells)} cells, partial not-spots ${esc(c.partial_not_spots)}</div>`;
            } else if (c.operators && Object.keys(c.operators).length) {
              html += `<table><tr><th>operator</th><th>3G</th><th>4G</th><th>5G</th><th>not covering</th><th>partial</th></tr>` +
                Object.keys(c.operators).map(code => { const o = c.operators[code]; return `<tr><td>${esc(code)} ${esc(o.name)}</td>` +
                  `<td>${pct(o["3g_area_ratio"])}</td><td>${pct(o["4g_area_ratio"])}</td><td>${pct(o["5g_area_ratio"])}</td>` +
                  `<td>${esc(o.not_covering_cells)}</td><td>${esc(o.partial_not_spots)}</td></tr>`; }).join("") + `</table>`;
            }
            const box = document.createElement("div");
            box.className = "trend";
            box.innerHTML = html;
            const img = document.createElement("img");
            img.alt = "coverage trend " + p.code;
            box.appendChild(img);
            body.appendChild(box);
            svg(img, "/api/v1/coverage/history.svg?commune=" + encodeURIComponent(p.code));
          });
        })();

        """#
}
