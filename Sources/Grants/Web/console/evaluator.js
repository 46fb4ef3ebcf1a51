// The evaluator's pages: the assignments with their due dates, and one assignment: the
// declaration of interests first (the service refuses the application until it is made), then
// the application and its score sheet, one control per criterion of the call in half points,
// the weighted score computed as it is typed, and every refusal shown beside its criterion.
import { api, allPages, ApiError } from './api.js';
import { h, show, pageTitle, section, table, badge, date, money, words, link, announce, field, form } from './ui.js';

const MAX_POINTS = 5; // docs/rules.md §8: scores run from 0 to 5 in half points

function todayUTC() {
  return new Date().toISOString().slice(0, 10);
}

function isOverdue(a) {
  return a.due_on && a.due_on < todayUTC() && (a.status === 'pending_declaration' || a.status === 'declared');
}

function dueCell(a) {
  if (!a.due_on) return '—';
  return isOverdue(a) ? h('span', { class: 'ev-overdue' }, date(a.due_on), ' (overdue)') : date(a.due_on);
}

/** `relevance` → "Relevance"; `follow_up` → "Follow up". */
function criterionName(key) {
  const w = words(key);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

// ---- the assignments --------------------------------------------------------------------------

async function assignmentsPage() {
  const items = await allPages('/v1/assignments');
  const order = { pending_declaration: 0, declared: 1, submitted: 2, void: 3 };
  items.sort((a, b) => (order[a.status] - order[b.status]) || String(a.due_on || '9999').localeCompare(String(b.due_on || '9999')) || a.id - b.id);
  const open = items.filter((a) => a.status === 'pending_declaration' || a.status === 'declared');
  const overdue = open.filter(isOverdue);
  return h('div', { class: 'ev-assignments' },
    pageTitle('Your assignments'),
    h('p', {}, open.length === 0
      ? 'No score sheet is waiting for you.'
      : `${open.length} ${open.length === 1 ? 'application waits' : 'applications wait'} for your score sheet${overdue.length ? `, ${overdue.length} overdue` : ''}.`),
    table('Applications assigned to you, the earliest due first', ['Application', 'Visitor organisation', 'Due', 'Status', 'Declared'],
      items.map((a) => [
        link(`#/assignments/${a.id}`, `Application ${a.application_id}`),
        a.visitor_organisation_name,
        dueCell(a),
        badge(a.status),
        a.declared_at ? (a.conflict_of_interest ? `conflict, ${date(a.declared_at)}` : `no conflict, ${date(a.declared_at)}`) : 'not yet',
      ]),
      { empty: 'No application is assigned to you yet.' }));
}

// ---- one assignment ---------------------------------------------------------------------------

/** The assignment and its submitted sheet (null when there is none), or null when not yours. */
async function findAssignment(id) {
  try {
    return await api('GET', `/v1/assignments/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

async function assignmentPage({ id }) {
  const found = await findAssignment(id);
  const assignment = found?.assignment;
  if (!assignment) {
    return h('div', {}, pageTitle('Assignment not found'),
      h('p', {}, `There is no assignment ${id} for you.`), link('#/', 'Back to your assignments'));
  }
  const root = h('div', { class: 'ev-assignment' });
  await renderAssignment(root, assignment, { sheet: found.sheet });
  return root;
}

function summary(assignment) {
  return h('dl', { class: 'ev-summary' },
    h('dt', {}, 'Visitor organisation'), h('dd', {}, assignment.visitor_organisation_name),
    h('dt', {}, 'Application'), h('dd', {}, String(assignment.application_id)),
    h('dt', {}, 'Score sheet due'), h('dd', {}, dueCell(assignment)),
    h('dt', {}, 'Status'), h('dd', {}, badge(assignment.status)));
}

async function renderAssignment(root, assignment, { focus, sheet = null } = {}) {
  const parts = [pageTitle(`Assignment ${assignment.id}`), summary(assignment), h('p', {}, link('#/', 'Back to your assignments'))];
  if (assignment.status === 'pending_declaration') {
    parts.push(declarationForm(root, assignment));
  } else if (assignment.status === 'void') {
    parts.push(section('This assignment is void',
      h('p', {}, `You declared a conflict of interest on ${date(assignment.declared_at)}, so you do not see or score this application.`),
      assignment.conflict_details ? h('p', {}, 'Your declaration: ', assignment.conflict_details) : null));
  } else {
    const [application, call] = await Promise.all([
      api('GET', `/v1/applications/${assignment.application_id}`),
      api('GET', `/v1/calls/${assignment.call_id}`),
    ]);
    parts.push(
      h('p', { class: 'notice' }, `You declared no conflict of interest on ${date(assignment.declared_at)}.`),
      applicationSection(application),
      scoreSheet(root, assignment, application, call, sheet));
  }
  show(root, parts);
  if (focus) root.querySelector(focus)?.focus();
}

function declarationForm(root, assignment) {
  const choice = (value, text) => {
    const rid = `ev-coi-${value}`;
    return h('div', { class: 'ev-choice' },
      h('input', { type: 'radio', id: rid, name: 'conflict_of_interest', value, 'aria-describedby': 'ev-coi-error' }),
      h('label', { for: rid }, text));
  };
  const f = form({ 'aria-label': 'Declaration of interests' }, [
    h('p', {}, 'Before you read the application, declare whether you have a conflict of interest with the visitor organisation, its participant or the host. Declaring a conflict ends this assignment: you will not see the application.'),
    h('fieldset', { class: 'field', 'data-field': 'conflict_of_interest' },
      h('legend', {}, 'Do you have a conflict of interest?'),
      choice('false', 'I have no conflict of interest with this application'),
      choice('true', 'I have a conflict of interest with this application'),
      h('p', { class: 'field-error', id: 'ev-coi-error', hidden: true })),
    field('Details of the conflict', 'details', { type: 'textarea', hint: 'Needed only when you declare a conflict: what links you to the applicant.', attrs: { maxlength: 2000 } }),
  ], async (v, formEl) => {
    const picked = formEl.elements.conflict_of_interest.value;
    if (picked === '') {
      throw { problem: { title: 'Choose an answer', detail: 'Say whether you have a conflict of interest.', errors: [{ field: 'conflict_of_interest', message: 'Choose one answer.' }] } };
    }
    const conflict = picked === 'true';
    const body = { conflict_of_interest: conflict };
    if (conflict && v.details.trim()) body.details = v.details.trim();
    const updated = await api('POST', `/v1/assignments/${assignment.id}/declaration`, { json: body });
    announce(conflict ? 'Conflict of interest declared: this assignment is void.' : 'Declared: no conflict of interest. The application and the score sheet are shown.');
    await renderAssignment(root, updated, { focus: conflict ? 'h1' : '#ev-application-title' });
  }, { submitLabel: 'Declare' });
  return h('section', { class: 'card' }, h('h2', {}, 'Declaration of interests'), f);
}

function applicationSection(a) {
  const row = (term, value) => [h('dt', {}, term), h('dd', {}, value ?? '—')];
  return h('section', { class: 'card', 'aria-labelledby': 'ev-application-title' },
    h('h2', { id: 'ev-application-title', tabindex: '-1' }, `Application ${a.id}`),
    h('dl', { class: 'ev-summary' },
      row('Status', badge(a.status)),
      row('Participant', a.participant ? `${a.participant.name}${a.participant.position ? `, ${a.participant.position}` : ''}` : '—'),
      row('From', a.origin ? `${a.origin.city}, ${a.origin.country}` : '—'),
      row('Activity', words(a.activity_type)),
      row('Dates', `${date(a.activity_start)} to ${date(a.activity_end)}`),
      row('Working days', String(a.working_days ?? '—')),
      row('Distance', a.distance_km != null ? `${Math.round(a.distance_km).toLocaleString()} km` : '—'),
      row('Lump sum', money(a.lump_sum_cents)),
      row('Host acceptance', a.host_acceptance ? words(a.host_acceptance.status) : '—')),
    h('h3', {}, 'Objectives'),
    h('p', { class: 'ev-objectives' }, a.objectives || '—'));
}

/** Exact weighted score: half points times basis points, so 0.1 + 0.2 never shows. */
function weighted(criteria, scores) {
  let sum = 0; // in (half points × basis points)
  let scored = 0;
  for (const c of criteria) {
    const v = scores[c.key];
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    scored += 1;
    sum += Math.round(v * 2) * Math.round(c.weight * 10000);
  }
  return { value: sum / 20000, scored };
}

function scoreSheet(root, assignment, application, call, stored = null) {
  const criteria = call.criteria || [];
  const open = application.status === 'in_evaluation';
  const output = h('output', { name: 'weighted', id: 'ev-weighted', 'aria-live': 'polite' }, '—');
  const outputNote = h('span', { class: 'hint', id: 'ev-weighted-note' });

  const controls = criteria.map((c) => h('fieldset', { class: 'ev-criterion' },
    h('legend', {}, `${criterionName(c.key)} (weight ${Math.round(c.weight * 100)} %)`),
    c.description ? h('p', { class: 'hint' }, c.description) : null,
    field(`${criterionName(c.key)} score`, `scores.${c.key}`, {
      type: 'number', required: true,
      hint: `0 to ${MAX_POINTS} in half points; the minimum to pass is ${c.minimum}.`,
      attrs: { min: 0, max: MAX_POINTS, step: '0.5', inputmode: 'decimal', class: 'ev-score' },
    }),
    field(`${criterionName(c.key)} comment`, `comments.${c.key}`, { type: 'textarea', attrs: { maxlength: 10000, rows: 3 } })));

  const readScores = (f) => {
    const scores = {};
    for (const c of criteria) {
      const el = f.elements[`scores.${c.key}`];
      if (el && el.value.trim() !== '') scores[c.key] = Number(el.value);
    }
    return scores;
  };

  const recorded = h('div', { class: 'ev-recorded', tabindex: '-1' });
  const f = form({ 'aria-label': 'Score sheet', class: 'ev-sheet' }, [
    h('p', {}, `Score each criterion from 0 to ${MAX_POINTS} in half points (for example 3.5). The weighted score is the sum of each score times its weight; to pass, every criterion's mean must reach its minimum and the weighted score ${call.overall_minimum}.`),
    controls,
    field('General comment', 'comment', { type: 'textarea', attrs: { maxlength: 10000, rows: 3 } }),
    h('div', { class: 'ev-weighted' },
      h('label', { for: 'ev-weighted' }, 'Weighted score'), ' ', output, ' ', outputNote),
  ], async (_v, formEl) => {
    const scores = readScores(formEl);
    const comments = {};
    for (const c of criteria) {
      const text = formEl.elements[`comments.${c.key}`]?.value.trim();
      if (text) comments[c.key] = text;
    }
    const comment = formEl.elements.comment.value.trim();
    const body = { scores, comments };
    if (comment) body.comment = comment;
    const view = await api('PUT', `/v1/assignments/${assignment.id}/scores`, { json: body });
    const sheet = (view.sheets || []).find((s) => s.assignment_id === assignment.id);
    showRecorded(recorded, criteria, sheet || { scores, submitted_at: null }, view);
    announce(`Your score sheet is recorded: weighted score ${weighted(criteria, (sheet || {}).scores || scores).value.toFixed(2)}.`);
    recorded.focus();
  }, { submitLabel: 'Submit the score sheet' });

  const update = () => {
    const scores = readScores(f);
    const { value, scored } = weighted(criteria, scores);
    const offScale = Object.values(scores).some((v) => Number.isNaN(v) || v < 0 || v > MAX_POINTS || !Number.isInteger(v * 2));
    output.textContent = scored === 0 ? '—' : `${value.toFixed(2)} of ${MAX_POINTS}`;
    outputNote.textContent = scored === 0 ? 'Type a score to see it.'
      : offScale ? `(a score is not between 0 and ${MAX_POINTS} in half points: the service will refuse it)`
      : scored < criteria.length ? `(${scored} of ${criteria.length} criteria scored so far)`
        : value >= call.overall_minimum ? `(at or above the overall minimum of ${call.overall_minimum})` : `(below the overall minimum of ${call.overall_minimum})`;
  };
  output.setAttribute('for', [...f.querySelectorAll('.ev-score')].map((el) => el.id).join(' '));
  f.addEventListener('input', (event) => {
    if (event.target.classList?.contains('ev-score')) update();
  });
  update();

  // A submitted sheet is shown and filled in again, so a second submission changes only what
  // the evaluator changes (comments included).
  if (stored) {
    showRecorded(recorded, criteria, stored, { status: application.status, minimum_evaluators: call.minimum_evaluators });
    for (const c of criteria) {
      const score = f.elements[`scores.${c.key}`];
      if (score && stored.scores?.[c.key] !== undefined) score.value = String(stored.scores[c.key]);
      const comment = f.elements[`comments.${c.key}`];
      if (comment && stored.comments?.[c.key]) comment.value = stored.comments[c.key];
    }
    if (stored.comment) f.elements.comment.value = stored.comment;
    update();
  }
  const intro = assignment.status === 'submitted' && open
    ? h('p', { class: 'notice' }, 'While the evaluation is open, submitting again replaces your sheet.')
    : null;
  if (!open) {
    return section('Score sheet', stored ? recorded : null, h('p', {}, `The evaluation is over: the application is ${words(application.status)}.`));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'ev-sheet-title' },
    h('h2', { id: 'ev-sheet-title' }, 'Score sheet'), intro, recorded, f);
}

function showRecorded(el, criteria, sheet, view) {
  const { value } = weighted(criteria, sheet.scores || {});
  show(el,
    h('div', { class: 'notice', role: 'status' },
      h('p', { class: 'ev-recorded-title' }, 'Your score sheet is recorded', sheet.submitted_at ? ` (${date(sheet.submitted_at)})` : '', '.'),
      h('p', {}, `Weighted score ${value.toFixed(2)} of ${MAX_POINTS}. The application is ${words(view.status)}${view.status === 'in_evaluation' ? `; it needs ${view.minimum_evaluators} score sheets` : ''}.`)),
    table('Your scores', ['Criterion', 'Score', 'Comment'],
      criteria.map((c) => [criterionName(c.key), String(sheet.scores?.[c.key] ?? '—'), sheet.comments?.[c.key] || ''])));
}

export default {
  nav: [['#/', 'Your assignments']],
  routes: [
    ['/', assignmentsPage],
    ['/assignments/:id', assignmentPage],
  ],
};
