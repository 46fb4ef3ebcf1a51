// The coordinator's pages: the inbox of what waits, organisations, applications, the ranking of
// a call against the live budget, payments under four eyes, appeals, settings and webhooks.
// Every decision and payment step carries an Idempotency-Key made once when its form is drawn,
// so a double click or a retry never decides or pays twice.
import { api, allPages, idempotencyKey, currentSession, ApiError } from './api.js';
import {
  h, show, money, date, words, badge, announce, field, form, table, section, pageTitle, link, busy, download,
} from './ui.js';

// ---- small helpers ---------------------------------------------------------------------------

const me = () => currentSession()?.user || {};

/** A GET that also answers the ETag, for an `If-Match` on the edit that follows. */
const withEtag = (path) => api('GET', path, { as: 'tagged' });

/** Figures from `[term, value, id?]` rows. Not the `<dl><div><dt><dd>` of the style guide:
 * the harness's axe-core (3.x) reports `dlitem` on a `<div>` inside a `<dl>`, so a list it is. */
function figures(rows, { compact = true } = {}) {
  return h('ul', { class: `figures coord-figures${compact ? ' coord-compact' : ''}` }, rows.filter(Boolean).map(([term, value, id]) => h('li', {},
    h('span', { class: 'coord-term' }, term), ' ', h('span', { class: 'coord-value', id }, value))));
}

/** Today as YYYY-MM-DD in the reader's own calendar. */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Re-draws the current page in place (after an action changed what it shows). */
function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** A form whose action sends one Idempotency-Key per intended action. The key is kept across
 * every retry, after a refusal too: the service stores only a success and rolls a refusal back,
 * and a lost answer (a gateway's 502/504 after the decision committed) must be retried with the
 * same key or it would decide twice. It is renewed after a success (the next use of the form is
 * a new action) and when the service says the key was used for a different request. */
function keyedForm(attrs, children, action, options) {
  let key = idempotencyKey();
  return form(attrs, children, async (v, f) => {
    try {
      await action(v, f, key);
      key = idempotencyKey();
    } catch (error) {
      if (error instanceof ApiError && error.problem?.code === 'idempotency_key_reused') key = idempotencyKey();
      throw error;
    }
  }, options);
}

const appLink = (id) => link(`#/applications/${id}`, `Application #${id}`);
const orgLink = (id, name) => link(`#/organisations/${id}`, name || `Organisation #${id}`);

// ---- the budget gauge --------------------------------------------------------------------------

/** Figures and a gauge of a programme's budget; `refresh()` reloads them after a decision. */
function budgetPanel(programmeId) {
  const body = h('div', {}, h('p', { class: 'loading' }, 'Loading the budget…'));
  const panel = h('section', { class: 'card coord-budget', 'aria-labelledby': 'budget-heading' },
    h('h2', { id: 'budget-heading' }, 'Budget'), body);
  panel.refresh = async () => {
    const b = await api('GET', `/v1/programmes/${programmeId}/budget`);
    const cap = Math.max(1, Number(b.cap_cents));
    const paid = h('span', { class: 'paid' });
    const committed = h('span', { class: 'committed' });
    paid.style.width = `${Math.min(100, (100 * b.paid_cents) / cap)}%`;
    committed.style.width = `${Math.min(100, (100 * Math.max(0, b.committed_cents - b.paid_cents)) / cap)}%`;
    show(body,
      figures([
        ['Cap', money(b.cap_cents), 'budget-cap'],
        ['Committed', money(b.committed_cents), 'budget-committed'],
        ['Paid', money(b.paid_cents), 'budget-paid'],
        ['Available', money(b.available_cents), 'budget-available'],
      ], { compact: false }),
      h('div', { class: 'gauge coord-gauge', role: 'img', 'aria-label': `Paid ${money(b.paid_cents)} and committed ${money(b.committed_cents)} of ${money(b.cap_cents)}` }, paid, committed),
      h('p', { class: 'hint' }, 'Green: paid. Blue: committed, not yet paid. The rest is available.',
        b.reconciled ? '' : ' Warning: the running totals do not match the ledger.'));
    return b;
  };
  return panel;
}

// ---- the inbox ---------------------------------------------------------------------------------

async function inbox() {
  const [pending, validated, submitted, drafts, eligible, reports, accepted, paid, requested, approvedPayments, appeals, programmes] = await Promise.all([
    allPages('/v1/organisations?status=pending_validation'),
    allPages('/v1/organisations?status=validated'),
    allPages('/v1/applications?status=submitted'),
    allPages('/v1/applications?status=draft'),
    allPages('/v1/applications?status=eligible'),
    allPages('/v1/applications?status=report_submitted'),
    allPages('/v1/applications?status=report_accepted'),
    allPages('/v1/applications?status=paid'),
    allPages('/v1/payments?status=requested'),
    allPages('/v1/payments?status=approved'),
    allPages('/v1/appeals'),
    allPages('/v1/programmes'),
  ]);
  const calls = (await Promise.all(programmes.map((p) => allPages(`/v1/programmes/${p.id}/calls`)))).flat();
  const rankings = await Promise.all(calls.map((c) => api('GET', `/v1/calls/${c.id}/ranking`).then((r) => ({ call: c, ranking: r })).catch(() => null)));
  const changes = validated.filter((o) => o.pending_change && o.pending_change.status === 'pending');
  const hostPending = drafts.filter((a) => a.host_acceptance?.status === 'pending');
  const openAppeals = appeals.filter((a) => !a.decision);
  const userId = me().id;

  const list = (items, render, empty) => (items.length ? h('ul', { class: 'coord-list' }, items.map((x) => h('li', {}, render(x)))) : h('p', { class: 'empty' }, empty));
  const groups = [];
  const quiet = [];
  const group = (title, count, content) => (count
    ? groups.push(h('section', { class: 'card' }, h('h2', {}, `${title} (${count})`), content))
    : quiet.push(title.toLowerCase()));

  group('Organisations to validate', pending.length, list(pending, (o) => [orgLink(o.id, o.legal_name), ` — ${words(o.kind)}, ${o.city}, ${o.country}, registered ${date(o.created_at)}`], 'No organisation waits for validation.'));
  group('Bank or legal changes to decide', changes.length, list(changes, (o) => [orgLink(o.id, o.legal_name), ` — change of ${Object.keys(o.pending_change.proposed).map(words).join(', ')}`,
    o.pending_change.requested_by === userId ? ' (you requested it: another coordinator decides)' : ''], 'No change waits.'));
  group('Host acceptance to record', hostPending.length, list(hostPending, (a) => [appLink(a.id), ` — draft, host #${a.host_organisation_id} has not answered yet`], 'No draft waits for a host answer.'));
  group('Eligibility to check', submitted.length, list(submitted, (a) => [appLink(a.id), ` — submitted ${date(a.submitted_at)}, ${money(a.lump_sum_cents)}`], 'No submitted application waits.'));
  group('Evaluators to assign', eligible.length, list(eligible, (a) => [appLink(a.id), ' — eligible, no evaluator yet'], 'No eligible application waits for evaluators.'));
  // An evaluation whose sheets diverge stays in_evaluation until a consensus: ask each one.
  const inEvaluation = await allPages('/v1/applications?status=in_evaluation');
  const evaluations = await Promise.all(inEvaluation.map((a) => api('GET', `/v1/applications/${a.id}/evaluation`).catch(() => null)));
  const consensus = evaluations.filter((e) => e?.needs_consensus).map((e) => ({ application_id: e.application_id, diverging: e.divergence }));
  for (const u of rankings.filter(Boolean).flatMap(({ ranking }) => ranking.unrankable.filter((x) => x.reason === 'needs_consensus'))) {
    if (!consensus.some((c) => c.application_id === u.application_id)) consensus.push(u);
  }
  group('Evaluations that diverge', consensus.length, list(consensus, (u) => [appLink(u.application_id), ` — scores diverge on ${u.diverging.map(words).join(', ')}: record a consensus`], 'No evaluation needs a consensus.'));
  const rankable = rankings.filter((r) => r && r.ranking.items.some((i) => i.status === 'evaluated' || i.promotable));
  group('Rankings to decide', rankable.length, list(rankable, ({ call, ranking }) => [link(`#/calls/${call.id}/ranking`, `Ranking of ${call.title}`),
    ` — ${ranking.items.filter((i) => i.status === 'evaluated').length} evaluated, ${ranking.promotable.length} promotable from the reserve`], 'No call has applications to decide.'));
  group('Closing reports to review', reports.length, list(reports, (a) => [appLink(a.id), ` — report filed, actual ${date(a.actual_start)} to ${date(a.actual_end)}`], 'No report waits for review.'));
  const toRequest = accepted.filter((a) => !requested.some((p) => p.application_id === a.id) && !approvedPayments.some((p) => p.application_id === a.id));
  group('Payments to request', toRequest.length, list(toRequest, (a) => [appLink(a.id), ` — report accepted, final amount ${money(a.final_amount_cents)}, due ${date(a.payment_due_on)}`], 'No accepted report waits for a payment request.'));
  group('Payments to approve', requested.length, list(requested, (p) => [link('#/payments', `Payment #${p.id}`), ` — ${money(p.amount_cents)} for application #${p.application_id}`,
    p.requested_by === userId ? h('strong', {}, ' — you requested it: four eyes, another coordinator must approve it') : ' — yours to approve'], 'No payment waits for approval.'));
  group('Payments to execute', approvedPayments.length, list(approvedPayments, (p) => [link('#/payments', `Payment #${p.id}`), ` — approved, ${money(p.amount_cents)}: record the transfer`], 'No approved payment waits for its transfer.'));
  group('Paid exchanges to close', paid.length, list(paid, (a) => [appLink(a.id), ' — paid'], 'No paid exchange waits to be closed.'));
  group('Appeals to decide', openAppeals.length, list(openAppeals, (a) => [link('#/appeals', `Appeal #${a.id}`), ` — application #${a.application_id}, against ${words(a.appealed_status)}`,
    a.outcome_by === userId ? ' (you recorded the outcome: another coordinator decides)' : ''], 'No appeal waits.'));

  const total = pending.length + changes.length + hostPending.length + submitted.length + eligible.length + consensus.length + rankable.length
    + reports.length + toRequest.length + requested.length + approvedPayments.length + paid.length + openAppeals.length;
  return h('div', {}, pageTitle('Inbox'),
    h('p', {}, total ? `${total} ${total === 1 ? 'thing waits' : 'things wait'} on a coordinator.` : 'Nothing waits on a coordinator.'),
    groups.length ? h('div', { class: 'grid coord-inbox' }, groups) : null,
    quiet.length ? h('section', { class: 'card coord-quiet' }, h('h2', {}, 'Nothing waiting'), h('p', {}, `Nothing waits in: ${quiet.join('; ')}.`)) : null);
}

// ---- organisations -----------------------------------------------------------------------------

async function organisations() {
  const all = await allPages('/v1/organisations');
  return h('div', {}, pageTitle('Organisations'),
    table('Organisations', ['Name', 'Kind', 'Country', 'Status', 'Pending change'], all.map((o) => [
      orgLink(o.id, o.legal_name), words(o.kind), o.country, badge(o.status), o.pending_change ? 'yes' : '—'])));
}

async function organisationPage({ id }) {
  const { value: o, etag } = await withEtag(`/v1/organisations/${id}`);
  const parts = [pageTitle(o.legal_name),
    h('p', {}, 'Status: ', badge(o.status), o.status_reason ? ` — ${o.status_reason}` : ''),
    section('Details', figures([
      ['Kind', words(o.kind)], ['Country', o.country], ['City', o.city], ['VAT number', o.vat_number || '—'],
      ['IBAN', o.iban || '—'], ['Cluster', o.cluster_name || '—'], ['Registered', date(o.created_at)],
      ['Validated', o.validated_at ? date(o.validated_at) : '—'],
    ]), o.cluster_profile_url ? h('p', {}, 'Cluster profile: ', h('a', { href: o.cluster_profile_url, rel: 'noopener noreferrer' }, o.cluster_profile_url)) : null)];
  const decision = form({ 'aria-label': 'Validate or reject the organisation' }, [
    field('Decision', 'decision', { options: [['validated', 'Validate'], ['rejected', 'Reject']], value: 'validated' }),
    field('Reason', 'reason', { type: 'textarea', hint: 'Required for a rejection; say what you checked when validating.' }),
  ], async (v) => {
    await api('POST', `/v1/organisations/${id}/validation`, { json: { decision: v.decision, reason: v.reason || null }, headers: etag ? { 'If-Match': etag } : {} });
    announce(v.decision === 'validated' ? `${o.legal_name} is validated.` : `${o.legal_name} is rejected.`);
    reload();
  }, { submitLabel: 'Record the decision' });
  parts.push(section(o.status === 'pending_validation' ? 'Validation' : 'Change the validation', decision));
  const change = o.pending_change;
  if (change && change.status === 'pending') {
    const rows = Object.keys(change.proposed).map((k) => [words(k), change.previous[k] ?? '—', change.proposed[k]]);
    const mine = change.requested_by === me().id;
    const decide = form({ 'aria-label': 'Decide the change of details' }, [
      field('Change decision', 'decision', { options: [['approved', 'Approve the change'], ['rejected', 'Reject the change']] }),
      field('Reason for the change decision', 'reason', { type: 'textarea', hint: 'Required for a rejection.' }),
    ], async (v) => {
      await api('POST', `/v1/organisations/${id}/changes/${change.id}/decision`, { json: { decision: v.decision, reason: v.reason || null } });
      announce(v.decision === 'approved' ? 'The change is approved and applies now.' : 'The change is rejected.');
      reload();
    }, { submitLabel: 'Decide the change' });
    parts.push(section('Change of bank or legal details',
      table('Requested change', ['Member', 'In force', 'Proposed'], rows),
      h('p', { class: 'hint' }, `Requested ${date(change.requested_at)}.`, mine ? ' You requested it: under four eyes another coordinator decides.' : ''),
      decide));
  }
  const apps = await allPages(`/v1/applications?organisation_id=${id}`);
  parts.push(section('Applications', table('Applications of this organisation', ['Application', 'Status', 'Lump sum'],
    apps.map((a) => [appLink(a.id), badge(a.status), money(a.lump_sum_cents)]), { empty: 'No application yet.' })));
  return h('div', {}, parts);
}

// ---- one application ---------------------------------------------------------------------------

async function applicationPage({ id }) {
  const a = await api('GET', `/v1/applications/${id}`);
  const [org, host, docs, evaluation, payments, appeals] = await Promise.all([
    api('GET', `/v1/organisations/${a.organisation_id}`).catch(() => null),
    api('GET', `/v1/organisations/${a.host_organisation_id}`).catch(() => null),
    allPages(`/v1/applications/${id}/documents`).catch(() => []),
    api('GET', `/v1/applications/${id}/evaluation`).catch(() => null),
    allPages(`/v1/payments?application_id=${id}`).catch(() => []),
    allPages(`/v1/appeals?application_id=${id}`).catch(() => []),
  ]);
  const allowed = new Set(a.allowed_actions || []);
  const parts = [pageTitle(`Application #${a.id}`),
    h('p', { class: 'coord-status' }, 'Status: ', h('span', { id: 'application-status' }, badge(a.status)), a.status_reason ? ` — ${a.status_reason}` : ''),
    section('The exchange', figures([
      ['Visitor', org ? orgLink(org.id, org.legal_name) : `#${a.organisation_id}`],
      ['Host', host ? orgLink(host.id, host.legal_name) : `#${a.host_organisation_id}`],
      ['Participant', `${a.participant.name} (${a.participant.position || '—'})`],
      ['Activity', `${date(a.activity_start)} – ${date(a.activity_end)}`],
      ['Working days', a.working_days], ['Distance', `${Math.round(a.distance_km)} km`],
      ['Lump sum', money(a.lump_sum_cents)], ['Granted', money(a.granted_cents)],
      ['Final amount', money(a.final_amount_cents)], ['Host answer', words(a.host_acceptance?.status)],
      a.report_due_on ? ['Report due', date(a.report_due_on)] : null,
      a.payment_due_on ? ['Payment due', date(a.payment_due_on)] : null,
    ]), h('p', {}, h('strong', {}, 'Objectives: '), a.objectives),
    a.report_summary ? h('p', {}, h('strong', {}, 'Closing report: '), a.report_summary, ` (actual ${date(a.actual_start)} – ${date(a.actual_end)})`) : null),
  ];

  const others = (a.next_actions || []).filter((n) => !allowed.has(n.action));
  parts.push(section('What can happen next',
    allowed.size ? h('p', {}, 'You may: ', [...allowed].map(words).join(', '), '.') : h('p', {}, 'Nothing is yours to do on this application now.'),
    others.length ? h('p', { class: 'hint' }, 'Others: ', others.map((n) => `${words(n.action)} (${n.roles.map(words).join(', ')})`).join(', '), '.') : null));

  const actions = [];
  if (a.host_acceptance?.status === 'pending' && ['draft', 'submitted'].includes(a.status)) actions.push(hostDecisionForm(a));
  if (allowed.has('declare_eligible') || allowed.has('declare_ineligible')) actions.push(eligibilityForm(a));
  if (['eligible', 'in_evaluation'].includes(a.status)) actions.push(await assignForm(a, evaluation));
  if (evaluation?.needs_consensus) actions.push(consensusForm(a, evaluation));
  if (allowed.has('approve') || allowed.has('reserve') || allowed.has('reject')) actions.push(decisionForm(a, allowed));
  if (allowed.has('accept_report') || allowed.has('return_report')) actions.push(reviewForm(a));
  if (a.status === 'report_accepted' && !payments.some((p) => p.status !== 'paid')) actions.push(requestPaymentForm(a.id));
  if (allowed.has('close')) actions.push(simpleAction('Close the exchange', 'The exchange is paid; closing it ends the file.', 'Close the exchange', async () => {
    await api('POST', `/v1/applications/${a.id}/close`);
    announce(`Application #${a.id} is closed.`);
  }));
  if (allowed.has('cancel')) actions.push(cancelForm(a));
  parts.push(...actions);

  if (evaluation && (evaluation.sheets.length || evaluation.assignments.length)) parts.push(evaluationSection(evaluation));
  parts.push(section('Documents', table('Documents', ['Kind', 'File', 'Uploaded'], docs.map((d) => [words(d.kind), downloadButton(d), date(d.created_at)]), { empty: 'No document yet.' })));
  parts.push(section('Payments', table('Payments of this application', ['Payment', 'Kind', 'Amount', 'Status'],
    payments.map((p) => [link('#/payments', `Payment #${p.id}`), words(p.kind), money(p.amount_cents), badge(p.status)]), { empty: 'No payment yet.' })));
  if (appeals.length) parts.push(section('Appeals', table('Appeals of this application', ['Appeal', 'Against', 'Decision'], appeals.map((x) => [link('#/appeals', `Appeal #${x.id}`), words(x.appealed_status), x.decision ? words(x.decision) : 'pending']))));
  return h('div', {}, parts);
}

function downloadButton(d) {
  const b = h('button', { type: 'button', class: 'link-button' }, `${d.filename}`);
  b.addEventListener('click', busy(b, async () => {
    download(await api('GET', `/v1/documents/${d.id}`, { as: 'blob' }), d.filename);
    announce(`${d.filename} downloaded.`);
  }));
  return b;
}

function simpleAction(title, text, label, action) {
  const f = form({ 'aria-label': title }, [h('p', {}, text)], async () => { await action(); reload(); }, { submitLabel: label });
  return section(title, f);
}

function hostDecisionForm(a) {
  let uploaded = null;
  const f = form({ 'aria-label': 'Record the host decision' }, [
    h('p', { class: 'hint' }, "The host has no users of its own: record its written answer with the letter."),
    field("Host's letter", 'letter', { type: 'file', required: true, hint: 'PDF, PNG or JPEG, up to 10 MiB.', attrs: { accept: 'application/pdf,image/png,image/jpeg' } }),
    field('Host decision', 'decision', { options: [['accepted', 'Accepted'], ['declined', 'Declined']] }),
    field('Reason given by the host', 'reason', { type: 'textarea', hint: 'Required when the host declines.' }),
  ], async (v, el) => {
    const file = el.querySelector('input[type=file]').files[0];
    if (!file) throw new ApiError(422, { title: 'The letter is missing', detail: "Choose the host's letter to upload.", errors: [{ field: 'letter', message: "Choose the host's letter." }] });
    // A retry after a refused decision reuses the letter already uploaded (documents are kept for good).
    if (!uploaded || uploaded.file !== file) {
      uploaded = { file, doc: await api('POST', `/v1/applications/${a.id}/documents?kind=host_acceptance&filename=${encodeURIComponent(file.name)}`, { body: file, contentType: file.type || 'application/pdf' }) };
    }
    const doc = uploaded.doc;
    await api('POST', `/v1/applications/${a.id}/host-decision`, { json: { decision: v.decision, reason: v.reason || null, document_id: doc.id } });
    announce(`The host's answer (${v.decision}) is recorded.`);
    reload();
  }, { submitLabel: 'Record the host decision' });
  return section('Host acceptance', f);
}

function eligibilityForm(a) {
  const f = form({ 'aria-label': 'Eligibility check' }, [
    field('Eligibility', 'eligible', { options: [['true', 'Eligible'], ['false', 'Ineligible']] }),
    field('Eligibility reason', 'reason', { type: 'textarea', hint: 'Required when ineligible.' }),
  ], async (v) => {
    await api('POST', `/v1/applications/${a.id}/eligibility`, { json: { eligible: v.eligible === 'true', reason: v.reason || null } });
    announce(v.eligible === 'true' ? `Application #${a.id} is eligible.` : `Application #${a.id} is ineligible.`);
    reload();
  }, { submitLabel: 'Record eligibility' });
  return section('Eligibility', f);
}

async function assignForm(a, evaluation) {
  const evaluators = await allPages('/v1/users?role=evaluator');
  const assigned = new Set((evaluation?.assignments || []).filter((x) => x.status !== 'void').map((x) => x.evaluator_id));
  const free = evaluators.filter((e) => e.active && !assigned.has(e.id));
  const list = (evaluation?.assignments || []).map((x) => {
    const who = evaluators.find((e) => e.id === x.evaluator_id);
    return [who ? who.name : `#${x.evaluator_id}`, words(x.status), x.due_on ? date(x.due_on) : '—'];
  });
  const f = free.length ? form({ 'aria-label': 'Assign an evaluator' }, [
    field('Evaluator', 'evaluator_id', { options: free.map((e) => [e.id, `${e.name} (${e.email})`]) }),
  ], async (v) => {
    await api('POST', `/v1/applications/${a.id}/assignments`, { json: { evaluator_id: Number(v.evaluator_id) } });
    announce('The evaluator is assigned.');
    reload();
  }, { submitLabel: 'Assign the evaluator' }) : h('p', { class: 'empty' }, 'Every evaluator is assigned.');
  return section('Evaluators', h('p', { class: 'hint' }, `At least ${evaluation?.minimum_evaluators ?? 2} score sheets are needed.`),
    table('Assignments', ['Evaluator', 'Status', 'Due'], list, { empty: 'No evaluator assigned yet.' }), f);
}

function evaluationSection(ev) {
  const criteria = [...new Set(ev.sheets.flatMap((s) => Object.keys(s.scores)))];
  return section('Evaluation',
    table('Score sheets', ['Sheet', ...criteria.map(words)], ev.sheets.map((s, i) => [`Evaluator ${i + 1}`, ...criteria.map((c) => s.scores[c] ?? '—')]), { empty: 'No sheet yet.' }),
    ev.aggregate ? figures([['Weighted score', ev.aggregate.weighted.toFixed(2)], ['From', words(ev.aggregate.source)], ['Passes the minimums', ev.aggregate.passes ? 'yes' : 'no']]) : null,
    ev.divergence.length ? h('p', { class: 'notice' }, `Scores diverge on ${ev.divergence.map(words).join(', ')}.`) : null);
}

function consensusForm(a, ev) {
  const criteria = [...new Set(ev.sheets.flatMap((s) => Object.keys(s.scores)))];
  const f = form({ 'aria-label': 'Record consensus scores' }, [
    criteria.map((c) => field(`Consensus ${words(c)}`, `score_${c}`, { type: 'number', required: true, hint: '0 to 5 in half points.', attrs: { min: 0, max: 5, step: 0.5 } })),
    field('Justification', 'justification', { type: 'textarea', required: true }),
  ], async (v) => {
    const scores = Object.fromEntries(criteria.map((c) => [c, v[`score_${c}`]]));
    await api('POST', `/v1/applications/${a.id}/consensus`, { json: { scores, justification: v.justification } });
    announce('The consensus is recorded.');
    reload();
  }, { submitLabel: 'Record the consensus' });
  return section('Consensus', f);
}

function decisionForm(a, allowed) {
  const options = [['approved', 'Approve', 'approve'], ['reserve', 'Reserve list', 'reserve'], ['rejected', 'Reject', 'reject']].filter((o) => allowed.has(o[2]));
  const f = keyedForm({ 'aria-label': 'Decide the application' }, [
    field('Decision', 'decision', { options: options.map(([v, t]) => [v, t]) }),
    field('Decision reason', 'reason', { type: 'textarea', hint: 'Required for a rejection.' }),
  ], async (v, _f, key) => {
    await api('POST', `/v1/applications/${a.id}/decision`, { json: { decision: v.decision, reason: v.reason || null }, headers: { 'Idempotency-Key': key } });
    announce(`Application #${a.id}: ${words(v.decision)}.`);
    reload();
  }, { submitLabel: 'Record the decision' });
  return section('Decision', h('p', { class: 'hint' }, 'Compare with the ', link(`#/calls/${a.call_id}/ranking`, 'ranking of the call'), ' and the budget first.'), f);
}

function reviewForm(a) {
  const f = form({ 'aria-label': 'Review the closing report' }, [
    field('Review', 'accepted', { options: [['true', 'Accept the report'], ['false', 'Return the report']] }),
    field('Review reason', 'reason', { type: 'textarea', hint: 'Required when returning the report.' }),
  ], async (v) => {
    await api('POST', `/v1/applications/${a.id}/report/review`, { json: { accepted: v.accepted === 'true', reason: v.reason || null } });
    announce(v.accepted === 'true' ? 'The report is accepted.' : 'The report is returned.');
    reload();
  }, { submitLabel: 'Record the review' });
  return section('Closing report', f);
}

function cancelForm(a) {
  const f = form({ 'aria-label': 'Cancel the exchange' }, [
    field('Cancellation reason', 'reason', { type: 'textarea', required: true }),
  ], async (v) => {
    await api('POST', `/v1/applications/${a.id}/cancel`, { json: { reason: v.reason || null } });
    announce(`Application #${a.id} is cancelled; its commitment is released.`);
    reload();
  }, { submitLabel: 'Cancel the exchange' });
  f.querySelector('button[type=submit]').classList.add('danger');
  f.querySelector('button[type=submit]').classList.remove('primary');
  return section('Cancel', f);
}

function requestPaymentForm(applicationId) {
  const f = keyedForm({ 'aria-label': 'Request a payment' }, [
    applicationId ? null : field('Application number', 'application_id', { type: 'number', required: true, attrs: { min: 1 } }),
    field('Payment kind', 'kind', { options: [['final', 'Final payment'], ['prefinancing', 'Pre-financing']] }),
  ], async (v, _f, key) => {
    const p = await api('POST', '/v1/payments', { json: { application_id: applicationId || v.application_id, kind: v.kind }, headers: { 'Idempotency-Key': key } });
    announce(`Payment #${p.id} of ${money(p.amount_cents)} is requested; another coordinator approves it.`);
    if (location.hash === '#/payments') reload(); else location.hash = '#/payments';
  }, { submitLabel: 'Request the payment' });
  return section('Request a payment', h('p', { class: 'hint' }, 'The amount is computed by the service.'), f);
}

// ---- the ranking of a call ---------------------------------------------------------------------

async function rankingPage({ id }) {
  const call = await api('GET', `/v1/calls/${id}`);
  const budget = budgetPanel(call.programme_id);
  const body = h('div', {});
  const drawRanking = async () => {
    const r = await api('GET', `/v1/calls/${id}/ranking`);
    const rows = r.items.map((i) => [String(i.rank), appLink(i.application_id), badge(i.status), i.weighted_score.toFixed(2),
      money(i.lump_sum_cents), i.sme ? 'yes' : 'no', words(i.proposed_decision), words(i.reason), i.promotable ? 'yes' : '—']);
    const decide = r.items.map((i) => rankingDecision(i, async () => { await Promise.all([drawRanking(), budget.refresh()]); }));
    const count = (d) => r.items.filter((i) => i.proposed_decision === d).length;
    const askButton = h('button', { type: 'button' }, 'Apply all proposed decisions…');
    const applyButton = h('button', { type: 'button', class: 'primary' }, `Confirm: apply ${r.items.length} decisions`);
    const confirmBox = h('div', { class: 'notice', hidden: true },
      h('p', {}, `This approves ${count('approved')}, puts ${count('reserve')} on the reserve list and rejects ${count('rejected')} applications, as proposed.`),
      h('div', { class: 'actions' }, applyButton));
    askButton.addEventListener('click', () => { confirmBox.hidden = false; applyButton.focus(); });
    let applyKey = idempotencyKey();
    const applyMessage = h('p', { role: 'status', class: 'hint' });
    applyButton.addEventListener('click', busy(applyButton, async () => {
      try {
        const res = await api('POST', `/v1/calls/${id}/ranking/apply`, { headers: { 'Idempotency-Key': applyKey } });
        applyKey = idempotencyKey();
        announce(`${res.applied.length} decisions applied.`);
        await Promise.all([drawRanking(), budget.refresh()]);
      } catch (error) {
        // The same key for a retry (see keyedForm); a new one only when the service asks.
        if (error instanceof ApiError && error.problem?.code === 'idempotency_key_reused') applyKey = idempotencyKey();
        applyMessage.textContent = error.problem?.detail || error.message;
        announce(applyMessage.textContent);
      }
    }));
    show(body,
      section('Ranking', table(`Ranking of ${call.title}`, ['Rank', 'Application', 'Status', 'Score', 'Lump sum', 'SME', 'Proposed', 'Why', 'Promotable'], rows,
        { empty: 'No evaluated application to rank yet.' }),
      r.items.length ? h('div', { class: 'actions' }, askButton) : null, confirmBox, applyMessage),
      r.unrankable.length ? section('Not rankable yet', h('ul', {}, r.unrankable.map((u) => h('li', {}, appLink(u.application_id), ` — ${words(u.reason)}${u.diverging.length ? ` (${u.diverging.map(words).join(', ')})` : ''}`)))) : null,
      decide.length ? h('section', { class: 'card', 'aria-labelledby': 'decide-heading' }, h('h2', { id: 'decide-heading' }, 'Decide one by one'), h('div', { class: 'grid coord-decisions' }, decide)) : null);
  };
  await Promise.all([drawRanking(), budget.refresh()]);
  return h('div', {}, pageTitle(`Ranking: ${call.title}`),
    h('p', { class: 'hint' }, `Closes ${date(call.closes_at)}. Proposals are computed against the budget available now; nothing is decided until you apply them.`),
    budget, body);
}

/** One proposal's decision form; its key is made now, once, for this intended decision. */
function rankingDecision(item, after) {
  const n = item.application_id;
  const options = [['approved', 'Approve'], ['reserve', 'Reserve list'], ['rejected', 'Reject']].filter(([v]) => !(item.status === 'reserve' && v === 'reserve'));
  const decisionField = field(`Decision for #${n}`, `decision_${n}`, { options, value: item.proposed_decision });
  const reasonField = field(`Reason for #${n}`, `reason_${n}`, { hint: 'Required for a rejection.' });
  reasonField.dataset.field = 'reason';
  decisionField.dataset.field = 'decision';
  const f = keyedForm({ 'aria-label': `Decision on application ${n}`, class: 'coord-decision' }, [
    h('p', {}, h('strong', {}, `#${item.rank} `), appLink(n), ` — ${money(item.lump_sum_cents)}, proposed ${words(item.proposed_decision)}`),
    decisionField, reasonField,
  ], async (v, _f, key) => {
    const decision = v[`decision_${n}`];
    await api('POST', `/v1/applications/${n}/decision`, { json: { decision, reason: v[`reason_${n}`] || null }, headers: { 'Idempotency-Key': key } });
    announce(`Application #${n}: ${words(decision)}. The budget is updated.`);
    await after();
  }, { submitLabel: `Decide #${n}` });
  return f;
}

async function rankingsPage() {
  const programmes = await allPages('/v1/programmes');
  const calls = (await Promise.all(programmes.map((p) => allPages(`/v1/programmes/${p.id}/calls`)))).flat();
  const open = calls.find((c) => c.status === 'open');
  if (calls.length === 1 || open) {
    location.replace(`#/calls/${(open || calls[0]).id}/ranking`);
    return h('p', { class: 'loading' }, 'Opening the ranking…');
  }
  return h('div', {}, pageTitle('Rankings'), table('Calls', ['Call', 'Status'], calls.map((c) => [link(`#/calls/${c.id}/ranking`, c.title), badge(c.status)])));
}

// ---- payments ----------------------------------------------------------------------------------

async function paymentsPage() {
  const payments = await allPages('/v1/payments');
  const userId = me().id;
  const rows = payments.map((p) => [`#${p.id}`, appLink(p.application_id), words(p.kind), money(p.amount_cents), badge(p.status),
    date(p.requested_at), p.value_date ? date(p.value_date) : '—', p.bank_reference || '—']);
  const open = payments.filter((p) => p.status !== 'paid').map((p) => {
    if (p.status === 'requested') {
      const f = keyedForm({ 'aria-label': `Approve payment ${p.id}` }, [
        h('p', {}, `${money(p.amount_cents)} for `, appLink(p.application_id), ` (${words(p.kind)}).`),
        p.requested_by === userId ? h('p', { class: 'notice' }, 'You requested this payment: under four eyes another coordinator must approve it.') : null,
      ], async (_v, _f, key) => {
        await api('POST', `/v1/payments/${p.id}/approve`, { headers: { 'Idempotency-Key': key } });
        announce(`Payment #${p.id} is approved.`);
        reload();
      }, { submitLabel: `Approve payment #${p.id}` });
      return h('section', { class: 'card coord-payment' }, h('h3', {}, `Payment #${p.id}: approve`), f);
    }
    const f = keyedForm({ 'aria-label': `Record the transfer of payment ${p.id}` }, [
      h('p', {}, `${money(p.amount_cents)} for `, appLink(p.application_id), ', approved: record the bank transfer.'),
      field(`Bank reference for payment #${p.id}`, 'bank_reference', { required: true }),
      field(`Value date for payment #${p.id}`, 'value_date', { type: 'date', required: true, value: today() }),
    ], async (v, _f, key) => {
      await api('POST', `/v1/payments/${p.id}/execute`, { json: { bank_reference: v.bank_reference, value_date: v.value_date }, headers: { 'Idempotency-Key': key } });
      announce(`Payment #${p.id} is paid.`);
      reload();
    }, { submitLabel: `Record the transfer of #${p.id}` });
    return h('section', { class: 'card coord-payment' }, h('h3', {}, `Payment #${p.id}: execute`), f);
  });
  return h('div', {}, pageTitle('Payments'),
    open.length ? h('div', { class: 'grid' }, open) : h('p', { class: 'empty' }, 'No payment waits for approval or transfer.'),
    section('All payments', table('Payments', ['Payment', 'Application', 'Kind', 'Amount', 'Status', 'Requested', 'Value date', 'Bank reference'], rows, { empty: 'No payment yet.' })),
    requestPaymentForm(null));
}

// ---- appeals -----------------------------------------------------------------------------------

async function appealsPage() {
  const appeals = await allPages('/v1/appeals');
  const userId = me().id;
  const open = appeals.filter((x) => !x.decision).map((x) => h('section', { class: 'card' }, h('h2', {}, `Appeal #${x.id}`),
    h('p', {}, appLink(x.application_id), ` appeals against ${words(x.appealed_status)}, filed ${date(x.filed_at)}.`),
    h('p', {}, h('strong', {}, 'Grounds: '), x.grounds),
    x.outcome_by === userId ? h('p', { class: 'notice' }, 'You recorded the outcome: under four eyes another coordinator decides.') : null,
    form({ 'aria-label': `Decide appeal ${x.id}` }, [
      field(`Decision on appeal #${x.id}`, 'decision', { options: [['upheld', 'Uphold the outcome'], ['granted', 'Grant the appeal']] }),
      field(`Reason for appeal #${x.id}`, 'reason', { type: 'textarea', required: true }),
    ], async (v) => {
      await api('POST', `/v1/appeals/${x.id}/decision`, { json: { decision: v.decision, reason: v.reason } });
      announce(`Appeal #${x.id}: ${words(v.decision)}.`);
      reload();
    }, { submitLabel: `Decide appeal #${x.id}` })));
  const decided = appeals.filter((x) => x.decision);
  return h('div', {}, pageTitle('Appeals'),
    open.length ? open : h('p', { class: 'empty' }, 'No appeal waits for a decision.'),
    section('Decided appeals', table('Decided appeals', ['Appeal', 'Application', 'Against', 'Decision', 'Reason'],
      decided.map((x) => [`#${x.id}`, appLink(x.application_id), words(x.appealed_status), words(x.decision), x.decision_reason || '—']), { empty: 'No appeal decided yet.' })));
}

// ---- settings ----------------------------------------------------------------------------------

const toLocalInput = (iso) => (iso ? String(iso).slice(0, 10) : '');

async function settingsPage() {
  const programmes = await allPages('/v1/programmes');
  const parts = [pageTitle('Programme and call settings')];
  for (const summary of programmes) {
    const { value: p, etag } = await withEtag(`/v1/programmes/${summary.id}`);
    const f = form({ 'aria-label': `Edit programme ${p.code}` }, [
      field('Programme name', 'name', { value: p.name, required: true }),
      field('Cap in euros', 'cap', { type: 'number', value: p.cap_cents / 100, required: true, hint: 'Never below what is committed.', attrs: { min: 0, step: '0.01' } }),
    ], async (v) => {
      const patch = {};
      if (v.name !== p.name) patch.name = v.name;
      if (v.cap === null || !Number.isFinite(v.cap) || v.cap < 0) {
        throw new ApiError(422, { title: 'The cap is missing', detail: 'Give the cap in euros.', errors: [{ field: 'cap_cents', message: 'Give the cap in euros (0 or more).' }] });
      }
      const cap = Math.round(v.cap * 100);
      if (cap !== p.cap_cents) patch.cap_cents = cap;
      await api('PATCH', `/v1/programmes/${p.id}`, { json: patch, headers: etag ? { 'If-Match': etag } : {} });
      announce('The programme is saved.');
      reload();
    }, { submitLabel: 'Save the programme' });
    f.querySelector('[data-field=cap]').dataset.field = 'cap_cents';
    parts.push(section(`Programme ${p.code}`, figures([
      ['Period', `${date(p.period_start)} – ${date(p.period_end)}`], ['Cap', money(p.cap_cents)], ['Target exchanges', p.target_exchanges],
      ['Per visit cap', money(p.rules.per_visit_cap_cents)], ['Four eyes on payments', p.rules.four_eyes_payments ? 'yes' : 'no'],
      ['Payment due (days)', p.rules.payment_due_days], ['Appeal window (days)', p.rules.appeal_days],
    ]), f, h('p', {}, link(`#/programmes/${p.id}/budget`, 'See the budget'))));
    const calls = await allPages(`/v1/programmes/${p.id}/calls`);
    for (const c0 of calls) {
      const { value: c, etag: callTag } = await withEtag(`/v1/calls/${c0.id}`);
      const cf = form({ 'aria-label': `Edit call ${c.id}` }, [
        field(`Title of call #${c.id}`, 'title', { value: c.title, required: true }),
        field(`Opens on (call #${c.id})`, 'opens_at', { type: 'date', value: toLocalInput(c.opens_at), required: true }),
        field(`Closes on (call #${c.id})`, 'closes_at', { type: 'date', value: toLocalInput(c.closes_at), required: true, hint: 'The call closes at the end of this day (UTC).' }),
        field(`Evaluation days (call #${c.id})`, 'evaluation_days', { type: 'number', value: c.evaluation_days, attrs: { min: 1, max: 365 } }),
      ], async (v) => {
        const patch = {};
        if (v.title !== c.title) patch.title = v.title;
        if (v.opens_at !== toLocalInput(c.opens_at)) patch.opens_at = `${v.opens_at}T00:00:00Z`;
        if (v.closes_at !== toLocalInput(c.closes_at)) patch.closes_at = `${v.closes_at}T23:59:59Z`;
        if (v.evaluation_days !== c.evaluation_days) patch.evaluation_days = v.evaluation_days;
        await api('PATCH', `/v1/calls/${c.id}`, { json: patch, headers: callTag ? { 'If-Match': callTag } : {} });
        announce(`Call #${c.id} is saved.`);
        reload();
      }, { submitLabel: `Save call #${c.id}` });
      parts.push(section(`Call: ${c.title}`, h('p', {}, badge(c.status), ` ${date(c.opens_at)} – ${date(c.closes_at)}; ${c.minimum_evaluators} evaluators, divergence limit ${c.divergence_limit}. `,
        link(`#/calls/${c.id}/ranking`, 'Open the ranking')),
      table(`Criteria of call #${c.id}`, ['Criterion', 'Weight', 'Minimum'], c.criteria.map((k) => [words(k.key), k.weight, k.minimum])), cf));
    }
  }
  return h('div', {}, parts);
}

async function budgetPage({ id }) {
  const p = await api('GET', `/v1/programmes/${id}`);
  const panel = budgetPanel(id);
  await panel.refresh();
  return h('div', {}, pageTitle(`Budget of ${p.code}`), panel);
}

// ---- webhooks ----------------------------------------------------------------------------------

const KINDS = ['match_to_accept', 'host_answered', 'submission_received', 'eligibility_outcome', 'evaluation_assigned', 'decision', 'signature_requested',
  'report_submitted', 'report_returned', 'report_accepted', 'payment_due', 'payment_executed', 'appeal_filed', 'appeal_decided', 'application_withdrawn',
  'report_due_reminder', 'evaluation_due_reminder', 'payment_due_reminder'];

async function webhooksPage() {
  const secret = h('div', { role: 'status' });
  const list = h('div', {});
  const drawList = async () => {
    const hooks = await allPages('/v1/webhooks');
    const rows = hooks.map((w) => {
      const kinds = w.kinds.length ? w.kinds.map(words).join(', ') : 'every kind';
      if (!w.active) return [`#${w.id}`, w.url, kinds, 'stopped', date(w.created_at), '—'];
      const del = h('button', { type: 'button', class: 'danger' }, `Delete webhook #${w.id}`);
      del.addEventListener('click', busy(del, async () => {
        try {
          await api('DELETE', `/v1/webhooks/${w.id}`);
          announce(`Webhook #${w.id} is deleted.`);
          await drawList();
        } catch (error) {
          announce(error.problem?.detail || error.message);
        }
      }));
      return [`#${w.id}`, w.url, kinds, 'active', date(w.created_at), del];
    });
    show(list, table('Webhook endpoints', ['Webhook', 'URL', 'Kinds', 'State', 'Registered', 'Action'], rows, { empty: 'No webhook registered.' }));
  };
  const kinds = h('fieldset', {}, h('legend', {}, 'Kinds of events (none ticked: every kind)'),
    h('div', { class: 'coord-kinds' }, KINDS.map((k) => h('label', { class: 'coord-check' }, h('input', { type: 'checkbox', name: `kind_${k}` }), ` ${words(k)}`))));
  const f = form({ 'aria-label': 'Register a webhook' }, [
    field('Endpoint URL', 'url', { type: 'url', required: true, hint: 'http:// or https://' }), kinds,
  ], async (v, el) => {
    const chosen = KINDS.filter((k) => v[`kind_${k}`]);
    const w = await api('POST', '/v1/webhooks', { json: { url: v.url, kinds: chosen.length ? chosen : null } });
    // The secret stays in this page only (never stored): it is shown once, as the service says.
    show(secret, h('p', { class: 'notice' }, `Secret of webhook #${w.id} (shown once, copy it now): `, h('code', { class: 'coord-secret' }, w.secret)));
    el.reset();
    announce(`Webhook #${w.id} is registered. Copy its secret now: it is shown once.`);
    await drawList();
  }, { submitLabel: 'Register the webhook' });
  await drawList();
  return h('div', {}, pageTitle('Webhooks'), secret, section('Endpoints', list), section('Register a webhook', f));
}

// ---- applications list -------------------------------------------------------------------------

async function applicationsPage(_params, query) {
  const status = query.get('status') || '';
  const apps = await allPages(`/v1/applications${status ? `?status=${encodeURIComponent(status)}` : ''}`);
  const statuses = ['', 'draft', 'submitted', 'eligible', 'in_evaluation', 'evaluated', 'approved', 'reserve', 'rejected', 'agreement_signed',
    'report_submitted', 'report_accepted', 'paid', 'closed', 'withdrawn', 'cancelled', 'under_appeal', 'ineligible'];
  const filter = field('Show status', 'status', { options: statuses.map((s) => [s, s ? words(s) : 'every status']), value: status });
  filter.querySelector('select').addEventListener('change', (e) => { location.hash = e.target.value ? `#/applications?status=${e.target.value}` : '#/applications'; });
  return h('div', {}, pageTitle('Applications'), filter,
    table('Applications', ['Application', 'Status', 'Activity', 'Lump sum', 'Granted'], apps.map((a) => [appLink(a.id), badge(a.status),
      `${date(a.activity_start)} – ${date(a.activity_end)}`, money(a.lump_sum_cents), money(a.granted_cents)]), { empty: 'No application in this status.' }));
}

export default {
  nav: [['#/', 'Inbox'], ['#/applications', 'Applications'], ['#/rankings', 'Ranking'], ['#/payments', 'Payments'], ['#/appeals', 'Appeals'],
    ['#/organisations', 'Organisations'], ['#/settings', 'Settings'], ['#/webhooks', 'Webhooks']],
  routes: [
    ['/', inbox],
    ['/organisations', organisations],
    ['/organisations/:id', organisationPage],
    ['/applications', applicationsPage],
    ['/applications/:id', applicationPage],
    ['/rankings', rankingsPage],
    ['/calls/:id/ranking', rankingPage],
    ['/programmes/:id/budget', budgetPage],
    ['/payments', paymentsPage],
    ['/appeals', appealsPage],
    ['/settings', settingsPage],
    ['/webhooks', webhooksPage],
  ],
};
