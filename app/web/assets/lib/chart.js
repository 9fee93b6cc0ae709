// Charts drawn as SVG with svg() from dom.js, so nothing comes from other
// hosts and every label is text. Each chart is a <figure> whose SVG has
// role="img" and a summary as its name, and whose figures are also in a table
// under "Show as a table" for screen readers and for reading exact numbers.
// The SVG is drawn at the width of its figure, so text keeps its size on
// phones, and drawn again when that width changes.

import {h, svg} from './dom.js';
import {count} from './format.js';

let nextId = 0;

/** Returns a round number at or above max for the top of an axis, and the step between its ticks. */
function axisScale(max) {
  if (max <= 4) return {top: Math.max(max, 1), step: 1};
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].map((f) => (f * magnitude) / 2).find((s) => max / s <= 5) || magnitude;
  return {top: Math.ceil(max / step) * step, step};
}

/**
 * Creates the frame of a chart: figure, caption, SVG slot, legend and table.
 * draw(width) returns the SVG for a width in pixels.
 */
function figure({title, summary, legend, table, draw, className}) {
  const id = `chart${++nextId}`;
  const slot = h('div', {class: 'chart-slot'});
  const fig = h('figure', {class: `chart-figure ${className || ''}`.trim(), 'aria-labelledby': `${id}-title`},
    h('figcaption', {},
      h('h3', {id: `${id}-title`, class: 'chart-title'}, title),
      h('p', {class: 'chart-summary', id: `${id}-summary`}, summary)),
    slot,
    legend ? h('ul', {class: 'chart-legend', 'aria-hidden': 'true'}, legend.map(([name, tone]) =>
      h('li', {}, h('span', {class: `swatch ${tone}`}), name))) : null,
    h('details', {class: 'chart-table'}, h('summary', {}, 'Show as a table'), table));

  let drawnWidth = 0;
  function redraw() {
    const width = Math.round(Math.min(Math.max(slot.clientWidth || 600, 280), 900));
    if (Math.abs(width - drawnWidth) < 8) return;
    drawnWidth = width;
    const chart = draw(width);
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-labelledby', `${id}-title ${id}-summary`);
    slot.replaceChildren(chart);
  }
  // The width is known once the figure is on the page.
  if (typeof ResizeObserver === 'function') new ResizeObserver(redraw).observe(slot);
  requestAnimationFrame(redraw);
  return fig;
}

/**
 * Creates a chart of vertical bars in groups: categories are the labels under
 * the groups (weeks), series [{name, tone, values}] one bar per group each.
 * summary is the sentence screen readers hear; tableCaption names the table.
 */
export function groupedBarChart({title, summary, categories, series, tableCaption}) {
  const table = h('table', {class: 'chart-data'},
    h('caption', {}, tableCaption || title),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, ''), series.map((s) => h('th', {scope: 'col'}, s.name)))),
    h('tbody', {}, categories.map((c, i) => h('tr', {},
      h('th', {scope: 'row'}, c), series.map((s) => h('td', {}, count(s.values[i])))))));

  function draw(width) {
    const height = 220;
    const pad = {top: 12, right: 8, bottom: 28, left: 36};
    const plotWidth = width - pad.left - pad.right;
    const plotHeight = height - pad.top - pad.bottom;
    const max = Math.max(0, ...series.flatMap((s) => s.values));
    const {top, step} = axisScale(max);
    const y = (v) => pad.top + plotHeight - (v / top) * plotHeight;

    const groupWidth = plotWidth / categories.length;
    const barWidth = Math.max(3, Math.min(24, (groupWidth * 0.7) / series.length));
    // Narrow charts label every second group, so labels do not overlap.
    const labelEvery = groupWidth < 44 ? 2 : 1;
    const parts = [];

    for (let v = 0; v <= top; v += step) {
      parts.push(svg('line', {x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid'}),
        svg('text', {x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, count(v)));
    }
    categories.forEach((c, i) => {
      const x0 = pad.left + i * groupWidth + (groupWidth - barWidth * series.length) / 2;
      series.forEach((s, k) => {
        const v = s.values[i];
        const barHeight = Math.max(v > 0 ? 1 : 0, y(0) - y(v));
        parts.push(svg('rect', {x: x0 + k * barWidth, y: y(0) - barHeight, width: barWidth - 1, height: barHeight,
          class: `bar ${s.tone}`}, svg('title', {}, `${c}: ${count(v)} ${s.name.toLowerCase()}`)));
      });
      if (i % labelEvery === 0) {
        parts.push(svg('text', {x: pad.left + (i + 0.5) * groupWidth, y: height - 8, 'text-anchor': 'middle'}, c));
      }
    });
    parts.push(svg('line', {x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0), class: 'axis'}));
    return svg('svg', {class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`}, parts);
  }

  return figure({title, summary, table, draw, legend: series.map((s) => [s.name, s.tone])});
}

/**
 * Creates a funnel: one centred bar per stage [{name, value, note}], as wide
 * as its value compared with the largest, with the name and value beside it.
 */
export function funnelChart({title, summary, stages, valueLabel, tableCaption}) {
  const table = h('table', {class: 'chart-data'},
    h('caption', {}, tableCaption || title),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Stage'), h('th', {scope: 'col'}, valueLabel),
      stages.some((s) => s.note) ? h('th', {scope: 'col'}, 'Value') : null)),
    h('tbody', {}, stages.map((s) => h('tr', {}, h('th', {scope: 'row'}, s.name), h('td', {}, count(s.value)),
      stages.some((t) => t.note) ? h('td', {}, s.note || '') : null))));

  function draw(width) {
    const rowHeight = 34;
    const labelWidth = Math.min(150, Math.round(width * 0.35));
    const plotWidth = width - labelWidth - 12;
    const height = stages.length * rowHeight + 8;
    const max = Math.max(1, ...stages.map((s) => s.value));
    const parts = [];
    stages.forEach((s, i) => {
      const barWidth = Math.max(s.value > 0 ? 4 : 1, (s.value / max) * plotWidth);
      const top = 4 + i * rowHeight;
      const x = labelWidth + (plotWidth - barWidth) / 2;
      parts.push(
        svg('text', {x: 0, y: top + rowHeight / 2 + 4, class: 'funnel-label'}, s.name),
        svg('rect', {x, y: top + 3, width: barWidth, height: rowHeight - 8, rx: 3, class: `bar tone-${i % 6}`},
          svg('title', {}, `${s.name}: ${count(s.value)}`)),
        svg('text', {x: labelWidth + plotWidth / 2, y: top + rowHeight / 2 + 4, 'text-anchor': 'middle',
          class: 'funnel-value'}, count(s.value)));
    });
    return svg('svg', {class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`}, parts);
  }

  return figure({title, summary, table, draw, className: 'funnel'});
}
