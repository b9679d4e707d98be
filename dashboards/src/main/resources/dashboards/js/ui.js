// Small DOM helpers shared by the views. Text from the API only ever goes in through
// textContent (never innerHTML), so a product id or user id cannot inject markup.

/** h('p', { class: 'x', 'data-testid': 'y' }, 'text', childNode, ...) */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Loading placeholder for a panel body. */
export function loadingBlock(testid, text = 'Loading…') {
  return h('div', { class: 'state state-loading', 'data-testid': testid },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { text }));
}

/**
 * The "no data yet" state, with the command that sends a first event so the merchant (or
 * their developer) knows what to do next.
 */
export function emptyBlock({ title, hint, showTrackExample = true }) {
  const origin = globalThis.location?.origin ?? 'http://localhost:8080';
  const curl = `curl -X POST ${origin}/v1/track \\
  -u YOUR_WRITE_KEY: \\
  -H 'Content-Type: application/json' \\
  -d '{"userId":"user-1","event":"Product Viewed","properties":{"product_id":"p-1"}}'`;
  return h('div', { class: 'state state-empty', 'data-testid': 'empty-state' },
    h('p', { class: 'state-title', text: title }),
    hint ? h('p', { class: 'muted', text: hint }) : null,
    showTrackExample
      ? h('div', { class: 'state-example' },
          h('p', { class: 'small muted', text: 'Send a test event with the store’s write key (not the read key):' }),
          h('pre', { 'data-testid': 'empty-state-curl', tabindex: '0', 'aria-label': 'Example command' }, h('code', { text: curl })))
      : null);
}

/** Short in-panel note when a load failed; the details and actions are in the error banner. */
export function failedBlock(testid, title = 'This view could not be loaded.') {
  return h('div', { class: 'state state-error', 'data-testid': testid },
    h('p', { class: 'state-title', text: title }),
    h('p', { class: 'muted', text: 'See the message at the top of the page for what to do.' }));
}

let tableCounter = 0;

/**
 * A data table with a caption. columns: [{ key, label, numeric, format(row) }].
 * Wrapped in a focusable, labelled scroll region so wide tables stay usable at 375 px.
 */
export function dataTable({ testid, caption, columns, rows, rowTestid }) {
  const captionId = `table-caption-${++tableCounter}`;
  const table = h('table', { class: 'data-table', 'data-testid': testid },
    h('caption', { id: captionId, text: caption }),
    h('thead', {}, h('tr', {}, columns.map((c) => c.header ?? h('th', { scope: 'col', class: c.numeric ? 'num' : null, text: c.label })))),
    h('tbody', {}, rows.map((row) => h('tr', { 'data-testid': rowTestid ? rowTestid(row) : null },
      columns.map((c, i) => {
        const content = c.format ? c.format(row) : row[c.key];
        const attrs = { class: c.numeric ? 'num' : null, 'data-testid': c.cellTestid ? c.cellTestid(row) : null };
        return i === 0 ? h('th', { scope: 'row', ...attrs, text: content }) : h('td', { ...attrs, text: content });
      })))));
  return h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': captionId, tabindex: '0' }, table);
}

/**
 * A "Show as table" toggle for a chart. The table is the text alternative of the chart;
 * the button says whether it is shown (aria-expanded) and which element it controls.
 */
export function tableToggle({ testid, table, initiallyOpen = false }) {
  const id = `${testid}-region`;
  const region = h('div', { id, class: 'table-toggle-region', hidden: !initiallyOpen }, table);
  const button = h('button', {
    type: 'button',
    class: 'button button-quiet button-small',
    'aria-expanded': String(initiallyOpen),
    'aria-controls': id,
    'data-testid': `${testid}-toggle`,
    text: initiallyOpen ? 'Hide table' : 'Show as table',
  });
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Hide table' : 'Show as table';
    region.hidden = !open;
  });
  return { button, region };
}

/**
 * Fills a role="group" of toggle buttons (aria-pressed) and calls onChoose(id) on click.
 * options: [{ id, label, testid }].
 */
export function renderSegmented(container, options, selectedId, onChoose) {
  container.replaceChildren(...options.map((o) => h('button', {
    type: 'button',
    class: 'segment',
    'aria-pressed': String(o.id === selectedId),
    'data-testid': o.testid,
    'data-value': o.id,
    text: o.label,
    onclick: () => onChoose(o.id),
  })));
}

/** Updates which segment is pressed without rebuilding (keeps keyboard focus in place). */
export function setPressed(container, selectedId) {
  for (const button of container.querySelectorAll('button[data-value]')) {
    button.setAttribute('aria-pressed', String(button.dataset.value === selectedId));
  }
}
