// Where max-pool sends each gradient: POST /explain of the conv output's gradient, one cell at a
// time, lists the pool windows whose first maximum that cell is (no term: it gets nothing).
import { post } from "./api.js";
import { cellAt } from "./grids.js";

const mostCells = 64; // past this many conv outputs, routing is left to the explain panel

/** Marks each conv output cell that max-pool routes a gradient to, in both passes. */
export async function showRouting(problem, symbols) {
  const cells = [...document.querySelectorAll('[data-tensor="0"]')];
  if (cells.length > mostCells) return;
  const queue = cells.map((cell) => cell.dataset.index.split(",").map(Number));
  const worker = async () => {
    for (let index = queue.shift(); index; index = queue.shift()) await markCell(problem, index, symbols);
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function markCell(problem, index, symbols) {
  const answer = await post("explain", { ...problem, of: "0", index });
  if (!answer.terms.length) return;
  const windows = answer.terms.map((term) => `(${term.upstream.index.slice(2).join(",")})`).join(" and ");
  for (const name of ["0", "d:0"]) {
    const cell = cellAt(name, index);
    if (!cell) continue;
    cell.classList.add("routed");
    cell.dataset.routedFrom = answer.terms.map((term) => term.upstream.index.join(",")).join(";");
    cell.setAttribute("aria-label", `${cell.getAttribute("aria-label")}; maximum of pool window ${windows}, receives dL/d${symbols["1"] ?? "p"} there`);
  }
}
