// The report's network map: draws every <div data-network-map> from the JSON next to it.
//
// Positions, sizes and colours are computed in Python (igraph layout, seeded): the browser
// only draws. sigma.js renders with WebGL; where WebGL is unavailable (locked-down machines,
// some virtual desktops) a plain 2D canvas draws the same picture, so the map never breaks.
// Bundled with graphology and sigma by esbuild (scripts/build-js.sh); the report inlines it.
import Graph from "graphology";
import Sigma from "sigma";

const FADED = "#e5e7eb";

function hasWebGL() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch (e) {
    return false;
  }
}

// data = {nodes: [[id, label, x, y, size, color, community], ...], edges: [[i, j, w], ...]}
function buildGraph(data) {
  const graph = new Graph({ type: "undirected", multi: false });
  data.nodes.forEach((n) => {
    graph.addNode(n[0], { label: n[1], x: n[2], y: n[3], size: n[4], color: n[5], community: n[6] });
  });
  data.edges.forEach((e) => {
    const a = data.nodes[e[0]][0];
    const b = data.nodes[e[1]][0];
    if (!graph.hasEdge(a, b)) graph.addEdge(a, b, { size: e[2], color: "#c7ced6" });
  });
  return graph;
}

function drawSigma(container, graph, tooltip) {
  let hovered = null;
  let neighbours = new Set();
  const renderer = new Sigma(graph, container, {
    labelRenderedSizeThreshold: 9,
    labelDensity: 0.6,
    labelFont: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    labelColor: { color: "#1d2733" },
    defaultEdgeColor: "#c7ced6",
    zIndex: true,
    nodeReducer(node, attrs) {
      if (!hovered || node === hovered || neighbours.has(node)) {
        return node === hovered ? { ...attrs, highlighted: true, zIndex: 2 } : attrs;
      }
      return { ...attrs, color: FADED, label: "", zIndex: 0 };
    },
    edgeReducer(edge, attrs) {
      if (!hovered) return attrs;
      return graph.hasExtremity(edge, hovered)
        ? { ...attrs, color: "#5b6775", zIndex: 1 }
        : { ...attrs, hidden: true };
    },
  });
  renderer.on("enterNode", ({ node }) => {
    hovered = node;
    neighbours = new Set(graph.neighbors(node));
    tooltip(node, neighbours.size);
    renderer.refresh();
  });
  renderer.on("leaveNode", () => {
    hovered = null;
    neighbours = new Set();
    tooltip(null, 0);
    renderer.refresh();
  });
  return renderer;
}

// The same picture on a 2D canvas: edges first, then nodes largest last so hubs stay on top.
function drawCanvas(container, graph) {
  const canvas = document.createElement("canvas");
  const width = container.clientWidth;
  const height = container.clientHeight;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  canvas.style.width = width + "px";
  canvas.style.height = height + "px";
  container.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  const xs = [];
  const ys = [];
  graph.forEachNode((n, a) => {
    xs.push(a.x);
    ys.push(a.y);
  });
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const span = Math.max(Math.max(...xs) - minX, Math.max(...ys) - minY) || 1;
  const pad = 20;
  const scale = Math.min(width, height) - 2 * pad;
  const offX = (width - scale) / 2;
  const offY = (height - scale) / 2;
  const px = (a) => [offX + ((a.x - minX) / span) * scale, offY + (1 - (a.y - minY) / span) * scale];
  ctx.strokeStyle = "rgba(120, 130, 145, 0.25)";
  graph.forEachEdge((e, attrs, s, t, sa, ta) => {
    const [x1, y1] = px(sa);
    const [x2, y2] = px(ta);
    ctx.lineWidth = Math.max(0.5, attrs.size * 0.5);
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
  });
  const nodes = [];
  graph.forEachNode((n, a) => nodes.push(a));
  nodes.sort((a, b) => a.size - b.size);
  nodes.forEach((a) => {
    const [x, y] = px(a);
    ctx.fillStyle = a.color;
    ctx.beginPath();
    ctx.arc(x, y, a.size * 0.8, 0, 2 * Math.PI);
    ctx.fill();
  });
  return null;
}

function render(container) {
  const source = document.querySelector(
    'script[data-network-data="' + container.getAttribute("data-network-map") + '"]'
  );
  const graph = buildGraph(JSON.parse(source.textContent));
  const tip = container.parentNode.querySelector(".network-tip");
  const tooltip = (node, degree) => {
    if (!tip) return;
    if (node === null) {
      tip.hidden = true;
      return;
    }
    const a = graph.getNodeAttributes(node);
    tip.textContent = tip.getAttribute("data-template")
      .replace("{name}", a.label)
      .replace("{community}", String(a.community + 1))
      .replace("{contacts}", String(degree));
    tip.hidden = false;
  };
  const webgl = hasWebGL();
  const renderer = webgl ? drawSigma(container, graph, tooltip) : drawCanvas(container, graph);
  // What was drawn, for readers of the page's DOM (the browser tests among them).
  container.setAttribute("data-renderer", webgl ? "sigma-webgl" : "canvas-2d");
  container.setAttribute("data-nodes-drawn", String(graph.order));
  container.setAttribute("data-edges-drawn", String(graph.size));
  if (renderer) {
    container.liensRenderer = renderer;
    // sigma draws at the size it was created with: follow the page to and from paper
    window.addEventListener("beforeprint", () => renderer.resize() && renderer.refresh());
    window.addEventListener("afterprint", () => renderer.resize() && renderer.refresh());
  }
}

function renderAll() {
  document.querySelectorAll("[data-network-map]").forEach((container) => {
    try {
      render(container);
    } catch (err) {
      container.setAttribute("data-renderer", "failed");
      const note = container.parentNode.querySelector(".network-failed");
      if (note) note.hidden = false;
      throw err;
    }
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", renderAll);
} else {
  renderAll();
}
