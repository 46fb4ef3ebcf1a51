// The applicant's pages: my exchanges and their next step, the organisation, the host
// directory, a new exchange with its figures shown as they are typed, an application from
// draft to payment (documents, submission, the Commitment to Quality, the closing report, the
// appeal), payments, notifications, and the exchanges the organisation hosts.

import { api, allPages, currentSession, ApiError } from './api.js';
import {
  h, show, money, date, words, badge, announce, field, form, table, section, pageTitle,
  download, link, busy, showProblem, clearErrors, organisationKinds,
} from './ui.js';

// ---- shared --------------------------------------------------------------------------------

const MAX_BYTES = 10 * 1024 * 1024;

const KINDS = [
  ['other', 'Other (e.g. exchange plan)'],
  ['residence_permit', 'Residence permit'],
  ['commitment_to_quality', 'Commitment to Quality'],
  ['boarding_pass', 'Boarding pass'],
  ['invoice', 'Travel invoice'],
  ['host_confirmation', 'Host confirmation of attendance'],
  ['closing_report', 'Closing report'],
];
const KIND_NAMES = Object.fromEntries([...KINDS,
  ['host_acceptance', 'Host acceptance'], ['agency_preapproval', 'Agency pre-approval'],
  ['signed_commitment_to_quality', 'Signed Commitment to Quality']]);

const ORG_KIND_NAMES = Object.fromEntries(organisationKinds);

const PARTIES = {
  visitor_organisation: 'your organisation (the visitor)',
  host_organisation: 'the host organisation',
  visitor_partnership: "the visitor's partnership",
  host_partnership: "the host's partnership",
};

/** What each step means to the person who takes it. */
const STEP_TEXT = {
  submit: 'Submit the application',
  withdraw: 'Withdraw the application',
  sign_agreement: 'Sign the Commitment to Quality',
  submit_report: 'File the closing report',
  appeal: 'Appeal the outcome',
  declare_eligible: 'Eligibility check',
  declare_ineligible: 'Eligibility check',
  start_evaluation: 'Evaluation',
  complete_evaluation: 'Evaluation',
  approve: 'Decision',
  reject: 'Decision',
  reserve: 'Decision',
  accept_report: 'Review of the closing report',
  return_report: 'Review of the closing report',
  pay: 'Payment',
  close: 'Closing the exchange',
};

function me() {
  return currentSession()?.user;
}

function myOrganisation() {
  return me()?.organisation || null;
}

/** The next step of an application as one sentence: mine first, then who else acts. */
function nextStep(app) {
  const mine = (app.allowed_actions || []).filter((a) => a !== 'withdraw');
  if (mine.length) return `You: ${mine.map((a) => STEP_TEXT[a] || words(a)).join('; ')}`;
  if (app.status === 'draft' && app.host_acceptance?.status !== 'accepted') return 'Waiting for the host to accept the match';
  const others = [];
  for (const step of app.next_actions || []) {
    if (step.action === 'withdraw' || step.action === 'cancel') continue;
    const text = `${STEP_TEXT[step.action] || words(step.action)} (${step.roles.map(words).join(', ')})`;
    if (!others.includes(text)) others.push(text);
  }
  return others.length ? `Waiting: ${others.join('; ')}` : 'Nothing more to do';
}

let hostCache = null;
async function hosts() {
  if (!hostCache) hostCache = allPages('/v1/hosts?limit=100').catch((e) => { hostCache = null; throw e; });
  return hostCache;
}

async function hostNames() {
  try {
    return Object.fromEntries((await hosts()).map((o) => [o.id, o]));
  } catch {
    return {};
  }
}

/**
 * Figures as boxes (each its own `<dl>`, as axe-core wants <dt>/<dd> straight inside a <dl>),
 * or, with `{ class: 'profile' }`, one two-column list of terms and values.
 */
function dl(pairs, attrs = { class: 'figures' }) {
  const items = pairs.filter(Boolean);
  if (attrs.class === 'profile') return h('dl', attrs, items.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
  return h('div', attrs, items.map(([term, value]) => h('div', {}, h('dl', {}, h('dt', {}, term), h('dd', {}, value)))));
}

function km(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(value)} km`;
}

/** A problem made here (before anything is sent), shown like the service's. */
function localProblem(title, errors) {
  return new ApiError(422, { title, detail: errors.map((e) => e.message).join(' '), errors });
}

/** A container the page re-fills after each action, keeping its place in the shell. */
function refreshable(fill) {
  const root = h('div', { class: 'applicant-page' });
  const refresh = async () => {
    await fill(root, refresh);
  };
  return { root, refresh };
}

// ---- home -------------------------------------------------------------------------------------

async function home() {
  const org = myOrganisation();
  const [apps, deadlines, unread, names] = await Promise.all([
    allPages('/v1/applications?limit=100'),
    api('GET', '/v1/deadlines'),
    api('GET', '/v1/notifications?unread=true&limit=20'),
    hostNames(),
  ]);
  const orgNotice = org && org.status !== 'validated'
    ? h('p', { class: 'notice', role: 'status' }, `Your organisation is ${words(org.status)}. `, link('#/organisation', 'See your organisation'))
    : null;
  return h('div', {},
    pageTitle('My exchanges'),
    orgNotice,
    h('p', { class: 'actions' }, link('#/hosts', 'Find a host'), ' ', link('#/applications/new', 'Propose a new exchange')),
    section('My exchanges and their next step',
      table('My exchanges', ['Exchange', 'Host', 'Dates', 'Status', 'Next step'], apps.map((a) => [
        link(`#/applications/${a.id}`, `Exchange ${a.id}`),
        names[a.host_organisation_id]?.legal_name || `Organisation ${a.host_organisation_id}`,
        `${date(a.activity_start)} – ${date(a.activity_end)}`,
        badge(a.status),
        nextStep(a),
      ]), { empty: 'No exchanges yet. Find a host to propose one.' })),
    h('div', { class: 'grid' },
      section('Deadlines',
        deadlines.items.length
          ? h('ul', { class: 'plain-list' }, deadlines.items.map((d) => h('li', {},
            h('strong', {}, date(d.due_on)), ' ', d.overdue ? h('span', { class: 'badge badge-failed' }, 'overdue') : null, ' ',
            link(`#/applications/${d.application_id}`, d.title))))
          : h('p', { class: 'empty' }, 'Nothing is due.')),
      section('Unread notifications',
        unread.items.length
          ? h('ul', { class: 'plain-list' }, unread.items.map((n) => h('li', {},
            link(`#/applications/${n.application_id}`, n.subject), h('span', { class: 'hint' }, ` ${date(n.created_at)}`))))
          : h('p', { class: 'empty' }, 'No unread notifications.'),
        h('p', {}, link('#/notifications', 'All notifications')))));
}

// ---- organisation ----------------------------------------------------------------------------

async function organisationPage() {
  const mine = myOrganisation();
  if (!mine) return h('div', {}, pageTitle('Your organisation'), h('p', { class: 'empty' }, 'Your account has no organisation.'));
  const org = await api('GET', `/v1/organisations/${mine.id}`);
  const pending = org.status === 'pending_validation';
  return h('div', {},
    pageTitle(org.legal_name),
    section('Validation',
      h('p', {}, 'Status: ', badge(org.status)),
      pending ? h('p', { class: 'notice', role: 'status' }, 'Pending validation: a coordinator checks your organisation (registry extract, cluster membership, IBAN) before you can apply for an exchange.') : null,
      org.status === 'rejected' ? h('p', { class: 'notice' }, 'Your organisation was not validated. Contact the coordinator of your partnership.') : null,
      org.status_reason ? h('p', {}, 'Reason: ', org.status_reason) : null,
      org.validated_at ? h('p', {}, 'Validated on ', date(org.validated_at)) : null,
      org.pending_change ? h('p', { class: 'notice' }, 'A change of bank or legal details waits for a coordinator.') : null),
    section('Profile',
      dl([
        ['Legal name', org.legal_name],
        ['Kind', ORG_KIND_NAMES[org.kind] || words(org.kind)],
        ['Country', org.country],
        ['City', org.city],
        ['Coordinates', `${org.latitude}, ${org.longitude}`],
        ['VAT number', org.vat_number || '—'],
        ['IBAN', org.iban || '—'],
        ['Cluster', org.cluster_name || '—'],
        ['Open to hosting', org.open_to_hosting ? 'yes' : 'no'],
      ], { class: 'profile' }),
      org.cluster_profile_url ? h('p', {}, h('a', { href: org.cluster_profile_url, rel: 'noopener noreferrer' }, 'Cluster profile on the European Cluster Collaboration Platform')) : null));
}

// ---- host directory -----------------------------------------------------------------------------

async function hostsPage(_params, query) {
  const country = (query.get('country') || '').toUpperCase();
  const kind = query.get('kind') || '';
  const q = (query.get('q') || '').trim();
  const all = await hosts();
  // The directory filters on the service (country, kind, text in the name or city).
  const filter = new URLSearchParams({ limit: '100' });
  if (country) filter.set('country', country);
  if (kind) filter.set('kind', kind);
  if (q) filter.set('q', q.slice(0, 100));
  const shown = country || kind || q ? await allPages(`/v1/hosts?${filter}`) : all;
  const countries = [...new Set(all.map((o) => o.country))].sort();
  const ownID = myOrganisation()?.id;
  const filters = form({ 'aria-label': 'Filter hosts', class: 'filters' }, [
    field('Country', 'country', { options: [['', 'Any country'], ...countries.map((c) => [c, c])], value: country }),
    field('Kind', 'kind', { options: [['', 'Any kind'], ...organisationKinds], value: kind }),
    field('Name or city', 'q', { type: 'search', value: q }),
  ], async (v) => {
    const params = new URLSearchParams();
    for (const k of ['country', 'kind', 'q']) if (v[k]) params.set(k, v[k]);
    location.hash = `#/hosts${params.toString() ? `?${params}` : ''}`;
  }, { submitLabel: 'Show hosts' });
  announce(`${shown.length} host${shown.length === 1 ? '' : 's'} found.`);
  return h('div', {},
    pageTitle('Host directory'),
    h('p', {}, 'Validated organisations open to hosting an exchange. Choose one to propose an exchange.'),
    section('Filter', filters),
    h('p', { role: 'status' }, `${shown.length} host${shown.length === 1 ? '' : 's'} found.`),
    table('Hosts', ['Organisation', 'Kind', 'Country', 'City', ''], shown.map((o) => [
      o.legal_name,
      ORG_KIND_NAMES[o.kind] || words(o.kind),
      o.country,
      o.city,
      o.id === ownID ? h('span', { class: 'hint' }, 'your organisation') : link(`#/applications/new?host=${o.id}`, 'Propose an exchange', { 'aria-label': `Propose an exchange with ${o.legal_name}` }),
    ]), { empty: 'No host matches these filters.' }));
}

// ---- the figures (an estimate from the programme's published rules) -------------------------------

/** Great-circle distance as the service computes it (rules §6: haversine, R = 6371.0088 km). */
function distanceKm(lat1, lon1, lat2, lon2) {
  const rad = (d) => (d * Math.PI) / 180;
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Monday to Friday from the first to the last day, both included (rules §5). */
function workingDays(start, end) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start || '') || !/^\d{4}-\d{2}-\d{2}$/.test(end || '')) return null;
  const from = Date.parse(`${start}T00:00:00Z`);
  const to = Date.parse(`${end}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from || to - from > 400 * 86400000) return null;
  let n = 0;
  for (let t = from; t <= to; t += 86400000) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) n += 1;
  }
  return n;
}

/** The lump sum from the programme's table, halved under the thresholds, capped per visit. */
function lumpSum(programme, hostCountry, days, km) {
  const base = programme?.lump_sums_cents?.[hostCountry];
  if (base === undefined || days === null || km === null) return null;
  const r = programme.rules;
  let cents = base;
  if (days < r.halving_working_days || km < r.halving_distance_km) cents = Math.floor(cents / 2);
  return Math.min(cents, r.per_visit_cap_cents);
}

// ---- a new exchange ---------------------------------------------------------------------------------

async function newExchangePage(_params, query) {
  const org = myOrganisation();
  if (org && org.status !== 'validated') {
    return h('div', {}, pageTitle('Propose a new exchange'),
      h('p', { class: 'notice' }, `Your organisation is ${words(org.status)}: a coordinator validates it before you can apply. `, link('#/organisation', 'See your organisation')));
  }
  const [allHosts, programmes] = await Promise.all([hosts(), allPages('/v1/programmes')]);
  const perProgramme = await Promise.all(programmes.map((p) => allPages(`/v1/programmes/${p.id}/calls`)
    .then((list) => list.filter((c) => c.status === 'open').map((c) => ({ ...c, programme: p })))));
  const calls = perProgramme.flat();
  if (calls.length === 0) return h('div', {}, pageTitle('Propose a new exchange'), h('p', { class: 'empty' }, 'No call is open now.'));
  const candidates = allHosts.filter((o) => o.id !== org?.id);
  const chosen = query.get('host') || '';

  const figures = h('div', { class: 'live-figures', 'aria-live': 'polite' });
  const f = form({ 'aria-label': 'Propose a new exchange' }, [
    h('fieldset', {}, h('legend', {}, 'The exchange'),
      field('Call', 'call_id', { options: calls.map((c) => [c.id, `${c.title} (${c.programme.code})`]), required: true }),
      field('Host organisation', 'host_organisation_id', {
        options: [['', 'Choose a host'], ...candidates.map((o) => [o.id, `${o.legal_name} — ${o.city}, ${o.country}`])], value: chosen, required: true,
      }),
      field('First day of the activity', 'activity_start', { type: 'date', required: true }),
      field('Last day of the activity', 'activity_end', { type: 'date', required: true }),
      field('Travel out (optional)', 'travel_start', { type: 'date', hint: 'Up to 3 days before the first day; travel days are not working days.' }),
      field('Travel back (optional)', 'travel_end', { type: 'date', hint: 'Up to 3 days after the last day.' }),
      field('Activity', 'activity_type', { options: [['job_shadowing', 'Job shadowing'], ['training', 'Training'], ['networking', 'Networking'], ['joint_project', 'Joint project preparation']], required: true }),
      field('Objectives', 'objectives', { type: 'textarea', required: true, hint: 'What the participant will learn and what follows.' })),
    h('fieldset', {}, h('legend', {}, 'The participant'),
      field('Participant name', 'name', { required: true }),
      field('Participant e-mail', 'email', { type: 'email', required: true }),
      field('Position', 'position', { required: true, hint: 'Only staff of your organisation may travel.' })),
    h('fieldset', {}, h('legend', {}, 'Travelling from'),
      field('City', 'city', { required: true, value: org?.city || '' }),
      field('Country (two letters)', 'country', { required: true, value: org?.country || '', attrs: { maxlength: 2 } }),
      field('Latitude', 'latitude', { type: 'number', required: true, value: org?.latitude ?? '', attrs: { step: 'any' } }),
      field('Longitude', 'longitude', { type: 'number', required: true, value: org?.longitude ?? '', attrs: { step: 'any' } })),
    h('fieldset', {}, h('legend', {}, 'Declarations'),
      checkbox('The participant is employed by our organisation', 'participant_employed_by_visitor'),
      checkbox('The participant is a national of a country outside COSME', 'participant_third_country_national'),
      field('Days of residence in a COSME country', 'residence_days_in_cosme', { type: 'number', hint: 'Third-country nationals only: at least 183 days, with a residence permit uploaded before submitting.', attrs: { min: 0 } }),
      checkbox('Our organisation has not visited in any ClusterXchange partnership before', 'no_previous_clusterxchange_visit')),
    section('Figures', h('p', { class: 'hint' }, 'An estimate from the programme\'s published rules and lump-sum table, updated as you type. The service computes the figures when you save the draft, and again when you submit.'), figures),
  ], async (v) => {
    const body = {
      call_id: v.call_id ? Number(v.call_id) : null,
      host_organisation_id: v.host_organisation_id ? Number(v.host_organisation_id) : null,
      participant: { name: v.name, email: v.email, position: v.position },
      origin: { city: v.city, country: (v.country || '').toUpperCase(), latitude: v.latitude, longitude: v.longitude },
      activity_start: v.activity_start || null,
      activity_end: v.activity_end || null,
      activity_type: v.activity_type,
      objectives: v.objectives,
      declarations: {
        participant_employed_by_visitor: v.participant_employed_by_visitor,
        participant_third_country_national: v.participant_third_country_national,
        no_previous_clusterxchange_visit: v.no_previous_clusterxchange_visit,
      },
    };
    if (v.residence_days_in_cosme !== null && v.residence_days_in_cosme !== undefined) body.declarations.residence_days_in_cosme = v.residence_days_in_cosme;
    if (v.travel_start) body.travel_start = v.travel_start;
    if (v.travel_end) body.travel_end = v.travel_end;
    const app = await api('POST', '/v1/applications', { json: body });
    announce(`Draft ${app.id} saved: ${app.working_days} working days, ${km(app.distance_km)}, lump sum ${money(app.lump_sum_cents)}.`);
    location.hash = `#/applications/${app.id}`;
  }, { submitLabel: 'Save the draft' });

  const update = () => {
    const el = f.elements;
    const host = candidates.find((o) => String(o.id) === el.host_organisation_id.value);
    const call = calls.find((c) => String(c.id) === el.call_id.value);
    const lat = el.latitude.value === '' ? NaN : Number(el.latitude.value);
    const lon = el.longitude.value === '' ? NaN : Number(el.longitude.value);
    const days = workingDays(el.activity_start.value, el.activity_end.value);
    const dist = host && Number.isFinite(lat) && Number.isFinite(lon) ? distanceKm(lat, lon, host.latitude, host.longitude) : null;
    const cents = host && call ? lumpSum(call.programme, host.country, days, dist) : null;
    const rules = call?.programme?.rules;
    const notes = [];
    if (rules && days !== null && days < rules.minimum_working_days) notes.push(`At least ${rules.minimum_working_days} working days are needed.`);
    if (rules && days !== null && days >= rules.minimum_working_days && days < rules.halving_working_days) notes.push(`Under ${rules.halving_working_days} working days the lump sum is halved.`);
    if (rules && dist !== null && dist < rules.halving_distance_km) notes.push(`Under ${rules.halving_distance_km} km the lump sum is halved.`);
    if (host && call && call.programme.lump_sums_cents[host.country] === undefined) notes.push(`The programme has no lump sum for ${host.country}.`);
    show(figures,
      dl([
        ['Distance (estimate)', km(dist)],
        ['Working days (estimate)', days === null ? '—' : String(days)],
        ['Lump sum (estimate)', cents === null ? '—' : money(cents)],
      ]),
      notes.length ? h('ul', { class: 'hint' }, notes.map((n) => h('li', {}, n))) : null);
  };
  f.addEventListener('input', update);
  f.addEventListener('change', update);
  update();
  return h('div', {}, pageTitle('Propose a new exchange'), f);
}

function checkbox(label, name, checked = false) {
  const id = `f-${name}`;
  return h('div', { class: 'field checkbox-field', 'data-field': name },
    h('div', { class: 'check' },
      h('input', { type: 'checkbox', id, name, checked, 'aria-describedby': `${id}-error` }),
      h('label', { for: id }, label)),
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
}

// ---- uploads ------------------------------------------------------------------------------------------

/** What the file is by its first bytes, as the service sniffs it (PDF, PNG or JPEG), or null. */
async function sniff(file) {
  const b = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  if (b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) return 'application/pdf';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  return null;
}

/** Problems with a file found before sending it: its type and its size. */
async function fileProblems(file) {
  const errors = [];
  const type = await sniff(file);
  if (!type) errors.push({ field: 'file', message: `${file.name} is not a PDF, PNG or JPEG file.` });
  if (file.size > MAX_BYTES) errors.push({ field: 'file', message: `${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; the limit is 10 MiB.` });
  if (file.size === 0) errors.push({ field: 'file', message: `${file.name} is empty.` });
  return { type, errors };
}

/** Sends a document with XMLHttpRequest, so the bar shows the upload's progress. */
function sendDocument(appID, kind, file, type, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v1/applications/${appID}/documents?kind=${encodeURIComponent(kind)}&filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', type);
    const s = currentSession();
    if (s) xhr.setRequestHeader('Authorization', `Bearer ${s.token}`);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        progress.value = 100;
        resolve(body);
      } else {
        reject(new ApiError(xhr.status, body && typeof body === 'object' ? body : { title: 'The upload was refused', detail: `The service answered ${xhr.status}.` }));
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, { title: 'The service cannot be reached', detail: 'Check your connection and try again.' })));
    xhr.send(file);
  });
}

/** The upload form: a kind, a file (chosen or dropped on the zone), a progress bar. */
function uploader(app, kinds, defaultKind, onDone) {
  let dropped = null;
  const chosen = h('p', { class: 'hint', 'aria-live': 'polite' }, 'No file chosen.');
  const progress = h('progress', { max: 100, value: 0, 'aria-label': 'Upload progress', hidden: true });
  const zone = h('div', { class: 'dropzone', 'data-dropzone': '' },
    h('p', {}, 'Drop a file here, or choose one above.'), h('p', { class: 'hint' }, 'PDF, PNG or JPEG, up to 10 MiB.'));
  const f = form({ 'aria-label': 'Upload a document', class: 'upload-form' }, [
    field('Document kind', 'kind', { options: kinds, value: defaultKind, required: true }),
    field('File', 'file', { type: 'file', attrs: { accept: '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg' } }),
    zone, chosen, progress,
  ], async (v, theForm) => {
    const input = theForm.querySelector('input[type=file]');
    const file = dropped || input.files[0];
    if (!file) throw localProblem('No file chosen', [{ field: 'file', message: 'Choose a file or drop one on the zone.' }]);
    const { type, errors } = await fileProblems(file);
    if (errors.length) throw localProblem('This file cannot be uploaded', errors);
    progress.hidden = false;
    progress.value = 0;
    const doc = await sendDocument(app.id, v.kind, file, type, progress);
    announce(`${file.name} uploaded as ${KIND_NAMES[doc.kind] || words(doc.kind)}.`);
    dropped = null;
    await onDone(doc);
  }, { submitLabel: 'Upload' });

  const fileInput = f.querySelector('input[type=file]');
  const describe = async (file) => {
    clearErrors(f);
    chosen.textContent = file ? `Chosen: ${file.name} (${Math.ceil(file.size / 1024)} KiB)` : 'No file chosen.';
    if (!file) return;
    const { errors } = await fileProblems(file);
    if (errors.length) showProblem(f, localProblem('This file cannot be uploaded', errors));
  };
  fileInput.addEventListener('change', () => {
    dropped = null;
    describe(fileInput.files[0]);
  });
  for (const name of ['dragenter', 'dragover']) {
    zone.addEventListener(name, (e) => {
      e.preventDefault();
      zone.classList.add('over');
    });
  }
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    dropped = file;
    fileInput.value = '';
    describe(file);
  });
  return f;
}

// ---- an application ------------------------------------------------------------------------------------

function kindsFor(app) {
  switch (app.status) {
    case 'draft': return [KINDS[0], KINDS[1]];
    case 'approved': return [KINDS[2], KINDS[0]];
    case 'agreement_signed': return [KINDS[3], KINDS[4], KINDS[5], KINDS[6], KINDS[0]];
    default: return KINDS;
  }
}

function applicationPage(params) {
  const id = Number(params.id);
  if (!Number.isInteger(id) || id < 1) throw new Error('There is no such application.');
  const { root, refresh } = refreshable((el, again) => fillApplication(el, id, again));
  return refresh().then(() => root);
}

async function fillApplication(root, id, refresh) {
  const [app, docs, payments, names, programmes] = await Promise.all([
    api('GET', `/v1/applications/${id}`),
    allPages(`/v1/applications/${id}/documents?limit=100`),
    allPages(`/v1/payments?application_id=${id}&limit=100`),
    hostNames(),
    allPages('/v1/programmes').catch(() => []),
  ]);
  const programme = programmes.find((p) => p.id === app.programme_id);
  const host = names[app.host_organisation_id];
  const allowed = new Set(app.allowed_actions || []);
  const current = docs.filter((d) => !d.withdrawn_at);
  const after = async (message) => {
    await refresh();
    if (message) announce(message);
    root.querySelector('h1')?.focus();
  };

  const parts = [
    pageTitle(`Exchange ${app.id}: ${host?.legal_name || `organisation ${app.host_organisation_id}`}`),
    h('p', { class: 'status-line' }, 'Status: ', badge(app.status), app.status_reason ? ` — ${app.status_reason}` : ''),
    section('Next step',
      h('p', {}, nextStep(app)),
      (app.next_actions || []).length
        ? h('ul', { class: 'plain-list' }, app.next_actions.map((s) => h('li', {}, STEP_TEXT[s.action] || words(s.action), h('span', { class: 'hint' }, ` — ${s.roles.map(words).join(', ')}`))))
        : null),
    section('The exchange',
      dl([
        ['Dates', `${date(app.activity_start)} – ${date(app.activity_end)}`],
        ['Working days', String(app.working_days)],
        ['Distance', km(app.distance_km)],
        ['Lump sum', money(app.lump_sum_cents)],
        app.granted_cents !== null && app.granted_cents !== undefined ? ['Granted', money(app.granted_cents)] : null,
        app.final_amount_cents !== null && app.final_amount_cents !== undefined ? ['Final amount', money(app.final_amount_cents)] : null,
        app.report_due_on ? ['Report due', date(app.report_due_on)] : null,
        app.payment_due_on ? ['Payment due', date(app.payment_due_on)] : null,
      ]),
      h('p', {}, `Participant: ${app.participant.name} (${app.participant.position}), from ${app.origin.city}, ${app.origin.country}. Activity: ${words(app.activity_type)}.`),
      h('p', {}, 'Host answer: ', badge(app.host_acceptance?.status || 'pending'), app.host_acceptance?.reason ? ` — ${app.host_acceptance.reason}` : ''),
      h('p', { class: 'objectives' }, app.objectives)),
  ];

  if (allowed.has('submit')) parts.push(submitSection(app, after));
  if (app.status === 'approved' || app.status === 'agreement_signed' || (app.signatures || []).length) parts.push(commitmentSection(app, current, after));
  if (allowed.has('submit_report')) parts.push(reportSection(app, programme, after));
  if (app.actual_start) {
    parts.push(section('Closing report', dl([['Actual dates', `${date(app.actual_start)} – ${date(app.actual_end)}`]]), h('p', {}, app.report_summary || '')));
  }
  parts.push(documentsSection(app, docs, after));
  if (allowed.has('appeal')) parts.push(appealSection(app, after));
  parts.push(section('Payments',
    table(`Payments of exchange ${app.id}`, ['Kind', 'Amount', 'Status', 'Value date', 'Bank reference'], payments.map((p) => [
      words(p.kind), money(p.amount_cents), badge(p.status), date(p.value_date), p.bank_reference || '—',
    ]), { empty: 'No payment yet.' })));
  if (allowed.has('withdraw')) parts.push(withdrawSection(app, after));
  show(root, ...parts);
}

function submitSection(app, after) {
  const d = app.declarations || {};
  const f = form({ 'aria-label': 'Submit the application' }, [
    h('p', {}, 'Check the declarations, then submit. The service checks every rule and lists what is missing.'),
    ruleSlot('host_acceptance', 'The host\'s answer'),
    ruleSlot('documents', 'Documents'),
    checkbox('The participant is employed by our organisation', 'participant_employed_by_visitor', d.participant_employed_by_visitor === true),
    checkbox('The participant is a national of a country outside COSME', 'participant_third_country_national', d.participant_third_country_national === true),
    field('Days of residence in a COSME country', 'residence_days_in_cosme', { type: 'number', value: d.residence_days_in_cosme ?? '', attrs: { min: 0 } }),
    checkbox('Our organisation has not visited in any ClusterXchange partnership before', 'no_previous_clusterxchange_visit', d.no_previous_clusterxchange_visit === true),
  ], async (v) => {
    const declarations = {
      participant_employed_by_visitor: v.participant_employed_by_visitor,
      participant_third_country_national: v.participant_third_country_national,
      no_previous_clusterxchange_visit: v.no_previous_clusterxchange_visit,
      residence_days_in_cosme: v.residence_days_in_cosme,
    };
    const same = ['participant_employed_by_visitor', 'participant_third_country_national', 'no_previous_clusterxchange_visit', 'residence_days_in_cosme']
      .every((k) => (d[k] ?? null) === (declarations[k] ?? null));
    if (!same) await api('PATCH', `/v1/applications/${app.id}`, { json: { declarations } });
    const submitted = await api('POST', `/v1/applications/${app.id}/submit`);
    await after(`Application ${submitted.id} submitted: ${words(submitted.status)}.`);
  }, { submitLabel: 'Submit the application' });
  return section('Submit', f);
}

function commitmentSection(app, docs, after) {
  const ctq = docs.filter((d) => d.kind === 'commitment_to_quality').at(-1);
  const signed = (app.signatures || []).filter((s) => s.valid);
  const missing = app.missing_signatures || [];
  const children = [
    h('p', {}, 'Four parties sign the same document (its SHA-256): your organisation, the host, and both partnerships.'),
    ctq ? h('p', {}, `Document: ${ctq.filename}, uploaded ${date(ctq.created_at)}.`) : h('p', { class: 'notice' }, 'Upload the Commitment to Quality (document kind “Commitment to Quality”) below, then sign it.'),
    h('ul', { class: 'plain-list' }, Object.entries(PARTIES).map(([party, text]) => {
      const s = signed.find((x) => x.party === party);
      return h('li', {}, s ? badge('signed') : badge('pending'), ` ${text}`, s ? h('span', { class: 'hint' }, ` — ${date(s.signed_at)}`) : null);
    })),
  ];
  if (ctq && missing.includes('visitor_organisation') && app.status === 'approved') {
    children.push(form({ 'aria-label': 'Sign the Commitment to Quality' }, [
      h('p', {}, `You sign ${ctq.filename} for ${myOrganisation()?.legal_name || 'your organisation'}.`),
    ], async () => {
      const answer = await api('POST', `/v1/applications/${app.id}/signatures`, { json: { party: 'visitor_organisation' } });
      await after(answer?.status === 'agreement_signed' || answer?.application?.status === 'agreement_signed'
        ? 'Signed: the agreement is complete.' : 'Signed for your organisation.');
    }, { submitLabel: 'Sign the Commitment to Quality' }));
  }
  return section('Commitment to Quality', children);
}

/** A place for the errors of a rule that has no control of its own (the host's answer, documents). */
function ruleSlot(name, label) {
  return h('div', { class: 'field rule-slot', 'data-field': name },
    h('p', { class: 'rule-label' }, label),
    h('p', { class: 'field-error', id: `f-${name}-error`, hidden: true }));
}

function reportSection(app, programme, after) {
  const proofs = programme?.closing_report_proofs || [];
  const f = form({ 'aria-label': 'File the closing report' }, [
    h('p', {}, 'Upload the proofs below first: a boarding pass or travel invoice, and the host\'s confirmation of attendance.'),
    proofs.length ? h('p', { class: 'hint' }, `Proofs the programme asks for: ${proofs.map((p) => KIND_NAMES[p.kind] || words(p.kind)).join(', ')}.`) : null,
    field('Actual first day', 'actual_start', { type: 'date', required: true, value: app.activity_start }),
    field('Actual last day', 'actual_end', { type: 'date', required: true, value: app.activity_end }),
    field('Summary', 'summary', { type: 'textarea', required: true, hint: 'What the participant did and what follows.' }),
    ruleSlot('documents', 'Proofs'),
  ], async (v) => {
    const answer = await api('POST', `/v1/applications/${app.id}/report`, { json: { actual_start: v.actual_start, actual_end: v.actual_end, summary: v.summary } });
    await after(`Closing report filed: ${words(answer.status)}.`);
  }, { submitLabel: 'File the closing report' });
  return section('File the closing report', f);
}

function documentsSection(app, docs, after) {
  const rows = docs.map((d) => {
    const get = h('button', { type: 'button', class: 'link-button', 'aria-label': `Download ${d.filename}` }, 'Download');
    get.addEventListener('click', busy(get, async () => {
      try {
        download(await api('GET', `/v1/documents/${d.id}`, { as: 'blob', headers: { Accept: d.media_type } }), d.filename);
        announce(`${d.filename} downloaded.`);
      } catch (error) {
        announce(error?.problem?.detail || 'The download failed.');
      }
    }));
    return [d.filename, KIND_NAMES[d.kind] || words(d.kind), `${Math.ceil(d.size_bytes / 1024)} KiB`, date(d.created_at), d.withdrawn_at ? badge('withdrawn') : get];
  });
  const canUpload = !['withdrawn', 'cancelled', 'closed', 'paid', 'report_accepted'].includes(app.status);
  const kinds = kindsFor(app);
  return section('Documents',
    table(`Documents of exchange ${app.id}`, ['File', 'Kind', 'Size', 'Uploaded', ''], rows, { empty: 'No documents yet.' }),
    canUpload ? h('h3', {}, 'Upload a document') : null,
    canUpload ? uploader(app, kinds, kinds[0][0], () => after()) : null);
}

function appealSection(app, after) {
  const f = form({ 'aria-label': 'Appeal the outcome' }, [
    app.appeal_deadline ? h('p', {}, `You may appeal until ${date(app.appeal_deadline)}.`) : null,
    field('Grounds of the appeal', 'grounds', { type: 'textarea', required: true }),
  ], async (v) => {
    const answer = await api('POST', `/v1/applications/${app.id}/appeal`, { json: { grounds: v.grounds } });
    await after(`Appeal filed${answer?.status ? `: ${words(answer.status)}` : ''}.`);
  }, { submitLabel: 'Appeal' });
  return section(`Appeal the ${app.status === 'ineligible' ? 'ineligibility' : 'rejection'}`, f);
}

function withdrawSection(app, after) {
  const f = form({ 'aria-label': 'Withdraw the application' }, [
    field('Reason for withdrawing', 'reason', { type: 'textarea' }),
  ], async (v) => {
    if (!window.confirm(`Withdraw exchange ${app.id}? This cannot be undone.`)) return;
    await api('POST', `/v1/applications/${app.id}/withdraw`, { json: { reason: v.reason || null } });
    await after('The application is withdrawn.');
  }, { submitLabel: 'Withdraw' });
  f.querySelector('button[type=submit]').classList.replace('primary', 'danger');
  return h('details', { class: 'card withdraw' }, h('summary', {}, 'Withdraw this application'), f);
}

// ---- payments ---------------------------------------------------------------------------------------------

async function paymentsPage() {
  const payments = await allPages('/v1/payments?limit=100');
  const total = payments.filter((p) => p.status === 'paid').reduce((s, p) => s + p.amount_cents, 0);
  return h('div', {},
    pageTitle('Payments'),
    dl([['Paid to you', money(total)], ['Payments', String(payments.length)]]),
    table('Payments', ['Exchange', 'Kind', 'Amount', 'Status', 'Value date', 'Bank reference', 'Paid to'], payments.map((p) => [
      link(`#/applications/${p.application_id}`, `Exchange ${p.application_id}`), words(p.kind), money(p.amount_cents), badge(p.status),
      date(p.value_date), p.bank_reference || '—', p.payee_iban || '—',
    ]), { empty: 'No payments yet.' }));
}

// ---- notifications ----------------------------------------------------------------------------------------

function notificationsPage() {
  const { root, refresh } = refreshable(async (el, again) => {
    const items = await allPages('/v1/notifications?limit=100', 200);
    const unread = items.filter((n) => !n.read_at).length;
    const all = h('button', { type: 'button' }, 'Mark all read');
    all.addEventListener('click', busy(all, async () => {
      const answer = await api('POST', '/v1/notifications/read');
      await again();
      announce(`${answer?.marked ?? unread} notification(s) marked read.`);
    }));
    show(el,
      pageTitle('Notifications'),
      h('p', {}, `${unread} unread.`),
      unread ? h('div', { class: 'actions' }, all) : null,
      items.length ? h('ul', { class: 'notifications' }, items.map((n) => {
        const mark = n.read_at ? null : h('button', { type: 'button', 'aria-label': `Mark “${n.subject}” read` }, 'Mark read');
        mark?.addEventListener('click', busy(mark, async () => {
          await api('POST', `/v1/notifications/${n.id}/read`);
          await again();
          announce(`“${n.subject}” marked read.`);
        }));
        return h('li', { class: `card notification${n.read_at ? '' : ' unread'}` },
          h('h2', {}, n.read_at ? '' : h('span', { class: 'badge badge-pending' }, 'unread'), n.read_at ? '' : ' ', n.subject),
          h('p', { class: 'hint' }, date(n.created_at), n.due_on ? ` · due ${date(n.due_on)}` : ''),
          h('p', { class: 'notification-body' }, n.body),
          h('p', { class: 'actions' }, link(`#/applications/${n.application_id}`, `Open exchange ${n.application_id}`), mark));
      })) : h('p', { class: 'empty' }, 'No notifications.'));
  });
  return refresh().then(() => root);
}

// ---- exchanges my organisation hosts -------------------------------------------------------------------------

function hostedPage() {
  const { root, refresh } = refreshable(async (el, again) => {
    const items = await allPages('/v1/hosted-exchanges?limit=100');
    show(el,
      pageTitle('Exchanges we host'),
      h('p', {}, 'Organisations that proposed to visit yours. While an exchange is a draft, you accept or decline the match.'),
      items.length ? items.map((x) => hostedCard(x, again)) : h('p', { class: 'empty' }, 'No organisation has proposed to visit yours yet.'));
  });
  return refresh().then(() => root);
}

function hostedCard(x, refresh) {
  const after = async (message) => {
    await refresh();
    announce(message);
  };
  const children = [
    h('p', {}, 'Status: ', badge(x.status), ' · host answer: ', badge(x.host_acceptance?.status || 'pending')),
    dl([
      ['Visitor', `${x.visitor_legal_name} (${x.visitor_country})`],
      ['Participant', x.participant_name],
      ['Dates', `${date(x.activity_start)} – ${date(x.activity_end)}`],
    ], { class: 'profile' }),
    h('p', { class: 'objectives' }, x.objectives),
  ];
  if (x.status === 'draft' && x.host_acceptance?.status !== 'accepted') {
    const accept = form({ 'aria-label': `Accept the exchange ${x.id}` }, [], async () => {
      await api('POST', `/v1/applications/${x.id}/host-decision`, { json: { decision: 'accepted' } });
      await after(`You accepted the exchange with ${x.visitor_legal_name}.`);
    }, { submitLabel: 'Accept the match' });
    const decline = form({ 'aria-label': `Decline the exchange ${x.id}` }, [
      field('Reason for declining', `reason-${x.id}`, { type: 'textarea', hint: 'Needed when you decline.' }),
    ], async (v) => {
      await api('POST', `/v1/applications/${x.id}/host-decision`, { json: { decision: 'declined', reason: v[`reason-${x.id}`] || null } });
      await after(`You declined the exchange with ${x.visitor_legal_name}.`);
    }, { submitLabel: 'Decline the match' });
    decline.querySelector('button[type=submit]').classList.replace('primary', 'danger');
    children.push(h('div', { class: 'grid' }, accept, decline));
  }
  if (x.status === 'approved' && x.commitment_to_quality_document_id && (x.missing_signatures || []).includes('host_organisation')) {
    children.push(form({ 'aria-label': `Sign the Commitment to Quality of exchange ${x.id}` }, [
      h('p', {}, 'Sign the Commitment to Quality for your organisation as host.'),
    ], async () => {
      await api('POST', `/v1/applications/${x.id}/signatures`, { json: { party: 'host_organisation' } });
      await after('Signed for your organisation as host.');
    }, { submitLabel: 'Sign as host' }));
  }
  return h('section', { class: 'card hosted' }, h('h2', {}, `${x.visitor_legal_name}: exchange ${x.id}`), children);
}

export default {
  nav: [
    ['#/', 'My exchanges'],
    ['#/organisation', 'Organisation'],
    ['#/hosts', 'Hosts'],
    ['#/applications/new', 'New exchange'],
    ['#/hosted', 'We host'],
    ['#/payments', 'Payments'],
    ['#/notifications', 'Notifications'],
  ],
  routes: [
    ['/', home],
    ['/organisation', organisationPage],
    ['/hosts', hostsPage],
    ['/applications/new', newExchangePage],
    ['/applications/:id', applicationPage],
    ['/hosted', hostedPage],
    ['/payments', paymentsPage],
    ['/notifications', notificationsPage],
  ],
};
