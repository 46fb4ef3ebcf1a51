// The auditor's pages: the spending report on any date (figures, breakdowns and the chart),
// the CSV exports, the ledger and the audit log with the verification of its hash chain.
// Everything is read-only: an auditor changes nothing.
import { api, allPages } from './api.js';
import { h, show, pageTitle, section, table, badge, date, money, words, announce, field, form, banner, download, busy } from './ui.js';

// ---- shared ---------------------------------------------------------------------------------

let programmesCache = null;
async function programmes() {
  if (!programmesCache) programmesCache = await allPages('/v1/programmes');
  return programmesCache;
}

function programmeOf(list, query) {
  const wanted = query.get('programme');
  return list.find((p) => String(p.id) === wanted) || list[0] || null;
}

function programmeField(list, current, { all = false } = {}) {
  const options = list.map((p) => [p.id, p.code]);
  if (all) options.unshift(['', 'All programmes']);
  return field('Programme', 'programme', { options, value: current ?? '' });
}

/** `?a=1&b=` → only the members with a value. */
function queryString(values) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined && String(v).trim() !== '') q.set(k, String(v).trim());
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Moves to `hash`; when it is already there, renders again by announcing that nothing changed. */
function goTo(hash) {
  if (location.hash === hash) {
    announce('The page already shows this.');
    return;
  }
  location.hash = hash;
}

function percent(share) {
  return share === null || share === undefined ? '—' : `${(Number(share) * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })} %`;
}

function problemText(error) {
  const p = error?.problem;
  if (!p) return String(error?.message || error);
  const details = (p.errors || []).map((e) => `${e.field ? `${words(e.field)}: ` : ''}${e.message}`).join('; ');
  return [p.title, p.detail, details].filter(Boolean).join(' — ');
}

/** Fetches a CSV with the bearer token and saves it. */
async function saveCSV(path, filename) {
  banner(null);
  try {
    const blob = await api('GET', path, { as: 'blob', headers: { Accept: 'text/csv' } });
    download(blob, filename);
    announce(`Downloaded ${filename}.`);
  } catch (error) {
    banner(`${filename} could not be downloaded: ${problemText(error)}`);
    announce(`${filename} could not be downloaded.`);
  }
}

function csvButton(text, path, filename) {
  const button = h('button', { type: 'button' }, text);
  button.addEventListener('click', busy(button, () => saveCSV(typeof path === 'function' ? path() : path, typeof filename === 'function' ? filename() : filename)));
  return button;
}

// ---- the spending report --------------------------------------------------------------------

async function spendingPage(_params, query) {
  const list = await programmes();
  const programme = programmeOf(list, query);
  if (!programme) return h('div', {}, pageTitle('Spending report'), h('p', { class: 'empty' }, 'There is no programme yet.'));
  const asOf = /^\d{4}-\d{2}-\d{2}$/.test(query.get('as_of') || '') ? query.get('as_of') : '';
  const q = queryString({ programme_id: programme.id, as_of: asOf });

  const filters = form({ 'aria-label': 'Report options', class: 'au-filters' }, [
    programmeField(list, programme.id),
    field('Report as of', 'as_of', { type: 'date', value: asOf, hint: 'The end of that day (UTC). Leave empty for now.' }),
  ], async (v) => {
    goTo(`#/${queryString({ programme: v.programme, as_of: v.as_of })}`);
  }, { submitLabel: 'Show the report' });

  let report;
  try {
    report = await api('GET', `/v1/reports/spending${q}`);
  } catch (error) {
    return h('div', {}, pageTitle('Spending report'), filters,
      h('p', { class: 'form-message', role: 'alert' }, `The report cannot be shown: ${problemText(error)}`));
  }
  const when = asOf ? date(asOf) : 'now';
  const chart = h('figure', { class: 'chart au-chart' }, h('p', { class: 'loading-chart hint' }, 'Loading the chart…'));
  loadChart(chart, q, report, when);

  const breakdown = (title, keyHeader, items, keyText = (i) => i.label || i.key) => section(title,
    table(title, [keyHeader, 'Exchanges', 'Committed', 'Paid'],
      items.map((i) => [keyText(i), String(i.count), money(i.committed_cents), money(i.paid_cents)]),
      { empty: 'No funded exchange yet.' }));

  return h('div', { class: 'au-spending' },
    pageTitle('Spending report'),
    h('p', {}, `${programme.code}: the money ${asOf ? `at the end of ${when} (UTC)` : 'as it stands now'}, summed over the ledger.`),
    filters,
    section('Figures',
      h('p', { class: 'hint' }, `As of ${date(report.as_of)}.`),
      h('div', { class: 'au-figures' },
        fig('Cap', money(report.cap_cents)),
        fig('Committed', money(report.committed_cents)),
        fig('Paid', money(report.paid_cents)),
        fig('Outstanding', money(report.outstanding_cents)),
        fig('Available', money(report.available_cents)),
        fig('Exchanges approved', `${report.approved_exchanges} of ${report.target_exchanges}`),
        fig('Exchanges completed', String(report.completed_exchanges)),
        fig('Exchanges paid', String(report.paid_exchanges)),
        fig('SME share of exchanges', percent(report.sme_share)),
        fig('SME share of the money', percent(report.sme_share_of_money))),
      h('div', { class: 'au-meter' },
        h('label', { for: 'au-committed-meter' }, 'Committed of the cap'), ' ',
        h('meter', { id: 'au-committed-meter', min: 0, max: report.cap_cents || 1, value: report.committed_cents, high: Math.round((report.cap_cents || 1) * 0.9) },
          money(report.committed_cents)),
        ' ', h('span', {}, percent(report.cap_cents ? report.committed_cents / report.cap_cents : 0))),
      h('div', { class: 'actions' }, csvButton('Download this report as CSV', `/v1/reports/spending${q}`, `spending-${programme.code}${asOf ? `-${asOf}` : ''}.csv`))),
    section('Chart', chart),
    h('div', { class: 'grid' },
      breakdown('By host country', 'Country', report.by_host_country),
      breakdown('By visitor country', 'Country', report.by_visitor_country),
      breakdown('By organisation kind', 'Kind', report.by_organisation_kind, (i) => words(i.key)),
      breakdown('By call', 'Call', report.by_call),
      breakdown('By month', 'Month', report.by_month)),
    report.appeals ? section('Appeals',
      h('div', { class: 'au-figures' },
        Object.entries(report.appeals).map(([k, v]) => fig(words(k), String(v))))) : null);
}

/** One figure: its own small <dl> (axe, as the checks run it, refuses <div> groups inside a <dl>). */
function fig(term, value) {
  return h('dl', { class: 'au-fig' }, h('dt', {}, term), h('dd', {}, value));
}

async function loadChart(figure, q, report, when) {
  try {
    const blob = await api('GET', `/v1/reports/spending.svg${q}`, { as: 'blob' });
    const url = URL.createObjectURL(blob);
    const img = h('img', {
      src: url, width: 960, height: 540,
      alt: `Chart of committed and paid money over time against the cap of ${money(report.cap_cents)}, ${when}: committed ${money(report.committed_cents)}, paid ${money(report.paid_cents)}.`,
    });
    img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
    show(figure, img, h('figcaption', { class: 'hint' }, `Committed and paid money over time against the cap, ${when}.`));
  } catch (error) {
    show(figure, h('p', { class: 'empty' }, `The chart cannot be shown: ${problemText(error)}`));
  }
}

// ---- the exports ----------------------------------------------------------------------------

async function exportsPage(_params, query) {
  const list = await programmes();
  const current = programmeOf(list, query);
  if (!current) return h('div', {}, pageTitle('Exports'), h('p', { class: 'empty' }, 'There is no programme yet.'));
  const options = h('form', { class: 'au-filters', 'aria-label': 'Export options', novalidate: true },
    programmeField(list, current.id),
    field('Report as of', 'as_of', { type: 'date', hint: 'For the spending, beneficiaries and overdue payments reports: the end of that day (UTC). Empty: now.' }),
    field('Year of payment', 'year', { type: 'number', hint: 'For the financial transparency export. Empty: every year.', attrs: { min: 2000, max: 2100, step: 1, inputmode: 'numeric' } }));
  options.addEventListener('submit', (e) => e.preventDefault());
  const value = (name) => options.elements[name].value.trim();
  const code = () => (list.find((p) => String(p.id) === value('programme')) || current).code;
  const pid = () => value('programme');
  const withAsOf = (base) => () => `${base}${queryString({ programme_id: pid(), as_of: value('as_of') })}`;
  const named = (stem, extra) => () => `${stem}-${code()}${extra && extra() ? `-${extra()}` : ''}.csv`;

  const item = (title, text, button) => h('li', { class: 'card au-export' }, h('h2', {}, title), h('p', {}, text), h('div', { class: 'actions' }, button));
  return h('div', { class: 'au-exports' },
    pageTitle('Exports'),
    h('p', {}, 'Every export is RFC 4180 CSV with amounts in euros, as the service writes it.'),
    options,
    h('ul', { class: 'au-export-list' },
      item('Spending', 'Committed and paid money by host country, visitor country, organisation kind, call and month.',
        csvButton('Download the spending CSV', withAsOf('/v1/reports/spending'), named('spending', () => value('as_of')))),
      item('Beneficiaries', 'One row per supported third party: name, country, kind, amounts and payment dates.',
        csvButton('Download the beneficiaries CSV', withAsOf('/v1/reports/beneficiaries'), named('beneficiaries', () => value('as_of')))),
      item('Overdue payments', 'Accepted reports past their payment due date and not fully paid.',
        csvButton('Download the overdue payments CSV', withAsOf('/v1/reports/overdue-payments'), named('overdue-payments', () => value('as_of')))),
      item('Financial transparency', 'Recipients in the Financial Transparency System format, one row per beneficiary and year of payment.',
        csvButton('Download the financial transparency CSV', () => `/v1/exports/financial-transparency${queryString({ programme_id: pid(), year: value('year') })}`, named('financial-transparency', () => value('year')))),
      item('Exchanges', 'Every submitted exchange for the ClusterXchange IT Tool: visitor, host, partnerships, dates, amount and status.',
        csvButton('Download the exchanges CSV', () => `/v1/exports/exchanges${queryString({ programme_id: pid() })}`, named('exchanges'))),
      item('Ledger', 'Every commitment, release and payment of the programme.',
        csvButton('Download the ledger CSV', () => `/v1/ledger${queryString({ programme_id: pid(), format: 'csv' })}`, named('ledger')))));
}

// ---- lists with "Show more" -----------------------------------------------------------------

/**
 * A table of a paginated list: the first page, then a "Show more" button while the service
 * has a `next_cursor`. `cells(item)` gives a row.
 */
async function pagedTable(caption, headers, path, cells, { empty, onItems } = {}) {
  const first = await api('GET', path);
  if (first.items.length === 0) return h('p', { class: 'empty' }, empty || 'Nothing here.');
  const tbody = h('tbody', {});
  const count = h('p', { class: 'hint', role: 'status' });
  const all = [];
  const add = (items) => {
    all.push(...items);
    for (const item of items) tbody.append(h('tr', {}, cells(item).map((c) => h('td', {}, c))));
    onItems?.(all);
  };
  const more = h('button', { type: 'button' }, 'Show more');
  let cursor = first.next_cursor;
  const sep = path.includes('?') ? '&' : '?';
  const refresh = () => {
    more.hidden = !cursor;
    count.textContent = `${all.length} ${all.length === 1 ? 'entry' : 'entries'} shown${cursor ? '; more are available' : ''}.`;
  };
  more.addEventListener('click', busy(more, async () => {
    try {
      const page = await api('GET', `${path}${sep}cursor=${encodeURIComponent(cursor)}`);
      cursor = page.next_cursor;
      add(page.items);
      refresh();
      announce(`${page.items.length} more shown, ${all.length} in all.`);
    } catch (error) {
      banner(`More entries could not be loaded: ${problemText(error)}`);
    }
  }));
  add(first.items);
  refresh();
  return h('div', {},
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
      h('table', {}, h('caption', {}, caption),
        h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
        tbody)),
    count,
    h('div', { class: 'actions' }, more));
}

// ---- the ledger -----------------------------------------------------------------------------

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

async function ledgerPage(_params, query) {
  const list = await programmes();
  const pick = (name, re) => (re.test(query.get(name) || '') ? query.get(name) : '');
  const filter = {
    programme_id: pick('programme', /^\d+$/),
    application_id: pick('application_id', /^\d+$/),
    from: pick('from', DATE_RE),
    to: pick('to', DATE_RE),
  };
  const filters = form({ 'aria-label': 'Ledger filters', class: 'au-filters' }, [
    programmeField(list, filter.programme_id, { all: true }),
    field('Application', 'application_id', { type: 'number', value: filter.application_id, hint: 'Its number; empty for every application.', attrs: { min: 1, step: 1, inputmode: 'numeric' } }),
    field('From', 'from', { type: 'date', value: filter.from, hint: 'Entries on or after this day (UTC).' }),
    field('To', 'to', { type: 'date', value: filter.to, hint: 'Entries up to and including this day (UTC).' }),
  ], async (v) => {
    goTo(`#/ledger${queryString({ programme: v.programme, application_id: v.application_id, from: v.from, to: v.to })}`);
  }, { submitLabel: 'Show the entries' });

  const totals = h('div', { class: 'au-figures' });
  const showTotals = (items) => {
    const sum = (kind) => items.filter((e) => e.kind === kind).reduce((s, e) => s + Number(e.amount_cents), 0);
    show(totals, fig('Commitments shown', money(sum('commitment'))), fig('Releases shown', money(sum('release'))), fig('Payments shown', money(sum('payment'))));
  };
  const q = queryString(filter);
  let entries;
  try {
    entries = await pagedTable('Ledger entries, oldest first', ['Entry', 'When', 'Kind', 'Application', 'Organisation', 'Amount', 'Reason', 'By'],
      `/v1/ledger${q}`,
      (e) => [String(e.id), date(e.created_at), badge(e.kind), String(e.application_id), String(e.organisation_id), money(e.amount_cents), e.reason || '—', e.actor_id ? `user ${e.actor_id}` : '—'],
      { empty: 'No ledger entry matches.', onItems: showTotals });
  } catch (error) {
    entries = h('p', { class: 'form-message', role: 'alert' }, `The ledger cannot be shown: ${problemText(error)}`);
  }
  const stem = `ledger${filter.application_id ? `-application-${filter.application_id}` : ''}`;
  return h('div', { class: 'au-ledger' },
    pageTitle('Ledger'),
    h('p', {}, 'Every movement of money, append-only: commitments at approval, releases when a commitment ends, payments when they are executed.'),
    filters,
    section('Entries', totals, entries,
      h('div', { class: 'actions' }, csvButton('Download these entries as CSV', `/v1/ledger${queryString({ ...filter, format: 'csv' })}`, `${stem}.csv`))));
}

// ---- the audit log --------------------------------------------------------------------------

async function auditLogPage(_params, query) {
  const pick = (name, re) => (re.test(query.get(name) || '') ? query.get(name) : '');
  const filter = {
    entity_type: pick('entity_type', /^[a-z_]{1,64}$/),
    entity_id: pick('entity_id', /^\d+$/),
    actor_id: pick('actor_id', /^\d+$/),
    from: pick('from', DATE_RE),
    to: pick('to', DATE_RE),
  };
  const result = h('div', { class: 'au-verify', role: 'status' }, h('p', {}, 'Not verified yet on this page.'));
  const verify = h('button', { type: 'button', class: 'primary' }, 'Verify the chain');
  verify.addEventListener('click', busy(verify, async () => {
    show(result, h('p', {}, 'Verifying…'));
    try {
      const v = await api('GET', '/v1/audit-log/verify');
      const checked = Number(v.checked).toLocaleString();
      if (v.valid) {
        show(result, h('p', { class: 'au-valid' }, `The audit chain is valid: ${checked} entries checked, every digest matches.`));
        announce(`The audit chain is valid: ${checked} entries checked.`);
      } else {
        show(result, h('p', { class: 'au-broken' }, `The audit chain is broken: entry ${v.first_broken_id} does not match (${checked} entries checked).`),
          h('p', {}, 'That entry and every later one cannot be trusted until the operators explain the break.'));
        announce(`The audit chain is broken at entry ${v.first_broken_id}.`);
      }
    } catch (error) {
      show(result, h('p', { class: 'au-broken' }, `The verification could not run: ${problemText(error)}`));
      announce('The verification could not run.');
    }
  }));

  const filters = form({ 'aria-label': 'Audit log filters', class: 'au-filters' }, [
    field('Entity type', 'entity_type', { value: filter.entity_type, hint: 'For example application, organisation, payment, user.' }),
    field('Entity number', 'entity_id', { type: 'number', value: filter.entity_id, attrs: { min: 1, step: 1, inputmode: 'numeric' } }),
    field('Changed by user', 'actor_id', { type: 'number', value: filter.actor_id, hint: 'The user\'s number.', attrs: { min: 1, step: 1, inputmode: 'numeric' } }),
    field('From', 'from', { type: 'date', value: filter.from, hint: 'From the start of this day (UTC).' }),
    field('To', 'to', { type: 'date', value: filter.to, hint: 'Up to the start of this day (UTC), not included.' }),
  ], async (v) => {
    goTo(`#/audit-log${queryString({ entity_type: v.entity_type.toLowerCase(), entity_id: v.entity_id, actor_id: v.actor_id, from: v.from, to: v.to })}`);
  }, { submitLabel: 'Show the entries' });

  let entries;
  try {
    entries = await pagedTable('Audit entries, oldest first', ['Entry', 'When', 'Who', 'Action', 'Entity', 'Change', 'Request'],
      `/v1/audit-log${queryString(filter)}`, auditCells, { empty: 'No audit entry matches.' });
  } catch (error) {
    entries = h('p', { class: 'form-message', role: 'alert' }, `The audit log cannot be shown: ${problemText(error)}`);
  }
  return h('div', { class: 'au-audit' },
    pageTitle('Audit log'),
    section('Hash chain', h('p', {}, 'Each entry\'s SHA-256 covers the previous entry\'s hash and its own content; the verification walks the whole chain.'),
      h('div', { class: 'actions' }, verify), result),
    filters,
    section('Entries', entries));
}

function auditCells(e) {
  const change = (e.before != null || e.after != null)
    ? h('details', { class: 'au-change' }, h('summary', {}, 'Before and after'),
      e.before != null ? h('p', {}, h('strong', {}, 'Before')) : null,
      e.before != null ? h('pre', {}, JSON.stringify(e.before, null, 2)) : null,
      e.after != null ? h('p', {}, h('strong', {}, 'After')) : null,
      e.after != null ? h('pre', {}, JSON.stringify(e.after, null, 2)) : null,
      h('p', { class: 'hint' }, 'Hash ', h('code', {}, e.hash)))
    : h('span', { class: 'hint' }, 'no details');
  return [
    String(e.id),
    date(e.occurred_at),
    e.actor_id ? `${words(e.actor_role || 'user')} ${e.actor_id}` : 'the service',
    h('code', {}, e.action),
    `${words(e.entity_type)}${e.entity_id ? ` ${e.entity_id}` : ''}`,
    change,
    e.request_id ? h('code', { class: 'au-request' }, e.request_id) : '—',
  ];
}

export default {
  nav: [['#/', 'Spending'], ['#/exports', 'Exports'], ['#/ledger', 'Ledger'], ['#/audit-log', 'Audit log']],
  routes: [
    ['/', spendingPage],
    ['/exports', exportsPage],
    ['/ledger', ledgerPage],
    ['/audit-log', auditLogPage],
  ],
};
