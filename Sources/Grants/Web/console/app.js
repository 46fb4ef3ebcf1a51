// The console's shell: a hash router (`#/path?query`), the login and registration pages, the
// navigation of each role, and the pages each role module adds. Pages are functions
// `(params, query) => Node | Promise<Node>`; the shell shows a page's errors in the banner and
// moves focus to its heading, so every navigation is announced.

import { api, currentSession, startSession, endSession, keepPlace, takeReturnPlace } from './api.js';
import { h, show, field, form, pageTitle, banner, announce, link, organisationKinds } from './ui.js';
import applicant from './applicant.js';
import evaluator from './evaluator.js';
import coordinator from './coordinator.js';
import auditor from './auditor.js';

const roles = { applicant, evaluator, coordinator, auditor };

/** Pages open to anyone. */
const publicRoutes = [
  ['/login', loginPage],
  ['/register', registerPage],
];

function matchRoute(routes, path) {
  for (const [pattern, page] of routes) {
    const names = [];
    const re = new RegExp(`^${pattern.replace(/:([a-z_]+)/g, (_, n) => { names.push(n); return '([^/]+)'; })}$`);
    const m = path.match(re);
    if (m) return { page, params: Object.fromEntries(names.map((n, i) => [n, decodeSegment(m[i + 1])])) };
  }
  return null;
}

/** A path segment as typed; a malformed escape (`%E0`) is kept as it is rather than stopping the page. */
function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parseHash() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, qs = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(qs) };
}

let renderCount = 0;

async function render() {
  const main = document.getElementById('main');
  const { path, query } = parseHash();
  const session = currentSession();
  const mine = ++renderCount;
  banner(null);
  renderChrome(session);
  let match = matchRoute(publicRoutes, path);
  if (!match) {
    if (!session) {
      if (path !== '/') keepPlace(location.hash);
      location.hash = '#/login';
      return;
    }
    const role = roles[session.user.role];
    match = matchRoute(role.routes, path) || { page: notFoundPage, params: {} };
  }
  // The old page goes at once: nobody reads (or a test checks) a page that is being replaced.
  show(main, h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  try {
    const node = await match.page(match.params, query);
    if (mine !== renderCount) return; // a newer navigation won
    show(main, node);
    const heading = main.querySelector('h1');
    (heading || main).focus({ preventScroll: false });
  } catch (error) {
    if (mine !== renderCount) return;
    show(main, pageTitle('This page could not be shown'),
      h('p', {}, error?.problem?.detail || error?.message || 'Something went wrong.'),
      h('p', {}, link('#/', 'Back to the start')));
    main.querySelector('h1')?.focus();
  }
}

function renderChrome(session) {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!session) {
    show(nav);
    show(who);
    return;
  }
  const { path } = parseHash();
  const items = roles[session.user.role]?.nav || [];
  show(nav, h('ul', {}, items.map(([hash, text]) => {
    const current = path === hash.slice(1) || (hash !== '#/' && path.startsWith(hash.slice(1) + '/'));
    return h('li', {}, h('a', { href: hash, 'aria-current': current ? 'page' : undefined }, text));
  })));
  const logout = h('button', { type: 'button', class: 'link-button' }, 'Log out');
  logout.addEventListener('click', async () => {
    try {
      await api('POST', '/v1/auth/logout');
    } catch {
      // the session ends here whatever the service says
    }
    endSession();
    announce('You are logged out.');
    location.hash = '#/login';
  });
  show(who, h('span', { class: 'who-name' }, `${session.user.name} (${session.user.role})`), ' ', logout);
}

function notFoundPage() {
  return h('div', {}, pageTitle('Page not found'), h('p', {}, 'There is no such page in the console. '), link('#/', 'Go to the start'));
}

// ---- login ---------------------------------------------------------------------------------

function loginPage(_params, query) {
  if (currentSession()) {
    location.hash = '#/';
    return h('p', {}, 'You are already logged in.');
  }
  const expired = query.get('expired') === '1';
  const f = form({ 'aria-label': 'Log in' }, [
    field('E-mail', 'email', { type: 'email', required: true, attrs: { autocomplete: 'email' } }),
    field('Password', 'password', { type: 'password', required: true, attrs: { autocomplete: 'current-password' } }),
  ], async (v) => {
    const answer = await api('POST', '/v1/auth/login', { json: { email: v.email, password: v.password } });
    // The session starts only with the person's real record: a failed /v1/me leaves no session.
    const me = await api('GET', '/v1/me', { headers: { Authorization: `Bearer ${answer.token}` } });
    startSession(answer.token, me);
    announce(`Logged in as ${me.name}.`);
    location.hash = takeReturnPlace() || '#/';
  }, { submitLabel: 'Log in' });
  return h('div', { class: 'narrow' },
    pageTitle('Log in'),
    expired ? h('p', { class: 'notice', role: 'status' }, 'Your session ended. Log in again to continue where you were.') : null,
    f,
    h('p', {}, 'A new SME or organisation? ', link('#/register', 'Register your organisation')));
}

// ---- registration ----------------------------------------------------------------------------

function registerPage() {
  const f = form({ 'aria-label': 'Register your organisation' }, [
    h('fieldset', {}, h('legend', {}, 'You'),
      field('Your name', 'name', { required: true, attrs: { autocomplete: 'name' } }),
      field('E-mail', 'email', { type: 'email', required: true, attrs: { autocomplete: 'email' } }),
      field('Password', 'password', { type: 'password', required: true, hint: 'At least 10 characters.', attrs: { autocomplete: 'new-password' } })),
    h('fieldset', {}, h('legend', {}, 'Your organisation'),
      field('Legal name', 'legal_name', { required: true, attrs: { autocomplete: 'organization' } }),
      field('Kind', 'kind', { options: organisationKinds, required: true }),
      field('Country (two letters)', 'country', { required: true, hint: 'ISO code, e.g. RO, ES, DE.', attrs: { maxlength: 2, autocomplete: 'country' } }),
      field('City', 'city', { required: true }),
      field('Latitude', 'latitude', { type: 'number', required: true, hint: 'Decimal degrees, e.g. 46.7712.', attrs: { step: 'any' } }),
      field('Longitude', 'longitude', { type: 'number', required: true, hint: 'Decimal degrees, e.g. 23.6236.', attrs: { step: 'any' } }),
      field('IBAN', 'iban', { hint: 'Where the grant is paid; a coordinator checks it.' })),
    h('fieldset', {}, h('legend', {}, 'Cluster membership'),
      h('p', { class: 'hint' }, 'An SME takes part as a member of a cluster: name it and link its profile on the European Cluster Collaboration Platform.'),
      field('Cluster name', 'cluster_name'),
      field('Cluster profile URL', 'cluster_profile_url', { type: 'url' })),
  ], async (v) => {
    const organisation = {
      legal_name: v.legal_name, country: v.country.toUpperCase(), kind: v.kind, city: v.city,
      latitude: v.latitude, longitude: v.longitude,
    };
    if (v.iban) organisation.iban = v.iban;
    if (v.cluster_name) organisation.cluster_name = v.cluster_name;
    if (v.cluster_profile_url) organisation.cluster_profile_url = v.cluster_profile_url;
    await api('POST', '/v1/auth/register', { json: { email: v.email, password: v.password, name: v.name, organisation } });
    const answer = await api('POST', '/v1/auth/login', { json: { email: v.email, password: v.password } });
    startSession(answer.token, await api('GET', '/v1/me', { headers: { Authorization: `Bearer ${answer.token}` } }));
    announce('Your organisation is registered. A coordinator validates it before you can apply.');
    location.hash = '#/organisation';
  }, { submitLabel: 'Register' });
  return h('div', { class: 'narrow' }, pageTitle('Register your organisation'), f,
    h('p', {}, 'Already registered? ', link('#/login', 'Log in')));
}

// ---- start -------------------------------------------------------------------------------------

window.addEventListener('hashchange', render);
document.addEventListener('click', (event) => {
  // The skip link moves focus without changing the route.
  const skip = event.target.closest?.('[data-skip]');
  if (skip) {
    event.preventDefault();
    document.getElementById('main')?.focus();
  }
});
render();
