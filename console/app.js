import { ApiError, createApi } from './api.js';
import { accessToken, completeSignIn, signedInSubject, signIn, signOut } from './auth.js';

const $ = (id) => document.getElementById(id);
const DAY = 24 * 60 * 60 * 1000;
const PERMISSIONS = { PULL: 'Pull', PULL_PUSH: 'Pull & Push' };
const STATUSES = { ENABLED: 'Enabled', DISABLED: 'Disabled' };
// Why the service itself disabled a token (its disabledReason).
const DISABLED_REASONS = { leak_reported: 'Secret reported leaked', unused: 'Unused too long (policy)' };
// Tokens expiring within this many days are marked in the list.
const EXPIRING_DAYS = 7;
const REFUSAL_REASONS = {
  bad_secret: 'wrong secret', disabled: 'disabled', expired: 'expired', source_over_limit: 'source over its limit',
};
// The API names these fields in its errors; each has its message slot next to its input.
const FIELD_ERRORS = { name: 'name-error', expiresInDays: 'days-error', permission: 'permission-error', description: 'description-error',
  allowedSources: 'allowed-sources-error' };
const FIELD_INPUTS = { name: 'name', expiresInDays: 'days', description: 'description', allowedSources: 'allowed-sources' };
const CHANGED_ELSEWHERE = 'This token was changed elsewhere. Reload to see its current state.';
const SELECTED_NAMESPACE = 'registry-tokens.namespace';
// The API takes at most this many repository rules per token.
const MAX_RULES = 100;
const ROLE_HINTS = {
  owner: (namespace) => `You are an owner of ${namespace}: you create tokens and manage every token of it.`,
  member: (namespace) => `You are a member of ${namespace}: you create tokens and manage the ones you created.`,
  viewer: (namespace) => `You are a viewer of ${namespace}: you see its tokens; its members and owners change them.`,
};

const timeOfDayFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relativeDays = new Intl.RelativeTimeFormat(undefined, { numeric: 'always' });

const state = {
  config: null, api: null, subject: null, memberships: [], namespace: null, role: null, tokens: [], nextCursor: null, menuToken: null,
  policyVersion: 0,
};

/** The token calls of the namespace shown. */
const tokenApi = () => state.api.tokensOf(state.namespace);

/** What the role lets the signed-in account do to a token; the API decides again on every call. */
function mayChange(token) {
  return state.role === 'owner' || (state.role === 'member' && state.subject !== null && token.createdBy === state.subject);
}

function showPageAlert(message) {
  $('page-alert-text').textContent = message;
  $('page-alert').hidden = false;
}

function announce(message) {
  $('status').textContent = message;
}

/**
 * A date in the reader's locale, with the time of day unless `withTime` is false; the exact UTC time in its tooltip.
 * Date and time each stay on one line, but a narrow column may put the time below the date.
 */
function timeElement(iso, { withTime = true } = {}) {
  const time = document.createElement('time');
  const when = new Date(iso);
  time.dateTime = iso;
  const part = (text) => {
    const span = document.createElement('span');
    span.textContent = text;
    return span;
  };
  time.append(part(dayFormat.format(when)));
  if (withTime) time.append(' ', part(timeOfDayFormat.format(when)));
  time.title = `${iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`;
  return time;
}

function expiresCell(token) {
  const cell = textCell('Expires', token.expiresAt ? '' : 'Never');
  if (token.expiresAt) {
    const when = document.createElement('span');
    const note = document.createElement('span');
    const daysLeft = Math.max(0, Math.ceil((Date.parse(token.expiresAt) - Date.now()) / DAY));
    const expiring = !token.expired && daysLeft <= EXPIRING_DAYS;
    note.className = token.expired ? 'badge expired' : expiring ? 'badge expiring' : 'hint';
    note.textContent = token.expired ? 'Expired' : relativeDays.format(daysLeft, 'day');
    if (expiring) note.title = `Expires within ${EXPIRING_DAYS} days`;
    when.append(timeElement(token.expiresAt, { withTime: false }), document.createElement('br'), note);
    cell.append(when);
  }
  return cell;
}

/** Where a login came from: its address and, when it sent one, its client. */
function sourceText(source) {
  return source.client ? `${source.ip} · ${source.client}` : source.ip;
}

/** Last used, from where and with what; and, folded, the token's five recent sources and the refusals of the last day. */
function lastUsedCell(token) {
  const cell = textCell('Last used', token.lastUsedAt ? '' : 'Never');
  if (token.lastUsedAt) cell.append(timeElement(token.lastUsedAt));
  const sources = token.recentSources ?? [];
  if (sources.length > 0) {
    const from = document.createElement('span');
    from.className = 'hint usage-source';
    from.textContent = sourceText(sources[0]);
    cell.append(document.createElement('br'), from);
  }
  if (token.refusedLogins24h > 0) {
    const refused = document.createElement('span');
    refused.className = 'badge refused';
    refused.textContent = `${token.refusedLogins24h} refused (24 h)`;
    cell.append(document.createElement('br'), refused);
  }
  if (sources.length > 0 || token.lastRefusal) cell.append(usageDetails(token));
  return cell;
}

function usageDetails(token) {
  const details = document.createElement('details');
  details.className = 'usage';
  const summary = document.createElement('summary');
  summary.textContent = 'Usage';
  summary.setAttribute('aria-label', `Usage of ${token.name}`);
  details.append(summary);
  const sources = token.recentSources ?? [];
  if (sources.length > 0) {
    const heading = document.createElement('p');
    heading.textContent = `Last ${sources.length === 1 ? 'source' : `${sources.length} sources`}:`;
    const list = document.createElement('ol');
    list.className = 'usage-sources';
    for (const source of sources) {
      const item = document.createElement('li');
      item.append(`${sourceText(source)}, `, timeElement(source.lastUsedAt));
      list.append(item);
    }
    details.append(heading, list);
  }
  const refusals = document.createElement('p');
  refusals.className = 'usage-refusals';
  const byReason = Object.entries(token.refusedLogins24hByReason ?? {})
    .map(([reason, count]) => `${REFUSAL_REASONS[reason] ?? reason} ${count}`).join(', ');
  refusals.textContent = token.refusedLogins24h > 0
    ? `${token.refusedLogins24h} refused in the last 24 hours: ${byReason}.` : 'No refused logins in the last 24 hours.';
  details.append(refusals);
  if (token.lastRefusal) {
    const last = document.createElement('p');
    last.className = 'usage-last-refusal';
    last.append(`Last refused: ${sourceText(token.lastRefusal)}, ${REFUSAL_REASONS[token.lastRefusal.reason] ?? token.lastRefusal.reason}, `,
      timeElement(token.lastRefusal.at));
    details.append(last);
  }
  return details;
}

function textCell(label, text, className) {
  const cell = document.createElement('td');
  cell.dataset.label = label;
  cell.textContent = text;
  if (className) cell.className = className;
  return cell;
}

function repositoriesCell(token) {
  const cell = textCell('Repositories', token.repositories ? '' : 'All');
  if (token.repositories) {
    const rules = document.createElement('ul');
    rules.className = 'rules-list';
    for (const rule of token.repositories) {
      const item = document.createElement('li');
      const pattern = document.createElement('code');
      pattern.textContent = rule.pattern;
      item.append(pattern, ` ${PERMISSIONS[rule.permission] ?? rule.permission}`);
      rules.append(item);
    }
    cell.append(rules);
  }
  return cell;
}

function createdByCell(token) {
  const cell = textCell('Created by', token.createdBy ?? 'Unknown', 'long');
  if (token.createdBy !== null && token.createdBy === state.subject) {
    const you = document.createElement('span');
    you.className = 'hint';
    you.textContent = ' (you)';
    cell.append(you);
  }
  return cell;
}

function actionsCell(token) {
  const actions = document.createElement('td');
  actions.className = 'actions';
  if (!mayChange(token)) return actions;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'dots';
  button.setAttribute('aria-label', `Actions for ${token.name}`);
  button.setAttribute('aria-haspopup', 'menu');
  button.setAttribute('aria-expanded', 'false');
  button.dataset.tokenId = token.id;
  button.textContent = '⋯';
  button.addEventListener('click', () => openMenu(token, button));
  actions.append(button);
  return actions;
}

function row(token) {
  const tr = document.createElement('tr');
  const status = textCell('Status', '');
  const badge = document.createElement('span');
  badge.className = `badge ${token.status.toLowerCase()}`;
  badge.textContent = STATUSES[token.status] ?? token.status;
  status.append(badge);
  if (token.status === 'DISABLED' && DISABLED_REASONS[token.disabledReason]) {
    const reason = document.createElement('span');
    reason.className = `reason ${token.disabledReason}`;
    reason.textContent = DISABLED_REASONS[token.disabledReason];
    status.append(' ', reason);
  }
  if (token.previousSecretExpiresAt) {
    const grace = document.createElement('span');
    grace.className = 'hint';
    grace.append('Old secret works until ', timeElement(token.previousSecretExpiresAt));
    status.append(document.createElement('br'), grace);
  }
  const expires = expiresCell(token);
  const lastUsed = lastUsedCell(token);
  const created = textCell('Created', '');
  created.append(timeElement(token.createdAt));
  tr.append(textCell('Name', token.name, 'long name'), textCell('Username', token.username, 'long mono'),
    textCell('Permission', PERMISSIONS[token.permission] ?? token.permission), repositoriesCell(token), status, expires,
    lastUsed, created, createdByCell(token), textCell('Description', token.description ?? '', 'long'));
  // A viewer's list has no actions column at all.
  if (state.role !== 'viewer') tr.append(actionsCell(token));
  return tr;
}

function render() {
  // A row's actions button that had focus keeps it across the re-render (after a dialog returned focus to it).
  const focusedTokenId = document.activeElement?.dataset?.tokenId;
  $('token-rows').replaceChildren(...state.tokens.map(row));
  if (focusedTokenId) actionsButton({ id: focusedTokenId })?.focus();
  $('token-table').hidden = state.tokens.length === 0;
  $('empty').hidden = state.tokens.length > 0;
  $('load-more').hidden = !state.nextCursor;
  renderLeakBanner();
}

/** A banner over the list while any token shown is disabled because its secret was reported leaked. */
function renderLeakBanner() {
  const leaked = state.tokens.filter((token) => token.status === 'DISABLED' && token.disabledReason === 'leak_reported');
  $('leak-banner').hidden = leaked.length === 0;
  $('leak-banner').textContent = leaked.length === 0 ? '' : `${leaked.map((token) => token.name).join(', ')}: `
    + `disabled because ${leaked.length === 1 ? 'its secret was' : 'their secrets were'} found in public (GitHub secret scanning). `
    + 'Reset the secret, update the pipelines that use it, then enable the token again.';
}

/** The page's controls for the role in the namespace shown: a viewer gets no + and no actions column. */
function renderRole() {
  const viewer = state.role === 'viewer';
  $('create').hidden = viewer;
  $('activity').hidden = false;
  $('open-policy').hidden = state.role !== 'owner';
  $('actions-header').hidden = viewer;
  $('role-hint').textContent = ROLE_HINTS[state.role]?.(state.namespace) ?? '';
  const empty = $('empty');
  if (viewer) {
    empty.textContent = `No access tokens in ${state.namespace} yet.`;
  } else {
    const plus = document.createElement('strong');
    plus.textContent = '+';
    empty.replaceChildren(`No access tokens in ${state.namespace} yet. Create one with `, plus, ' to log in to the registry.');
  }
}

async function load({ more = false } = {}) {
  const namespace = state.namespace;
  try {
    const page = await tokenApi().list(more ? state.nextCursor : undefined);
    // A namespace switched to meanwhile has its own list coming: this answer is no longer wanted.
    if (namespace !== state.namespace) return;
    state.tokens = more ? state.tokens.concat(page.items) : page.items;
    state.nextCursor = page.nextCursor ?? null;
    $('page-alert').hidden = true;
    render();
  } catch (error) {
    if (namespace === state.namespace) handleFailure(error);
  }
}

/** Shows one of the caller's namespaces: its role's controls, then its tokens. */
async function showNamespace(namespace) {
  showPolicyPage(false);
  const membership = state.memberships.find((candidate) => candidate.namespace === namespace) ?? state.memberships[0];
  state.namespace = membership.namespace;
  state.role = membership.role;
  sessionStorage.setItem(SELECTED_NAMESPACE, state.namespace);
  $('namespace').value = state.namespace;
  state.tokens = [];
  state.nextCursor = null;
  renderRole();
  render();
  $('token-table').hidden = true;
  $('empty').hidden = true;
  await load();
}

/** Reads the caller's namespaces (GET /namespaces) into the switcher, then shows the one chosen before, or the first. */
async function loadNamespaces() {
  let answer;
  try {
    answer = await state.api.namespaces();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      handleFailure(error);
      return;
    }
    state.memberships = [];
    showNoNamespace(error.message);
    return;
  }
  state.memberships = answer.items;
  if (state.memberships.length === 0) {
    showNoNamespace('Your sign-in names no registry namespace, so there are no tokens to show.');
    return;
  }
  $('namespace').replaceChildren(...state.memberships.map(({ namespace, role }) => new Option(`${namespace} (${role})`, namespace)));
  $('namespace-switcher').hidden = false;
  $('page-alert').hidden = true;
  await showNamespace(state.namespace ?? sessionStorage.getItem(SELECTED_NAMESPACE));
}

/** Without a namespace there is nothing to list or create: the page says why, and offers a reload. */
function showNoNamespace(message) {
  state.namespace = null;
  state.role = null;
  state.tokens = [];
  render();
  for (const id of ['namespace-switcher', 'create', 'token-table', 'empty']) $(id).hidden = true;
  $('role-hint').textContent = '';
  showPageAlert(message);
}

/** A failure outside any form: an expired sign-in returns to the sign-in screen, anything else is shown on the page. */
function handleFailure(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut();
    showSignedOut('Your session has ended. Sign in again.');
  } else {
    showPageAlert(error.status === 412 ? CHANGED_ELSEWHERE : error.message);
  }
}

// --- the actions menu ---------------------------------------------------------------------------------------------

function openMenu(token, button) {
  const menu = $('actions-menu');
  state.menuToken = token;
  menu.querySelector('[data-action=disable]').hidden = token.status !== 'ENABLED';
  menu.querySelector('[data-action=enable]').hidden = token.status === 'ENABLED';
  menu.setAttribute('aria-label', `Actions for ${token.name}`);
  menu.showPopover();
  button.setAttribute('aria-expanded', 'true');
  const box = button.getBoundingClientRect();
  menu.style.top = `${Math.min(box.bottom + 4, innerHeight - menu.offsetHeight - 8)}px`;
  menu.style.left = `${Math.max(8, box.right - menu.offsetWidth)}px`;
  menuItems()[0].focus();
}

const menuItems = () => [...$('actions-menu').querySelectorAll('[role=menuitem]')].filter((item) => !item.hidden);

function actionsButton(token) {
  return token && document.querySelector(`button.dots[data-token-id="${CSS.escape(token.id)}"]`);
}

$('actions-menu').addEventListener('toggle', (event) => {
  if (event.newState === 'closed') {
    const button = actionsButton(state.menuToken);
    button?.setAttribute('aria-expanded', 'false');
    if (!document.querySelector('dialog[open]')) button?.focus();
  }
});

$('actions-menu').addEventListener('keydown', (event) => {
  const items = menuItems();
  const index = items.indexOf(document.activeElement);
  const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 };
  if (event.key in moves) {
    event.preventDefault();
    items[(moves[event.key] + items.length) % items.length].focus();
  } else if (event.key === 'Tab') {
    $('actions-menu').hidePopover();
  }
});

$('actions-menu').addEventListener('click', (event) => {
  const action = event.target.closest('[data-action]')?.dataset.action;
  if (!action) return;
  const token = state.menuToken;
  $('actions-menu').hidePopover();
  if (action === 'edit') openTokenForm(token);
  else if (action === 'activity') openActivity(token, actionsButton(token));
  else openConfirm(action, token);
});

// --- activity: the audit log, overall or of one token ------------------------------------------------------------

const ACTIONS = { create: 'created', edit: 'edited', reset: 'reset', enable: 'enabled', disable: 'disabled', delete: 'deleted' };
const activity = { token: null, cursor: null };

/** A field's value as the console shows it: rules as pattern (permission), nothing as "none". */
function shownValue(value) {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.map((rule) => `${rule.pattern} (${PERMISSIONS[rule.permission] ?? rule.permission})`).join(', ');
  return PERMISSIONS[value] ?? STATUSES[value] ?? String(value);
}

function activityItem(record) {
  const item = document.createElement('li');
  const line = document.createElement('p');
  const who = record.actor.sub === 'system' ? 'The service' : `${record.actor.sub} (${record.actor.role})`;
  line.append(timeElement(record.at), ` ${who} ${ACTIONS[record.action] ?? record.action} `);
  // In the namespace's activity, a token's name shows that token's activity alone (viewers have no actions menu).
  const name = document.createElement(activity.token ? 'strong' : 'button');
  name.textContent = record.tokenName;
  if (!activity.token) {
    name.type = 'button';
    name.className = 'link';
    name.setAttribute('aria-label', `Activity of ${record.tokenName}`);
    name.addEventListener('click', () => showActivity({ id: record.tokenId, name: record.tokenName }));
  }
  line.append(name);
  if (record.actor.sourceIp) line.append(` from ${record.actor.sourceIp}`);
  item.append(line);
  if (record.changes.length) {
    const changes = document.createElement('ul');
    for (const change of record.changes) {
      const entry = document.createElement('li');
      entry.textContent = record.action === 'create' ? `${change.field}: ${shownValue(change.after)}`
        : `${change.field}: ${shownValue(change.before)} → ${shownValue(change.after)}`;
      changes.append(entry);
    }
    item.append(changes);
  }
  if (record.actor.userAgent) item.title = record.actor.userAgent;
  return item;
}

async function loadActivity({ more = false } = {}) {
  $('activity-error').hidden = true;
  try {
    const page = await state.api.audit(state.namespace, { cursor: more ? activity.cursor : null, tokenId: activity.token?.id });
    if (!more) $('activity-list').replaceChildren();
    $('activity-list').append(...page.items.map(activityItem));
    activity.cursor = page.nextCursor;
    $('activity-more').hidden = !page.nextCursor;
    $('activity-empty').hidden = $('activity-list').children.length > 0;
  } catch (error) {
    $('activity-error').textContent = error.message;
    $('activity-error').hidden = false;
  }
}

/** Shows, in the open activity dialog, the activity of the namespace or of one token. */
function showActivity(token) {
  activity.token = token;
  activity.cursor = null;
  $('activity-title').textContent = token ? `Activity of ${token.name}` : `Activity in ${state.namespace}`;
  $('activity-list').replaceChildren();
  $('activity-empty').hidden = true;
  $('activity-more').hidden = true;
  loadActivity();
}

function openActivity(token, returnTo) {
  openDialog($('activity-dialog'), returnTo);
  showActivity(token);
}

$('activity').addEventListener('click', () => openActivity(null, $('activity')));
$('activity-more').addEventListener('click', () => loadActivity({ more: true }));

// --- dialogs ------------------------------------------------------------------------------------------------------

/** Opens a modal dialog; when it closes, focus returns to what opened it (or its row's actions button). */
function openDialog(dialog, returnTo) {
  dialog.returnTo = returnTo;
  dialog.showModal();
}

for (const dialog of document.querySelectorAll('dialog')) {
  dialog.addEventListener('close', () => {
    const target = dialog.returnTo?.isConnected ? dialog.returnTo : $('create').hidden ? $('namespace') : $('create');
    if (!document.querySelector('dialog[open]')) target.focus();
  });
  for (const button of dialog.querySelectorAll('[data-close]')) button.addEventListener('click', () => dialog.close());
}

function clearErrors() {
  for (const slot of $('token-form').querySelectorAll('.field-error, #form-error')) {
    slot.hidden = true;
    slot.textContent = '';
  }
  for (const input of $('token-form').querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/**
 * Where an error the API names a field of goes: its message slot, and the input to mark and focus. A repository rule's
 * field (`repositories[2].pattern`) is that row's; a rule as a whole (`repositories[2]`, or a field it does not have)
 * goes under its row; `repositories` under the fieldset.
 */
function errorPlace(field) {
  const rule = /^repositories\[(\d+)\](?:\.(.+))?$/.exec(field ?? '');
  const row = rule && ruleRows()[Number(rule[1])];
  if (row) {
    const part = rule[2] === 'pattern' || rule[2] === 'permission' ? rule[2] : null;
    return part
      ? { slot: row.querySelector(`[data-id=${part}-error]`), input: row.querySelector(`[data-id=${part}]`) }
      : { slot: row.querySelector('[data-id=error]'), input: row.querySelector('[data-id=pattern]') };
  }
  if (field === 'repositories') return { slot: $('repositories-error'), input: null };
  return { slot: $(FIELD_ERRORS[field] ?? 'form-error'), input: $(FIELD_INPUTS[field] ?? '') };
}

/** Shows the API's message next to the field it names, or above the form when it names none. */
function showFormError(error) {
  if (error.status === 412) {
    $('token-dialog').close();
    showPageAlert(CHANGED_ELSEWHERE);
    return;
  }
  const { slot, input } = errorPlace(error.field);
  slot.textContent = error.message;
  slot.hidden = false;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

// --- repository rules in the form ---------------------------------------------------------------------------------

let nextRuleKey = 0;

const ruleRows = () => [...$('rule-list').children];

/** A pattern + permission row from the template, its ids made unique and its labels numbered. */
function addRule(rule = { pattern: '', permission: 'PULL' }) {
  const row = $('rule-template').content.firstElementChild.cloneNode(true);
  const prefix = `rule-${nextRuleKey++}`;
  const local = new Set([...row.querySelectorAll('[data-id]')].map((element) => element.dataset.id));
  for (const element of row.querySelectorAll('[data-id]')) element.id = `${prefix}-${element.dataset.id}`;
  for (const label of row.querySelectorAll('label[data-for]')) label.htmlFor = `${prefix}-${label.dataset.for}`;
  for (const element of row.querySelectorAll('[data-describedby]')) {
    element.setAttribute('aria-describedby', element.dataset.describedby.split(' ')
      .map((id) => (local.has(id) ? `${prefix}-${id}` : id)).join(' '));
  }
  row.querySelector('[data-id=pattern]').value = rule.pattern;
  row.querySelector('[data-id=permission]').value = rule.permission;
  row.querySelector('.remove-rule').addEventListener('click', () => removeRule(row));
  $('rule-list').append(row);
  numberRules();
  return row;
}

function removeRule(row) {
  const index = ruleRows().indexOf(row);
  row.remove();
  numberRules();
  // Focus stays in the list: on the next row's Remove, else the previous one's, else Add repository.
  const neighbour = ruleRows()[index] ?? ruleRows()[index - 1];
  (neighbour ? neighbour.querySelector('.remove-rule') : $('add-rule')).focus();
}

function numberRules() {
  ruleRows().forEach((row, index) => {
    for (const number of row.querySelectorAll('[data-number]')) number.textContent = `of repository ${index + 1}`;
    row.querySelector('.remove-rule').setAttribute('aria-label', `Remove repository ${index + 1}`);
  });
  $('add-rule').disabled = ruleRows().length >= MAX_RULES;
}

/** The form's repositories as the API takes them: null for all, else the rules in the order shown. */
function formRepositories(form) {
  if (form.elements.repositories.value === 'all') return null;
  return ruleRows().map((row) => ({
    pattern: row.querySelector('[data-id=pattern]').value.trim(),
    permission: row.querySelector('[data-id=permission]').value,
  }));
}

function syncRules() {
  const rules = $('token-form').elements.repositories.value === 'rules';
  $('rules').hidden = !rules;
  if (rules && ruleRows().length === 0) addRule();
}

$('add-rule').addEventListener('click', () => addRule().querySelector('[data-id=pattern]').focus());

let formToken = null;

function expiryOf(token) {
  if (!token?.expiresAt) return { never: Boolean(token), days: 30 };
  return { never: false, days: Math.max(1, Math.ceil((Date.parse(token.expiresAt) - Date.now()) / DAY)) };
}

function openTokenForm(token) {
  formToken = token;
  const form = $('token-form');
  form.reset();
  clearErrors();
  $('token-dialog-title').textContent = token ? 'Edit access token' : 'Create access token';
  $('token-submit').textContent = token ? 'Update' : 'Create';
  $('name').value = token?.name ?? '';
  $('name').readOnly = Boolean(token);
  const expiry = expiryOf(token);
  form.elements.expiry.value = expiry.never ? 'never' : 'days';
  $('days').value = expiry.days;
  form.elements.permission.value = token?.permission ?? 'PULL';
  $('description').value = token?.description ?? '';
  $('allowed-sources').value = (token?.allowedSources ?? []).join('\n');
  $('rule-list').replaceChildren();
  for (const rule of token?.repositories ?? []) addRule(rule);
  form.elements.repositories.value = token?.repositories ? 'rules' : 'all';
  for (const prefix of form.querySelectorAll('.namespace-prefix')) prefix.textContent = `${state.namespace}/`;
  syncDays();
  syncRules();
  openDialog($('token-dialog'), token ? actionsButton(token) : $('create'));
  (token ? form.elements.permission[0] : $('name')).focus();
}

function syncDays() {
  $('days').disabled = $('token-form').elements.expiry.value === 'never';
}

$('token-form').addEventListener('change', (event) => {
  if (event.target.name === 'expiry') syncDays();
  if (event.target.name === 'repositories') syncRules();
});

/** The allowed sources as the API takes them: null (anywhere) when none are given, else one per line or comma. */
function formAllowedSources() {
  const sources = $('allowed-sources').value.split(/[\s,]+/).filter(Boolean);
  return sources.length === 0 ? null : sources;
}

function formExpiresInDays(form) {
  return form.elements.expiry.value === 'never' ? null : Number($('days').value);
}

/** An edit sends only what changed: a re-sent expiry would move the expiry date. */
function changedFields(form, token) {
  const fields = {};
  if (form.elements.permission.value !== token.permission) fields.permission = form.elements.permission.value;
  const before = expiryOf(token);
  const expiresInDays = formExpiresInDays(form);
  if ((expiresInDays === null) !== before.never || (expiresInDays !== null && expiresInDays !== before.days)) {
    fields.expiresInDays = expiresInDays;
  }
  const description = $('description').value.trim() || null;
  if (description !== (token.description ?? null)) fields.description = description;
  const repositories = formRepositories(form);
  const rulesBefore = token.repositories?.map(({ pattern, permission }) => ({ pattern, permission })) ?? null;
  if (JSON.stringify(repositories) !== JSON.stringify(rulesBefore)) fields.repositories = repositories;
  const allowedSources = formAllowedSources();
  if (JSON.stringify(allowedSources) !== JSON.stringify(token.allowedSources ?? null)) fields.allowedSources = allowedSources;
  return fields;
}

$('token-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors();
  $('token-submit').disabled = true;
  try {
    if (formToken) {
      const fields = changedFields(form, formToken);
      if (Object.keys(fields).length > 0) await tokenApi().update(formToken, fields);
      $('token-dialog').close();
      announce(`Token ${formToken.name} updated.`);
    } else {
      const created = await tokenApi().create({
        name: $('name').value.trim(), permission: form.elements.permission.value, repositories: formRepositories(form),
        expiresInDays: formExpiresInDays(form), description: $('description').value.trim() || null,
        allowedSources: formAllowedSources(),
      });
      $('token-dialog').close();
      showSecret(created, 'Access token created');
    }
    await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) handleFailure(error);
    else showFormError(error);
  } finally {
    $('token-submit').disabled = false;
  }
});

const CONFIRMATIONS = {
  reset: {
    title: (name) => `Reset token ${name}?`, button: 'Reset',
    run: (token) => tokenApi().reset(token, Number($('confirm-dialog').querySelector('[name=grace]:checked').value)),
    text: 'A new token value replaces the current one. Unless you keep the old one working for a while, it stops at once:'
      + ' every client using it must log in again.',
  },
  disable: {
    title: (name) => `Disable token ${name}?`, button: 'Disable', run: (token) => tokenApi().disable(token),
    text: 'Logins with this token are refused until you enable it again.',
  },
  enable: {
    title: (name) => `Enable token ${name}?`, button: 'Enable', run: (token) => tokenApi().enable(token),
    text: 'Logins with this token work again.',
  },
  delete: {
    title: (name) => `Delete token ${name}?`, button: 'Delete', run: (token) => tokenApi().remove(token),
    text: 'Logins with this token are refused from now on, and its name is free again. This cannot be undone.',
  },
};

let confirmation = null;

function openConfirm(action, token) {
  confirmation = { action, token };
  const { title, text, button } = CONFIRMATIONS[action];
  $('confirm-title').textContent = title(token.name);
  $('confirm-text').textContent = text;
  $('confirm-error').hidden = true;
  $('confirm-button').textContent = button;
  $('confirm-button').classList.toggle('danger', action === 'delete' || action === 'reset');
  $('grace-field').hidden = action !== 'reset';
  $('confirm-dialog').querySelector('[name=grace][value="0"]').checked = true;
  openDialog($('confirm-dialog'), actionsButton(token));
  $('confirm-dialog').querySelector('[data-close]').focus();
}

$('confirm-button').addEventListener('click', async () => {
  const { action, token } = confirmation;
  $('confirm-button').disabled = true;
  try {
    const answer = await CONFIRMATIONS[action].run(token);
    $('confirm-dialog').close();
    if (action === 'reset') showSecret(answer, 'Access token reset');
    else announce(`Token ${token.name}: ${CONFIRMATIONS[action].button.toLowerCase()} done.`);
    await load();
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 412)) {
      $('confirm-dialog').close();
      handleFailure(error);
    } else {
      $('confirm-error').textContent = error.message;
      $('confirm-error').hidden = false;
    }
  } finally {
    $('confirm-button').disabled = false;
  }
});

// --- the secret, shown once ---------------------------------------------------------------------------------------

function loginLine(username) {
  return `docker login ${state.config.registryHost} -u ${username} --password-stdin`;
}

function showSecret(token, title) {
  $('secret-dialog-title').textContent = title;
  $('secret-username').textContent = token.username;
  $('secret-value').textContent = token.secret;
  $('secret-login').textContent = loginLine(token.username);
  $('copy-status').textContent = '';
  openDialog($('secret-dialog'), actionsButton(token) ?? $('create'));
  $('secret-dialog').querySelector('[data-copy=secret-value]').focus();
}

// The secret leaves the page with its dialog: nothing keeps it after Done, Escape or any other close.
$('secret-dialog').addEventListener('close', () => {
  for (const id of ['secret-username', 'secret-value', 'secret-login', 'copy-status']) $(id).textContent = '';
});

$('secret-dialog').addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = $(button.dataset.copy);
  const what = button.getAttribute('aria-describedby') && $(button.getAttribute('aria-describedby')).textContent;
  try {
    await navigator.clipboard.writeText(source.textContent);
    button.textContent = 'Copied';
    button.classList.add('copied');
    $('copy-status').textContent = `${what} copied to the clipboard.`;
    setTimeout(() => {
      button.textContent = 'Copy';
      button.classList.remove('copied');
    }, 2000);
  } catch {
    getSelection().selectAllChildren(source);
    $('copy-status').textContent = `${what} is selected: press Ctrl+C (or ⌘C) to copy it.`;
  }
});

// --- the policy page (owners) -------------------------------------------------------------------------------------

const policyApi = () => state.api.policyOf(state.namespace);

function showPolicyPage(show) {
  $('tokens').hidden = show;
  $('policy-page').hidden = !show;
}

function renderPolicy(policy) {
  state.policyVersion = policy.version;
  $('policy-namespace').textContent = policy.namespace;
  $('policy-max-days').value = policy.maxLifetimeDays ?? '';
  $('policy-never').value = policy.version === 0 ? '' : String(policy.allowNeverExpires);
  for (const box of document.querySelectorAll('[name=policy-permission]')) {
    box.checked = !policy.allowedPermissions || policy.allowedPermissions.includes(box.value);
  }
  $('policy-unused-days').value = policy.disableUnusedAfterDays ?? '';
  $('policy-sources').value = (policy.defaultAllowedSources ?? []).join('\n');
  const names = new Map(state.tokens.map((token) => [token.id, token.name]));
  $('policy-violation-rows').replaceChildren(...policy.violations.map((violation) => {
    const tr = document.createElement('tr');
    tr.append(textCell('Token', violation.name ?? names.get(violation.tokenId) ?? violation.tokenId, 'long name'),
      textCell('Field', violation.field, 'mono'), textCell('Problem', violation.message, 'long'));
    return tr;
  }));
  $('policy-violations').hidden = policy.violations.length === 0;
  $('policy-no-violations').hidden = policy.violations.length > 0;
}

async function openPolicy() {
  $('policy-error').hidden = true;
  try {
    renderPolicy(await policyApi().get());
    showPolicyPage(true);
    $('close-policy').focus();
  } catch (error) {
    handleFailure(error);
  }
}

function policyFields() {
  const days = (id) => ($(id).value === '' ? null : Number($(id).value));
  const permissions = [...document.querySelectorAll('[name=policy-permission]:checked')].map((box) => box.value);
  const sources = $('policy-sources').value.split(/\s+/).filter(Boolean);
  const never = $('policy-never').value;
  return {
    maxLifetimeDays: days('policy-max-days'),
    allowNeverExpires: never === '' ? null : never === 'true',
    allowedPermissions: permissions.length === 2 ? null : permissions,
    disableUnusedAfterDays: days('policy-unused-days'),
    defaultAllowedSources: sources.length === 0 ? null : sources,
  };
}

$('open-policy').addEventListener('click', () => openPolicy());
$('close-policy').addEventListener('click', () => {
  showPolicyPage(false);
  $('open-policy').focus();
});
$('policy-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('policy-error').hidden = true;
  try {
    renderPolicy(await policyApi().put(policyFields(), state.policyVersion));
    announce(`The policy of ${state.namespace} is saved.`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      handleFailure(error);
      return;
    }
    $('policy-error').textContent = error.status === 412
      ? 'The policy was changed elsewhere. Go back and open it again to see its current state.'
      : (error.field ? `${error.field}: ` : '') + error.message;
    $('policy-error').hidden = false;
  }
});

// --- start --------------------------------------------------------------------------------------------------------

function showSignedOut(message) {
  $('tokens').hidden = true;
  $('policy-page').hidden = true;
  $('sign-out').hidden = true;
  $('signed-out').hidden = false;
  $('sign-in-error').textContent = message ?? '';
  $('sign-in-error').hidden = !message;
}

async function showTokens() {
  $('signed-out').hidden = true;
  $('tokens').hidden = false;
  $('sign-out').hidden = false;
  $('usage').textContent = loginLine('USERNAME');
  state.subject = signedInSubject();
  await loadNamespaces();
}

$('create').addEventListener('click', () => openTokenForm(null));
$('load-more').addEventListener('click', () => load({ more: true }));
// A reload reads the namespaces again too: a role may have changed since.
$('page-alert-reload').addEventListener('click', () => loadNamespaces());
$('namespace').addEventListener('change', async (event) => {
  await showNamespace(event.target.value);
  announce(`Showing the access tokens of ${state.namespace}.`);
});
$('sign-in').addEventListener('click', () => signIn(state.config).catch((error) => showSignedOut(error.message)));
$('sign-out').addEventListener('click', () => {
  signOut();
  sessionStorage.removeItem(SELECTED_NAMESPACE);
  Object.assign(state, { subject: null, memberships: [], namespace: null, role: null });
  state.tokens = [];
  render();
  showSignedOut();
});

async function start() {
  state.config = await (await fetch('config.json')).json();
  state.api = createApi(state.config.apiUrl, accessToken);
  try {
    await completeSignIn(state.config);
  } catch (error) {
    showSignedOut(error.message);
    return;
  }
  if (accessToken()) await showTokens();
  else showSignedOut();
}

start();
